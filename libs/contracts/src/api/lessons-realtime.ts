/**
 * The `/lesson` socket.io namespace: typed event maps both ways, the commands a participant may
 * send, the persisted events the server appends to the lesson's log, and the rights matrix.
 * Only type imports from lessons.ts (it re-exports this file).
 */
import type { SocketAck } from './socket-events.js';
import type { LessonAttachment, LessonRole, LessonStatus, MaterialRef } from './lessons.js';
import type { LessonStateView } from './lessons-state.js';

export type StrokeTool = 'pen' | 'highlighter' | 'eraser';
export type AvMode = 'av' | 'audio';
export type PollKind = 'single' | 'multiple';
export type ChatChannel = 'lesson' | 'observers';

/** Where ink goes: a page of an attached material (annotation) or the whiteboard of a page number. */
export type LessonSurface =
  { layer: 'annotation'; material: MaterialRef; page: number } | { layer: 'whiteboard'; page: number };

/** Part of one stroke; a long stroke arrives as several segments with the same strokeId. */
export interface StrokeSegment {
  strokeId: string;
  tool: StrokeTool;
  /** #rrggbb */
  color: string;
  width: number;
  /** x,y pairs, normalised to 0..1 of the surface. */
  points: number[];
  /** The pen was lifted: no more segments for this stroke. */
  done: boolean;
}

export const REALTIME_LIMITS = {
  maxSegmentsPerBatch: 32,
  maxPointsPerBatch: 512,
  /** Stroke batches per second per sender (a token bucket with this rate and twice the burst). */
  maxBatchesPerSecond: 30,
  maxPointsPerStroke: 20_000,
  /** Ink kept per lesson; beyond it the host must clear a surface. */
  maxPointsPerLesson: 2_000_000,
  maxPage: 2000,
  chatMaxLength: 500,
  chatKept: 200,
  pollMinOptions: 2,
  pollMaxOptions: 8,
  pollQuestionMaxLength: 300,
  pollOptionMaxLength: 100,
  pollMaxTallyPerOption: 1000,
  /** A resync further behind than this gets a snapshot instead of the missed events. */
  resyncMaxEvents: 500,
  clientMsgIdMaxLength: 64,
  rtcMaxBytes: 64_000,
} as const;

// ---- commands (client → server, state-changing, each acknowledged after the append) ----

interface WithClientMsgId {
  /** Chosen by the client (a UUID is fine); a retry with the same id is answered with the first result. */
  clientMsgId: string;
}

export interface LessonCommandPayloads {
  'lesson:start': WithClientMsgId;
  'lesson:end': WithClientMsgId;
  'lobby:admit': WithClientMsgId & { classroomId: string };
  'material:set': WithClientMsgId & { material: MaterialRef; page: number };
  'page:set': WithClientMsgId & { page: number };
  'stroke:batch': WithClientMsgId & { surface: LessonSurface; segments: StrokeSegment[] };
  'board:clear': WithClientMsgId & { surface: LessonSurface };
  'pen:grant': WithClientMsgId & { classroomId: string };
  'pen:revoke': WithClientMsgId & { classroomId: string };
  'classroom:mute': WithClientMsgId & { classroomId: string; muted: boolean };
  'hand:raise': WithClientMsgId;
  'hand:lower': WithClientMsgId & { classroomId: string };
  'poll:open': WithClientMsgId & { question: string; kind: PollKind; options: string[] };
  /** tally[i]: how many pupils of the class chose option i. */
  'poll:answer': WithClientMsgId & { pollId: string; tally: number[] };
  'poll:close': WithClientMsgId & { pollId: string };
  'poll:reveal': WithClientMsgId & { pollId: string };
  'chat:send': WithClientMsgId & { channel: ChatChannel; text: string };
  'prefetch:report': WithClientMsgId & { ready: MaterialRef[] };
  'av:mode': WithClientMsgId & { mode: AvMode };
}
export type LessonCommandName = keyof LessonCommandPayloads;

export const LESSON_COMMANDS = [
  'lesson:start',
  'lesson:end',
  'lobby:admit',
  'material:set',
  'page:set',
  'stroke:batch',
  'board:clear',
  'pen:grant',
  'pen:revoke',
  'classroom:mute',
  'hand:raise',
  'hand:lower',
  'poll:open',
  'poll:answer',
  'poll:close',
  'poll:reveal',
  'chat:send',
  'prefetch:report',
  'av:mode',
] as const satisfies readonly LessonCommandName[];

/**
 * The rights matrix: which lesson roles may send each command at all. Finer rules (a co-teacher
 * acts only for their own classroom, draws only with the pen, observers chat only among
 * themselves…) are checked by the server against the lesson's state.
 */
