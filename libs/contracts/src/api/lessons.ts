/**
 * Live joint lessons (专递课堂): constants and REST shapes shared by the API, the classroom
 * service and the web app. Browser-safe: no decorators, no Node APIs.
 */
export * from './lessons-realtime.js';
export * from './lessons-state.js';
export * from './lessons-sequencer.js';
export * from './lessons-attendance.js';

export const LESSON_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type LessonStatus = (typeof LESSON_STATUSES)[number];

/** Who someone is inside a live lesson. `classroom` is the rural room's big-screen device. */
export const LESSON_ROLES = ['host', 'co_teacher', 'classroom', 'observer'] as const;
export type LessonRole = (typeof LESSON_ROLES)[number];

export const LESSON_ATTACHMENT_KINDS = ['resource', 'pack'] as const;
export type LessonAttachmentKind = (typeof LESSON_ATTACHMENT_KINDS)[number];

/** A reference to a library resource or lesson pack (ids are validated by the library later). */
export interface MaterialRef {
  kind: LessonAttachmentKind;
  id: string;
}
export interface LessonAttachment extends MaterialRef {
  title: string;
}

/** The `typ` of the short-lived JWT that admits one person to one lesson. */
export const LESSON_JOIN_TOKEN_TYPE = 'lesson-join';
export const LESSON_JOIN_TOKEN_TTL_SECONDS = 120;
export const LESSON_NAMESPACE = '/lesson';
export const LESSON_DEFAULT_TIMEZONE = 'Asia/Shanghai';

export const LESSON_SCHEDULE_LIMITS = {
  minMinutes: 10,
  maxMinutes: 240,
  maxClassrooms: 12,
  maxCoTeachersPerClassroom: 4,
  maxObservers: 30,
  maxAttachments: 20,
  /** A weekly series materialises at most this many occurrences (a school year). */
  maxOccurrences: 60,
  /** `GET /api/lessons?from&to` covers at most this many days. */
  maxListDays: 400,
  /** Join tokens are issued from this long before the start until the lesson ends. */
  joinOpensMinutesBefore: 24 * 60,
} as const;

/** Claims of a lesson join token (besides `typ`, `iat`, `exp`, `iss`). */
export interface LessonJoinClaims {
  lessonId: string;
  userId: string;
  role: LessonRole;
  classroomId: string | null;
  name: string;
}

// ---- REST ----

export interface LessonClassroomAssignment {
  classroomId: string;
  coTeacherIds: string[];
}

export interface CreateLessonRequest {
  pairingId: string;
  title: string;
  subject: string;
  startsAt: string;
  endsAt: string;
  /** Defaults to the pairing's master teacher; another master teacher of the urban school only by the district. */
  hostId?: string;
  classrooms: LessonClassroomAssignment[];
  observerIds?: string[];
  attachments?: LessonAttachment[];
}

export interface LessonWeeklyRule {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local wall-clock time, HH:MM. */
  startTime: string;
  durationMinutes: number;
  /** First and last local dates (YYYY-MM-DD), inclusive. */
  fromDate: string;
  untilDate: string;
  /** IANA zone; Asia/Shanghai unless said otherwise. */
  timezone?: string;
}

export interface CreateLessonSeriesRequest extends Omit<CreateLessonRequest, 'startsAt' | 'endsAt'> {
  rule: LessonWeeklyRule;
}

/** Moving one occurrence makes it an exception of its series. */
export interface UpdateLessonRequest {
  title?: string;
  startsAt?: string;
  endsAt?: string;
  observerIds?: string[];
  attachments?: LessonAttachment[];
}

export interface CancelLessonRequest {
  reason?: string;
}

export interface LessonListQuery {
  from: string;
  to: string;
  pairingId?: string;
  includeCancelled?: boolean;
}

export interface LessonPersonRef {
  id: string;
  displayName: string;
}

export interface LessonClassroomDto {
  id: string;
  name: string;
  schoolId: string;
  schoolName: string;
  coTeachers: LessonPersonRef[];
}

export interface LessonDto {
  id: string;
  pairingId: string;
  seriesId: string | null;
  regionId: string;
  urbanSchoolId: string;
  title: string;
  subject: string;
  status: LessonStatus;
  startsAt: string;
  endsAt: string;
  /** For an occurrence of a series that was moved: where the rule had put it. */
  originalStartsAt: string | null;
  isException: boolean;
  host: LessonPersonRef;
  classrooms: LessonClassroomDto[];
  observers: LessonPersonRef[];
  attachments: LessonAttachment[];
  startedAt: string | null;
  endedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
}

export interface LessonSeriesDto {
  id: string;
  pairingId: string;
  title: string;
  subject: string;
  host: LessonPersonRef;
  rule: Required<LessonWeeklyRule>;
  occurrences: LessonDto[];
}

export interface LessonJoinTokenRequest {
  role: LessonRole;
  /** Required for co-teachers of several classrooms and for classroom devices. */
  classroomId?: string;
}

export interface LessonJoinTokenResponse {
  token: string;
  expiresAt: string;
  lessonId: string;
  role: LessonRole;
  classroomId: string | null;
  realtimeUrl: string;
  namespace: string;
}

export interface LessonAttendanceInterval {
  joinedAt: string;
  leftAt: string | null;
}

export interface LessonClassroomAttendance {
  classroomId: string;
  name: string;
  schoolId: string;
  /** Union of the presence of the room's device(s) and co-teacher(s), clipped to the lesson. */
  intervals: LessonAttendanceInterval[];
  minutes: number;
  present: boolean;
}

export interface LessonAttendanceDto {
  lessonId: string;
  status: LessonStatus;
  startedAt: string | null;
  endedAt: string | null;
  classrooms: LessonClassroomAttendance[];
}

export interface LessonTimelineItem {
  seq: number;
  type: string;
  /** Milliseconds since the lesson started (negative: before the start, e.g. admissions). */
  offsetMs: number;
  at: string;
  actor: { userId: string; role: LessonRole; classroomId: string | null; displayName: string | null };
  payload: unknown;
}

export interface LessonTimelinePage {
  lessonId: string;
  startedAt: string | null;
  items: LessonTimelineItem[];
  /** Pass as `afterSeq` for the next page; null when this was the last page. */
  nextAfterSeq: number | null;
}

export interface LessonPollRecord {
  pollId: string;
  question: string;
  kind: 'single' | 'multiple';
  options: string[];
  totals: number[];
  byClassroom: { classroomId: string; tally: number[] }[];
}

export interface LessonRecordDto {
  lesson: LessonDto;
  durationMinutes: number;
  attendance: LessonClassroomAttendance[];
  pagesShown: { material: MaterialRef; pages: number[] }[];
  hands: { classroomId: string; count: number }[];
  polls: LessonPollRecord[];
  annotationStrokes: number;
  events: number;
}
