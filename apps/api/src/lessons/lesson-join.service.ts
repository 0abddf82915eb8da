import { Injectable } from '@nestjs/common';
import { TokenService, type Principal } from '@tongke/auth';
import { AppConfig } from '@tongke/config';
import {
  LESSON_JOIN_TOKEN_TTL_SECONDS,
  LESSON_JOIN_TOKEN_TYPE,
  LESSON_NAMESPACE,
  LESSON_SCHEDULE_LIMITS as L,
  type LessonJoinClaims,
  type LessonJoinTokenRequest,
  type LessonJoinTokenResponse,
} from '@tongke/contracts';
import type { JointLesson } from '@tongke/database';
import { Clock } from '../common/clock.js';
import { LessonAccess } from './lesson-access.service.js';
import { LessonErrors } from './lessons.errors.js';

/** After the scheduled end a lesson that is still live may run over; joining stays open. */
const GRACE_AFTER_END_MS = 2 * 3600_000;

/**
 * Issues the short-lived JWT that admits one person, in one role, to one lesson. Only people who
 * belong to the lesson get one; the classroom service verifies it on the handshake and on join.
 */
@Injectable()
export class LessonJoinService {
  constructor(
    private readonly access: LessonAccess,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async issue(p: Principal, lessonId: string, req: LessonJoinTokenRequest): Promise<LessonJoinTokenResponse> {
    const lesson = await this.access.loadVisible(p, lessonId);
    if (lesson.status === 'cancelled') throw LessonErrors.cancelled();
    if (lesson.status === 'ended') throw LessonErrors.ended();
    const now = this.clock.now().getTime();
    const opens = lesson.startsAt.getTime() - L.joinOpensMinutesBefore * 60_000;
    const closes = lesson.endsAt.getTime() + GRACE_AFTER_END_MS;
    if (now < opens || (lesson.status !== 'live' && now > closes)) throw LessonErrors.notOpen();

    const classroomId = this.classroomFor(p, lesson, req);
    const claims: LessonJoinClaims = {
      lessonId: lesson.id,
      userId: p.userId,
      role: req.role,
      classroomId,
      name: p.displayName,
    };
    const token = this.tokens.signTyped(LESSON_JOIN_TOKEN_TYPE, claims, LESSON_JOIN_TOKEN_TTL_SECONDS);
    return {
      token,
      expiresAt: new Date(now + LESSON_JOIN_TOKEN_TTL_SECONDS * 1000).toISOString(),
      lessonId: lesson.id,
      role: req.role,
      classroomId,
      realtimeUrl: this.config.realtimePublicUrl,
      namespace: LESSON_NAMESPACE,
    };
  }

  /** Checks the caller may take the role; returns the classroom the token is for. */
  private classroomFor(p: Principal, lesson: JointLesson, req: LessonJoinTokenRequest): string | null {
    const participants = lesson.participants ?? [];
    const rooms = lesson.classrooms ?? [];
    switch (req.role) {
      case 'host':
        if (lesson.hostId !== p.userId) throw LessonErrors.roleNotAllowed(req.role);
        return null;
      case 'observer':
        if (!participants.some((x) => x.userId === p.userId && x.role === 'observer'))
          throw LessonErrors.roleNotAllowed(req.role);
        return null;
      case 'co_teacher': {
        const mine = participants.find((x) => x.userId === p.userId && x.role === 'co_teacher');
        if (!mine?.classroomId || (req.classroomId && req.classroomId !== mine.classroomId)) {
          throw LessonErrors.roleNotAllowed(req.role);
        }
        return mine.classroomId;
      }
      case 'classroom': {
        // The room's big screen: a device logged in by a co-teacher of this lesson from that
        // school, or by the school's admin.
        if (!req.classroomId) throw LessonErrors.classroomRequired();
        const room = rooms.find((c) => c.classroomId === req.classroomId);
        if (!room || !p.schoolId || room.schoolId !== p.schoolId) throw LessonErrors.roleNotAllowed(req.role);
        const isCoTeacher = participants.some((x) => x.userId === p.userId && x.role === 'co_teacher');
        if (!(p.role === 'school_admin' || isCoTeacher)) throw LessonErrors.roleNotAllowed(req.role);
        return room.classroomId;
      }
    }
  }
}
