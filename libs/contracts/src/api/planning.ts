import type { SocketAck } from './socket-events.js';

/**
 * Collaborative lesson planning (集体备课): browser-safe constants, REST shapes and the `/planning`
 * socket event maps. The Yjs document helpers live in `../planning/` (they pull in yjs, so the
 * main web bundle does not import them from here).
 */

/**
 * The standard sections of a lesson plan. Each is one `Y.XmlFragment` at the top level of the plan's
 * Yjs document, keyed by its code (ProseMirror/tiptap schema: block elements such as `paragraph`
 * holding `Y.XmlText`).
 */
export const PLAN_SECTIONS = [
  { code: 'objectives', label: '教学目标' },
  { code: 'key_points', label: '重点难点' },
  { code: 'process', label: '教学过程' },
  { code: 'homework', label: '作业设计' },
  { code: 'board', label: '板书设计' },
] as const;
export type PlanSectionCode = (typeof PLAN_SECTIONS)[number]['code'];
export const PLAN_SECTION_CODES: readonly PlanSectionCode[] = PLAN_SECTIONS.map((s) => s.code);
export const isPlanSectionCode = (v: unknown): v is PlanSectionCode =>
  typeof v === 'string' && (PLAN_SECTION_CODES as readonly string[]).includes(v);
export const planSectionLabel = (code: PlanSectionCode): string =>
  PLAN_SECTIONS.find((s) => s.code === code)?.label ?? code;

/** A member's role in a teaching-research group (教研组). */
export const RESEARCH_GROUP_ROLES = ['lead', 'member', 'observer'] as const;
export type ResearchGroupRole = (typeof RESEARCH_GROUP_ROLES)[number];
/** What a group role may do with the group's plan documents: leads and members edit, observers read. */
export type PlanAccessRole = 'editor' | 'observer';
export const planAccessOf = (role: ResearchGroupRole): PlanAccessRole =>
  role === 'observer' ? 'observer' : 'editor';

/** Largest single Yjs update (or sync step 2) a client may send; larger offline backlogs must be split. */
export const PLAN_UPDATE_MAX_BYTES = 768 * 1024;
export const PLAN_AWARENESS_MAX_BYTES = 16 * 1024;
/** Curriculum lesson period (课时) range. */
export const PLAN_LESSON_PERIOD_MAX = 40;
/** How long before its start a collective preparation session opens for check-in, and how long after its end. */
export const PLANNING_SESSION_CHECKIN_MARGIN_MINUTES = 30;

// ---------------------------------------------------------------- REST shapes

export interface UserRefDto {
  id: string;
  displayName: string;
  schoolId: string | null;
}

export interface CreateResearchGroupRequest {
  /** Platform admins name the region; everyone else creates in their own. */
  regionId?: string;
  name: string;
  subject: string;
  stage: string;
  /** District admins pick the lead; a master teacher creating a group leads it. */
  leadId?: string;
}
export interface UpdateResearchGroupRequest {
  name?: string;
  /** District admins only: hand the group to another teacher (the old lead stays a member). */
  leadId?: string;
}
export interface AddGroupMemberRequest {
  userId: string;
  role: 'member' | 'observer';
}
export interface ResearchGroupMemberDto {
  user: UserRefDto;
  role: ResearchGroupRole;
  addedAt: string;
}
/** A teacher of the group's region the lead may add (not yet in the group). */
export interface GroupMemberCandidateDto {
  user: UserRefDto;
  schoolName: string | null;
}
export interface ResearchGroupDto {
  id: string;
  regionId: string;
  name: string;
  subject: string;
  stage: string;
  lead: UserRefDto;
  /** The caller's role, or null for a district admin who supervises without taking part. */
  myRole: ResearchGroupRole | null;
  memberCount: number;
  createdAt: string;
}
export interface ResearchGroupDetailDto extends ResearchGroupDto {
  members: ResearchGroupMemberDto[];
}

