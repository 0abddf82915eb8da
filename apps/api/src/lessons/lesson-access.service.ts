import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Scope, type Principal } from '@tongke/auth';
import { JointLesson } from '@tongke/database';
import { Repository } from 'typeorm';
import { LessonErrors } from './lessons.errors.js';

export const LESSON_RELATIONS = {
  host: true,
  pairing: true,
  classrooms: { classroom: true, school: true },
  participants: { user: true },
} as const;

/**
 * Who may see a lesson (the timetable of both schools): the region's district, the host and the
 * pairing's master teacher, listed co-teachers and observers, and the school admins of the urban
 * school and of every participating classroom's school.
 */
export function canSeeLesson(p: Principal, l: JointLesson): boolean {
  if (p.role === 'platform_admin') return true;
  if (p.role === 'district_admin') return p.regionId === l.regionId;
  if (l.hostId === p.userId || l.pairing?.masterTeacherId === p.userId) return true;
  if ((l.participants ?? []).some((x) => x.userId === p.userId)) return true;
  if (p.role === 'school_admin' && p.schoolId) {
    return l.urbanSchoolId === p.schoolId || (l.classrooms ?? []).some((c) => c.schoolId === p.schoolId);
  }
  return false;
}

/** Who may move, edit or cancel it: its host and the district. */
export function canManageLesson(p: Principal, l: JointLesson): boolean {
  return l.hostId === p.userId || Scope.canManageRegion(p, l.regionId);
}

@Injectable()
export class LessonAccess {
  constructor(@InjectRepository(JointLesson) private readonly lessons: Repository<JointLesson>) {}

  /** The lesson with its people, or 404 for anyone who may not know it exists. */
  async loadVisible(p: Principal, id: string): Promise<JointLesson> {
    const lesson = await this.lessons.findOne({ where: { id }, relations: LESSON_RELATIONS });
    if (!lesson || !canSeeLesson(p, lesson)) throw LessonErrors.notFound();
    return lesson;
  }
}
