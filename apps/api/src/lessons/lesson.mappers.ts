import type { LessonDto, LessonSeriesDto } from '@tongke/contracts';
import type { JointLesson, LessonSeries, User } from '@tongke/database';

const person = (u: Pick<User, 'id' | 'displayName'>) => ({ id: u.id, displayName: u.displayName });
const byName = (a: { name?: string; displayName?: string }, b: { name?: string; displayName?: string }) =>
  (a.name ?? a.displayName ?? '').localeCompare(b.name ?? b.displayName ?? '', 'zh-CN');

/** Needs host, classrooms (with classroom and school) and participants (with user) loaded. */
export function toLessonDto(l: JointLesson): LessonDto {
  if (!l.host || !l.classrooms || !l.participants) throw new Error('lesson relations not loaded');
  const participants = l.participants;
  return {
    id: l.id,
    pairingId: l.pairingId,
    seriesId: l.seriesId,
    regionId: l.regionId,
    urbanSchoolId: l.urbanSchoolId,
    title: l.title,
    subject: l.subject,
    status: l.status,
    startsAt: l.startsAt.toISOString(),
    endsAt: l.endsAt.toISOString(),
    originalStartsAt: l.originalStartsAt?.toISOString() ?? null,
    isException: l.isException,
    host: person(l.host),
    classrooms: l.classrooms
      .map((c) => ({
        id: c.classroomId,
        name: c.classroom?.name ?? '',
        schoolId: c.schoolId,
        schoolName: c.school?.name ?? '',
        coTeachers: participants
          .filter((p) => p.role === 'co_teacher' && p.classroomId === c.classroomId && p.user)
          .map((p) => person(p.user as User))
          .sort(byName),
      }))
      .sort(byName),
    observers: participants
      .filter((p) => p.role === 'observer' && p.user)
      .map((p) => person(p.user as User))
      .sort(byName),
    attachments: l.attachments.map((a) => ({ kind: a.kind, id: a.id, title: a.title })),
    startedAt: l.startedAt?.toISOString() ?? null,
    endedAt: l.endedAt?.toISOString() ?? null,
    cancelledAt: l.cancelledAt?.toISOString() ?? null,
    cancelReason: l.cancelReason,
  };
}

/** A `date` column arrives as 'YYYY-MM-DD' from pg but as a Date from PGlite. */
const localDate = (v: string | Date): string => (typeof v === 'string' ? v : v.toISOString().slice(0, 10));

export function toLessonSeriesDto(s: LessonSeries, host: User, occurrences: JointLesson[]): LessonSeriesDto {
  return {
    id: s.id,
    pairingId: s.pairingId,
    title: s.title,
    subject: s.subject,
    host: person(host),
    rule: {
      weekday: s.weekday,
      startTime: s.startTime,
      durationMinutes: s.durationMinutes,
      fromDate: localDate(s.fromDate),
      untilDate: localDate(s.untilDate),
      timezone: s.timezone,
    },
    occurrences: occurrences.map(toLessonDto),
  };
}
