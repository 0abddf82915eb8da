import { JointLesson } from './joint-lesson.entity.js';
import { LessonAttendance } from './lesson-attendance.entity.js';
import { LessonClassroom } from './lesson-classroom.entity.js';
import { LessonEvent } from './lesson-event.entity.js';
import { LessonParticipant } from './lesson-participant.entity.js';
import { LessonSeries } from './lesson-series.entity.js';
import { LessonSnapshot } from './lesson-snapshot.entity.js';

export * from './joint-lesson.entity.js';
export * from './lesson-attendance.entity.js';
export * from './lesson-classroom.entity.js';
export * from './lesson-event.entity.js';
export * from './lesson-participant.entity.js';
export * from './lesson-series.entity.js';
export * from './lesson-snapshot.entity.js';

/** Entities owned by the lessons domain. Add each new entity class to LESSONS_ENTITIES. */
export const LESSONS_ENTITIES: (new () => object)[] = [
  LessonSeries,
  JointLesson,
  LessonClassroom,
  LessonParticipant,
  LessonEvent,
  LessonSnapshot,
  LessonAttendance,
];
