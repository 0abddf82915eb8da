import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessonAttendance } from '@tongke/database';
import { IsNull, Repository } from 'typeorm';

/** Join/leave intervals of each connection of a lesson. */
@Injectable()
export class LessonAttendanceRepository {
  constructor(@InjectRepository(LessonAttendance) private readonly rows: Repository<LessonAttendance>) {}

  async start(input: {
    lessonId: string;
    userId: string;
    role: string;
    classroomId: string | null;
    at: Date;
  }): Promise<string> {
    const saved = await this.rows.save(
      this.rows.create({
        lessonId: input.lessonId,
        userId: input.userId,
        role: input.role,
        classroomId: input.classroomId,
        joinedAt: input.at,
        leftAt: null,
      }),
    );
    return saved.id;
  }

  async end(id: string, at: Date): Promise<void> {
    await this.rows.update({ id, leftAt: IsNull() }, { leftAt: at });
  }

  forLesson(lessonId: string): Promise<LessonAttendance[]> {
    return this.rows.find({ where: { lessonId }, order: { joinedAt: 'ASC' } });
  }
}
