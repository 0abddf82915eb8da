import { AppError } from '@tongke/common';

export interface BookingConflict {
  resource: 'host' | 'classroom';
  classroomId: string | null;
  name: string;
  startsAt: string;
  endsAt: string;
}

export const LessonErrors = {
  notFound: () => new AppError('LESSON_NOT_FOUND', 404, 'Lesson not found'),
  seriesNotFound: () => new AppError('LESSON_SERIES_NOT_FOUND', 404, 'Lesson series not found'),
  pairingNotFound: () => new AppError('LESSON_PAIRING_NOT_FOUND', 404, 'Pairing not found'),
  pairingNotActive: () =>
    new AppError('LESSON_PAIRING_NOT_ACTIVE', 409, 'Joint lessons are scheduled only for an active pairing'),
  notScheduler: () =>
    new AppError(
      'FORBIDDEN',
      403,
      'Only the pairing’s master teacher or the district admin schedules its lessons',
    ),
  hostInvalid: () =>
    new AppError(
      'LESSON_HOST_INVALID',
      400,
      'The host must be an active master teacher of the pairing’s urban school',
    ),
  hostNeedsDistrict: () =>
    new AppError('FORBIDDEN', 403, 'Only the district admin may make another master teacher the host'),
  subjectInvalid: (subject: string) =>
    new AppError('LESSON_SUBJECT_INVALID', 400, `Subject ${subject} is not one of the pairing’s subjects`),
  classroomInvalid: (ids: string[]) =>
    new AppError(
      'LESSON_CLASSROOM_INVALID',
      400,
      `Classrooms must be classrooms of the pairing: ${ids.join(', ')}`,
    ),
  coTeacherInvalid: (ids: string[]) =>
    new AppError(
      'LESSON_CO_TEACHER_INVALID',
      400,
      `Co-teachers must be active staff of the classroom’s school, each for one classroom: ${ids.join(', ')}`,
    ),
  observerInvalid: (ids: string[]) =>
    new AppError(
      'LESSON_OBSERVER_INVALID',
      400,
      `Observers must be active users of the county, not already in the lesson: ${ids.join(', ')}`,
    ),
  timeInvalid: (message: string) => new AppError('LESSON_TIME_INVALID', 400, message),
  ruleInvalid: (message: string) => new AppError('LESSON_RULE_INVALID', 400, message),
  doubleBooked: (conflicts: BookingConflict[]) => {
    const first = conflicts[0];
    const who = first.resource === 'host' ? 'The host' : `Classroom ${first.name}`;
    return new AppError(
      'LESSON_DOUBLE_BOOKED',
      409,
      `${who} already has a joint lesson from ${first.startsAt} to ${first.endsAt}${conflicts.length > 1 ? ` (and ${conflicts.length - 1} more clash(es))` : ''}`,
      { conflicts: conflicts.slice(0, 20) },
    );
  },
  notEditable: (status: string) =>
    new AppError('LESSON_NOT_EDITABLE', 409, `A ${status} lesson cannot be changed`),
  notOpen: () =>
    new AppError('LESSON_NOT_OPEN', 409, 'Joining opens 24 hours before the lesson and closes when it ends'),
  ended: () => new AppError('LESSON_ENDED', 409, 'The lesson has ended'),
  cancelled: () => new AppError('LESSON_CANCELLED', 409, 'The lesson was cancelled'),
  roleNotAllowed: (role: string) =>
    new AppError('LESSON_ROLE_NOT_ALLOWED', 403, `You may not join this lesson as ${role.replace('_', '-')}`),
  classroomRequired: () =>
    new AppError(
      'LESSON_CLASSROOM_REQUIRED',
      400,
      'Say which classroom (classroomId) this device or co-teacher is for',
    ),
  rangeInvalid: (message: string) => new AppError('VALIDATION_FAILED', 400, message),
};