/** Curriculum position of a plan (validated against the taxonomy; subject and stage come from the group). */
export interface CurriculumPosition {
  subject: string;
  stage: string;
  grade: string;
  edition: string;
  volume: string;
  unit: string;
  lessonPeriod: number;
}
export type PlanSectionTexts = Partial<Record<PlanSectionCode, string>>;
export interface CreatePlanRequest {
  title: string;
  grade: string;
  edition: string;
  volume: string;
  unit: string;
  lessonPeriod: number;
  /** Optional starting text per section (one paragraph per line), authored by the creator. */
  sections?: PlanSectionTexts;
}
export interface UpdatePlanRequest {
  title?: string;
  grade?: string;
  edition?: string;
  volume?: string;
  unit?: string;
  lessonPeriod?: number;
}
export interface PlanDto {
  id: string;
  groupId: string;
  regionId: string;
  title: string;
  curriculum: CurriculumPosition;
  /** Sequence number of the last persisted edit. */
  headSeq: number;
  /** The caller's access to the document, or null (supervising district admin: metadata only). */
  myAccess: PlanAccessRole | null;
  createdBy: UserRefDto;
  createdAt: string;
  updatedAt: string;
}
export interface PlanSectionContentDto {
  code: PlanSectionCode;
  label: string;
  /** Plain text: one line per paragraph. */
  text: string;
  /** Characters (code points), paragraph breaks not counted. */
  chars: number;
}
export interface PlanContentDto {
  planId: string;
  seq: number;
  sections: PlanSectionContentDto[];
}

export interface CreatePlanPostRequest {
  body: string;
}
export interface PlanPostDto {
  id: string;
  planId: string;
  author: UserRefDto;
  body: string;
  createdAt: string;
}

/** `Y.relativePositionToJSON()` output: the anchor of a comment end point. */
export interface YIdJson {
  client: number;
  clock: number;
}
export interface RelativePositionJson {
  type?: YIdJson;
  tname?: string;
  item?: YIdJson;
  assoc?: number;
}
export interface CreatePlanCommentRequest {
  section: PlanSectionCode;
  /** Made by the editor from its own document (see `anchorAt` in the planning doc helpers). */
  start: RelativePositionJson;
  end: RelativePositionJson;
  body: string;
}
export interface CreatePlanCommentReplyRequest {
  body: string;
}
/** Where an anchor is now: offsets into the section's plain text (lines joined by \n, UTF-16 units). */
export interface PlanTextRangeDto {
  section: PlanSectionCode;
  from: number;
  to: number;
  text: string;
}
export interface PlanCommentReplyDto {
  id: string;
  author: UserRefDto;
  body: string;
  createdAt: string;
}
export interface PlanCommentDto {
  id: string;
  planId: string;
  section: PlanSectionCode;
  /** The text the comment was made on, as it was then. */
  quote: string;
  body: string;
  author: UserRefDto;
  /**
   * The anchor resolved against the current document: it grows and moves with edits, collapses
   * (from = to) when its words are deleted, and is null once their whole paragraph is gone.
   */
  range: PlanTextRangeDto | null;
  /**
   * The anchor itself (as made by `anchorAt`), for editors that follow it live in their own
   * document (`resolveRange`); null for a comment stored without a valid one.
   */
  anchor: { start: RelativePositionJson; end: RelativePositionJson } | null;
  resolved: boolean;
  resolvedAt: string | null;
  resolvedBy: UserRefDto | null;
  replies: PlanCommentReplyDto[];
  createdAt: string;
}