export const LESSON_COMMAND_RIGHTS: { readonly [K in LessonCommandName]: readonly LessonRole[] } = {
  'lesson:start': ['host'],
  'lesson:end': ['host'],
  'lobby:admit': ['host'],
  'material:set': ['host'],
  'page:set': ['host'],
  'stroke:batch': ['host', 'co_teacher'],
  'board:clear': ['host'],
  'pen:grant': ['host'],
  'pen:revoke': ['host'],
  'classroom:mute': ['host'],
  'hand:raise': ['co_teacher'],
  'hand:lower': ['host', 'co_teacher'],
  'poll:open': ['host'],
  'poll:answer': ['co_teacher'],
  'poll:close': ['host'],
  'poll:reveal': ['host'],
  'chat:send': ['host', 'co_teacher', 'observer'],
  'prefetch:report': ['classroom', 'co_teacher'],
  'av:mode': ['host', 'classroom'],
};

/** Commands a classroom may send while it still waits in the lobby. */
export const LOBBY_COMMANDS: readonly LessonCommandName[] = ['prefetch:report'];

// ---- persisted events (the lesson's log) ----

export interface LessonEventPayloads {
  'lesson.started': Record<string, never>;
  'lesson.ended': Record<string, never>;
  'lobby.admitted': { classroomId: string };
  'material.set': { material: MaterialRef; page: number };
  'page.set': { page: number };
  'stroke.batch': { surface: LessonSurface; segments: StrokeSegment[] };
  'board.cleared': { surface: LessonSurface };
  'pen.granted': { classroomId: string };
  'pen.revoked': { classroomId: string };
  'classroom.muted': { classroomId: string; muted: boolean };
  'hand.raised': { classroomId: string };
  'hand.lowered': { classroomId: string };
  'poll.opened': { pollId: string; question: string; kind: PollKind; options: string[] };
  'poll.answered': { pollId: string; classroomId: string; tally: number[] };
  'poll.closed': { pollId: string };
  'poll.revealed': { pollId: string; totals: number[]; byClassroom: Record<string, number[]> };
  'chat.posted': { channel: ChatChannel; text: string; displayName: string };
  'prefetch.reported': { classroomId: string; ready: MaterialRef[] };
  /** classroomId null: the host's own stream. */
  'av.mode': { classroomId: string | null; mode: AvMode };
}
export type LessonEventType = keyof LessonEventPayloads;

export interface LessonEventActor {
  userId: string;
  role: LessonRole;
  classroomId: string | null;
}

interface EnvelopeBase {
  /**
   * Per-lesson sequence number, gap-free. Live events are broadcast as soon as the server has
   * decided them, before the append commits; an append that then fails is announced with
   * `lesson:rollback` (see LessonRollback), so a seq is final only once the log holds it.
   */
  seq: number;
  /** Server time of the append, epoch milliseconds. */
  at: number;
  actor: LessonEventActor;
  /** The sender's own id for the command, so it can match its optimistic update. */
  clientMsgId: string | null;
}

export type LessonEventEnvelope = {
  [K in LessonEventType]: EnvelopeBase & { type: K; payload: LessonEventPayloads[K] };
}[LessonEventType];

/** Stands in for an event this participant may not see (observer chat, other rooms' answers) so seq stays gap-free. */
export interface HiddenEventEnvelope {
  seq: number;
  at: number;
  type: 'hidden';
}
export type LessonWireEvent = LessonEventEnvelope | HiddenEventEnvelope;

/**
 * Identifies the event a client holds at a seq, so the server can tell whether that event is
 * the one in the log or one that was rolled back (hidden events: clientMsgId null).
 */
export interface LessonEventMark {
  at: number;
  clientMsgId: string | null;
}

export const markOf = (e: LessonWireEvent): LessonEventMark => ({
  at: e.at,
  clientMsgId: e.type === 'hidden' ? null : e.clientMsgId,
});

/**
 * The appends from `fromSeq` on failed (the database refused or lost them, or another instance
 * took those seqs): every event at or after it that was broadcast is void. A client holding any
 * of them drops its state at the next resync and takes a snapshot (LessonSequencer.rollback).
 */
export interface LessonRollback {
  fromSeq: number;
  at: number;
}

// ---- join, resync, presence ----

export interface LessonJoinRequest {
  lessonId: string;
  token: string;
  /** The last seq this client applied (0 or absent on first join). */
  sinceSeq?: number;
  /** The mark of the event at sinceSeq, so a client holding a rolled-back event is reset. */
  sinceMark?: LessonEventMark | null;
}

export interface LessonResyncRequest {
  sinceSeq: number;
  sinceMark?: LessonEventMark | null;
}

export interface RtcIceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export type LessonResyncResult =
  | { mode: 'events'; toSeq: number; events: LessonWireEvent[] }
  | {
      mode: 'snapshot';
      toSeq: number;
      state: LessonStateView;
      /** The mark of the event at toSeq (null at seq 0). */
      mark: LessonEventMark | null;
      /**
       * The client holds events that were rolled back (its sinceMark does not match the log):
       * replace its state even though toSeq may be below its last seq.
       */
      reset?: boolean;
    };

