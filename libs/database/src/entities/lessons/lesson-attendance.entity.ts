import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { JointLesson } from './joint-lesson.entity.js';

/**
 * One connection's presence in a lesson (join → leave). A classroom's attendance is the union of
 * its device and co-teacher intervals; an interval left open by a crash ends with the lesson.
 */
@Entity('lesson_attendance')
@Index(['lessonId', 'classroomId'])
export class LessonAttendance {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'lesson_id' })
  lessonId: string;

  @ManyToOne(() => JointLesson, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lesson_id' })
  lesson?: Relation<JointLesson>;

  @Column({ type: 'uuid', name: 'user_id' })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  role: string;

  @Column({ type: 'uuid', name: 'classroom_id', nullable: true })
  classroomId: string | null;

  @Column({ type: 'timestamptz', name: 'joined_at' })
  joinedAt: Date;

  @Column({ type: 'timestamptz', name: 'left_at', nullable: true })
  leftAt: Date | null;
}