export interface CreatePlanVersionRequest {
  name: string;
}
export interface PlanVersionDto {
  id: string;
  planId: string;
  name: string;
  seq: number;
  createdBy: UserRefDto;
  createdAt: string;
  publishedAt: string | null;
}
export interface PlanVersionContentDto extends PlanVersionDto {
  sections: PlanSectionContentDto[];
}
export interface RestorePlanVersionResponse {
  version: PlanVersionDto;
  /** Sequence number of the restoring edit (unchanged when the document already matched). */
  seq: number;
  restoredSections: PlanSectionCode[];
}
export interface PlanChangeAuthorDto {
  user: UserRefDto;
  added: number;
  removed: number;
}
export interface PlanSectionChangeDto {
  code: PlanSectionCode;
  label: string;
  charsBefore: number;
  charsAfter: number;
  added: number;
  removed: number;
  authors: PlanChangeAuthorDto[];
}
export interface PlanChangeSummaryDto {
  planId: string;
  from: { versionId: string; name: string; seq: number };
  /** versionId null: the current document. */
  to: { versionId: string | null; name: string; seq: number };
  sections: PlanSectionChangeDto[];
  /** One readable line per changed section, e.g. 「教学目标：新增 12 字，删除 3 字（王老师 +12/−3）」. */
  lines: string[];
}
export type PlanPublicationStatus = 'submitted';
export interface PublishPlanVersionResponse {
  planId: string;
  versionId: string;
  status: PlanPublicationStatus;
  submittedAt: string;
  message: string;
}

export interface CreatePlanningSessionRequest {
  planId: string;
  title: string;
  scheduledAt: string;
  durationMinutes: number;
  agenda: string;
  jointLessonId?: string;
}
export interface UpdatePlanningSessionRequest {
  title?: string;
  scheduledAt?: string;
  durationMinutes?: number;
  agenda?: string;
  minutes?: string;
  /** null unlinks. */
  jointLessonId?: string | null;
}
export interface PlanningSessionDto {
  id: string;
  groupId: string;
  planId: string;
  title: string;
  scheduledAt: string;
  durationMinutes: number;
  agenda: string;
  minutes: string | null;
  jointLessonId: string | null;
  attendees: { user: UserRefDto; attendedAt: string }[];
  createdBy: UserRefDto;
  createdAt: string;
}

// ---------------------------------------------------------------- /planning socket namespace

/**
 * Binary payloads: y-protocols sync messages (step 1, step 2, update) and awareness updates.
 * Node clients receive Buffers, browsers ArrayBuffers; normalise with `toBytes()`.
 */
export type PlanBinary = Uint8Array | ArrayBuffer;

export interface PlanJoinResult {
  planId: string;
  access: PlanAccessRole;
  /** Sequence number of the last persisted edit. */
  seq: number;
  /** y-protocols sync step 1 of the server (its state vector): answer with step 2 to upload offline edits. */
  syncStep1: PlanBinary;
  /** Current awareness states of everyone in the room, or null. */
  awareness: PlanBinary | null;
}
export interface PlanSyncResult {
  /** The reply to a sync step 1 (a sync step 2 message). */
  reply?: PlanBinary;
  /** Set for step 2/update messages: the head sequence after the update was persisted. */
  seq?: number;
}
export interface PlanSyncPayload {
  planId: string;
  message: PlanBinary;
  /** Server to client: the sequence number the relayed update was stored under. */
  seq?: number;
}
export interface PlanAwarenessPayload {
  planId: string;
  update: PlanBinary;
}

export interface PlanningClientToServerEvents {
  join: (payload: { planId: string }, ack: (res: SocketAck<PlanJoinResult>) => void) => void;
  leave: (payload: { planId: string }, ack: (res: SocketAck<{ planId: string }>) => void) => void;
  /** A y-protocols sync message; step 2 and update messages are acknowledged only after they are stored. */
  sync: (payload: PlanSyncPayload, ack: (res: SocketAck<PlanSyncResult>) => void) => void;
  /** Cursors and presence: relayed (volatile), never stored. */
  awareness: (payload: PlanAwarenessPayload) => void;
}
export interface PlanningServerToClientEvents {
  /** A y-protocols update message relayed from another editor (already stored). */
  sync: (payload: PlanSyncPayload) => void;
  awareness: (payload: PlanAwarenessPayload) => void;
  /** The caller lost access to the plan (removed from the group); the server has left the room. */
  revoked: (payload: { planId: string; code: string; message: string }) => void;
}
