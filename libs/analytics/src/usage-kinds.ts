/** What a usage event records. Stored as text in usage_events.kind. */
export const USAGE_KINDS = [
  'resource_view',
  'resource_preview',
  'resource_download',
  'resource_upload',
  'resource_approval',
  'plan_edit',
  'prep_session',
  'lesson_held',
  'lesson_attendance',
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

/** One row for usage_events, as the recorder buffers it. */
export interface UsageRecord {
  kind: UsageKind;
  occurredAt: Date;
  userId?: string | null;
  schoolId?: string | null;
  regionId?: string | null;
  resourceId?: string | null;
  lessonId?: string | null;
  classroomId?: string | null;
  planId?: string | null;
  pairingId?: string | null;
  minutes?: number | null;
  quantity?: number | null;
}