export interface LessonInfo {
  id: string;
  title: string;
  subject: string;
  status: LessonStatus;
  startsAt: string;
  endsAt: string;
  host: { id: string; displayName: string };
  classrooms: { id: string; name: string; schoolId: string }[];
  attachments: LessonAttachment[];
}

export interface LessonJoinResult {
  /** This connection's id for WebRTC signalling. */
  peerId: string;
  role: LessonRole;
  classroomId: string | null;
  lesson: LessonInfo;
  /** True while the host has not admitted this classroom: no lesson content until then. */
  lobby: boolean;
  /** Null while in the lobby; resync again after the `lobby.admitted` event for your classroom. */
  sync: LessonResyncResult | null;
  /** For the host and classroom devices (STUN and time-limited TURN). */
  iceServers: RtcIceServer[];
}

export interface LessonPeer {
  peerId: string;
  userId: string;
  displayName: string;
  role: LessonRole;
  classroomId: string | null;
  /** Last round-trip time of a server probe, ms; null until the first probe came back. */
  rttMs: number | null;
}

export interface LessonClassroomPresence {
  classroomId: string;
  name: string;
  admitted: boolean;
  online: boolean;
  /** Has reported every attached material as prefetched. */
  ready: boolean;
  devices: LessonPeer[];
  coTeachers: LessonPeer[];
  /** Worst rtt among the room's connections. */
  rttMs: number | null;
}

export interface LessonPresence {
  lessonId: string;
  host: LessonPeer[];
  classrooms: LessonClassroomPresence[];
  observers: LessonPeer[];
}

export interface LessonQuality {
  peerId: string;
  role: LessonRole;
  classroomId: string | null;
  rttMs: number;
}

export type RtcSignalKind = 'offer' | 'answer' | 'ice';

export interface RtcSignalRequest {
  /** The target's peerId: classroom devices signal only with the host and the host only with classroom devices. */
  to: string;
  kind: RtcSignalKind;
  /** SDP text or a serialised ICE candidate. */
  data: string;
}

export interface RtcSignal {
  from: string;
  fromRole: LessonRole;
  fromClassroomId: string | null;
  kind: RtcSignalKind;
  data: string;
}

export interface PointerMove {
  surface: LessonSurface;
  x: number;
  y: number;
}

export interface PointerMoved extends PointerMove {
  peerId: string;
  classroomId: string | null;
}

/** The ack of a command, sent once its event is in the log (the broadcast may come first). */
export interface LessonCommandResult {
  seq: number;
  /** A retry of a command that was already appended: nothing new happened. */
  duplicate: boolean;
}

type Ack<T> = (res: SocketAck<T>) => void;

export type LessonClientToServerEvents = {
  [K in LessonCommandName]: (payload: LessonCommandPayloads[K], ack: Ack<LessonCommandResult>) => void;
} & {
  'lesson:join': (payload: LessonJoinRequest, ack: Ack<LessonJoinResult>) => void;
  'lesson:resync': (payload: LessonResyncRequest, ack: Ack<LessonResyncResult>) => void;
  'rtc:signal': (payload: RtcSignalRequest, ack: Ack<{ delivered: boolean }>) => void;
  'rtc:ice-servers': (payload: Record<string, never>, ack: Ack<{ iceServers: RtcIceServer[] }>) => void;
  /** Volatile and not persisted; an ack is optional (only errors are worth one). */
  'pointer:move': (payload: PointerMove, ack?: Ack<{ sent: true }>) => void;
};

export interface LessonServerToClientEvents {
  'lesson:event': (event: LessonWireEvent) => void;
  'lesson:rollback': (rollback: LessonRollback) => void;
  'lesson:presence': (presence: LessonPresence) => void;
  /** To the host: one connection's latest round-trip time. */
  'lesson:quality': (quality: LessonQuality) => void;
  /** The server measures round-trip time from the ack; answer with the same payload. */
  'lesson:probe': (payload: { t: number }, ack: (res: { t: number }) => void) => void;
  'pointer:moved': (pointer: PointerMoved) => void;
  'rtc:signal': (signal: RtcSignal) => void;
}

/** Error codes a lesson socket can answer with (besides VALIDATION_FAILED, FORBIDDEN, INTERNAL_ERROR). */
export const LESSON_SOCKET_ERROR_CODES = [
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'LESSON_NOT_JOINED',
  'LESSON_NOT_FOUND',
  'LESSON_NOT_LIVE',
  'LESSON_ENDED',
  'LESSON_NOT_ADMITTED',
  'LESSON_CONFLICT',
  'LESSON_BUSY',
  'LESSON_RATE_LIMITED',
  'LESSON_INK_FULL',
  'JOIN_TOKEN_INVALID',
  'JOIN_TOKEN_WRONG_LESSON',
  'RTC_PEER_NOT_ALLOWED',
  'LESSON_CANCELLED',
  'LESSON_RESTARTING',
  'INTERNAL_ERROR',
] as const;
