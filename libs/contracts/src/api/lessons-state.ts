/**
 * A lesson's state is the fold of its event log. The server folds to decide and to answer
 * resyncs; the API folds for the record; the web app folds for live display and replay — all
 * with this one reducer, so they cannot disagree. Pure and browser-safe.
 */
import type { LessonRole, LessonStatus, MaterialRef } from './lessons.js';
import type {
  AvMode,
  ChatChannel,
  LessonEventEnvelope,
  LessonSurface,
  LessonWireEvent,
  PollKind,
  StrokeTool,
} from './lessons-realtime.js';

const CHAT_KEPT = 200;

export interface LessonStroke {
  id: string;
  by: string;
  classroomId: string | null;
  tool: StrokeTool;
  color: string;
  width: number;
  points: number[];
  done: boolean;
}

export interface LessonPoll {
  id: string;
  question: string;
  kind: PollKind;
  options: string[];
  status: 'open' | 'closed' | 'revealed';
  openedAt: number;
  /** classroomId → tally per option. Hidden from classrooms (except their own) until revealed. */
  answers: Record<string, number[]>;
}

export interface LessonChatMessage {
  seq: number;
  at: number;
  userId: string;
  role: LessonRole;
  classroomId: string | null;
  displayName: string;
  text: string;
}

export interface LessonHand {
  classroomId: string;
  raisedAt: number;
  by: string;
}

export interface LessonState {
  lessonId: string;
  seq: number;
  status: Exclude<LessonStatus, 'cancelled'>;
  startedAt: number | null;
  endedAt: number | null;
  admitted: string[];
  material: MaterialRef | null;
  page: number;
  pen: string[];
  muted: string[];
  hands: LessonHand[];
  polls: LessonPoll[];
  /** surfaceKey() → strokes in drawing order. */
  surfaces: Record<string, LessonStroke[]>;
  inkPoints: number;
  chat: Record<ChatChannel, LessonChatMessage[]>;
  /** classroomId → keys (materialKey) of the attachments it has prefetched. */
  prefetch: Record<string, string[]>;
  avMode: { host: AvMode; classrooms: Record<string, AvMode> };
}

/** What one participant is shown: the state minus what their role may not see. */
export type LessonStateView = LessonState;

export interface LessonViewer {
  role: LessonRole;
  classroomId: string | null;
}

export const materialKey = (m: MaterialRef): string => `${m.kind}:${m.id}`;

export function surfaceKey(s: LessonSurface): string {
  return s.layer === 'annotation' ? `a:${materialKey(s.material)}:${s.page}` : `w:${s.page}`;
}

export function initialLessonState(
  lessonId: string,
  status: LessonState['status'] = 'scheduled',
): LessonState {
  return {
    lessonId,
    seq: 0,
    status,
    startedAt: null,
    endedAt: null,
    admitted: [],
    material: null,
    page: 1,
    pen: [],
    muted: [],
    hands: [],
    polls: [],
    surfaces: {},
    inkPoints: 0,
    chat: { lesson: [], observers: [] },
    prefetch: {},
    avMode: { host: 'av', classrooms: {} },
  };
}

const addUnique = (list: string[], v: string): string[] => (list.includes(v) ? list : [...list, v]);
const remove = (list: string[], v: string): string[] => list.filter((x) => x !== v);

/**
 * Applies one event in place and returns the same state. Events arrive already validated by the
 * server; anything that does not fit (an answer to an unknown poll) changes nothing but the seq.
 * An event at or below the current seq is ignored, so replays are harmless.
 */
export function applyLessonEvent(state: LessonState, e: LessonEventEnvelope): LessonState {
  if (e.seq <= state.seq) return state;
  state.seq = e.seq;
  switch (e.type) {
    case 'lesson.started':
      state.status = 'live';
      state.startedAt = e.at;
      break;
    case 'lesson.ended':
      state.status = 'ended';
      state.endedAt = e.at;
      state.hands = [];
      state.pen = [];
      for (const p of state.polls) if (p.status === 'open') p.status = 'closed';
      break;
    case 'lobby.admitted':
      state.admitted = addUnique(state.admitted, e.payload.classroomId);
      break;
    case 'material.set':
      state.material = { kind: e.payload.material.kind, id: e.payload.material.id };
      state.page = e.payload.page;
      break;
    case 'page.set':
      state.page = e.payload.page;
      break;
    case 'stroke.batch': {
      const key = surfaceKey(e.payload.surface);
      const strokes = (state.surfaces[key] ??= []);
      for (const seg of e.payload.segments) {
        const existing = strokes.find((s) => s.id === seg.strokeId && s.by === e.actor.userId);
        if (existing) {
          if (existing.done) continue;
          existing.points.push(...seg.points);
          existing.done = seg.done;
        } else {
          strokes.push({
            id: seg.strokeId,
            by: e.actor.userId,
            classroomId: e.actor.classroomId,
            tool: seg.tool,
            color: seg.color,
            width: seg.width,
            points: [...seg.points],
            done: seg.done,
          });
        }
        state.inkPoints += seg.points.length / 2;
      }
      break;
    }
    case 'board.cleared': {
      const key = surfaceKey(e.payload.surface);
      for (const s of state.surfaces[key] ?? []) state.inkPoints -= s.points.length / 2;
      delete state.surfaces[key];
      break;
    }
    case 'pen.granted':
      state.pen = addUnique(state.pen, e.payload.classroomId);
      break;
    case 'pen.revoked':
      state.pen = remove(state.pen, e.payload.classroomId);
      break;
    case 'classroom.muted':
      state.muted = e.payload.muted
        ? addUnique(state.muted, e.payload.classroomId)
        : remove(state.muted, e.payload.classroomId);
      break;
    case 'hand.raised':
      if (!state.hands.some((h) => h.classroomId === e.payload.classroomId)) {
        state.hands.push({ classroomId: e.payload.classroomId, raisedAt: e.at, by: e.actor.userId });
      }
      break;
    case 'hand.lowered':
      state.hands = state.hands.filter((h) => h.classroomId !== e.payload.classroomId);
      break;
    case 'poll.opened':
      for (const p of state.polls) if (p.status === 'open') p.status = 'closed';
      state.polls.push({
        id: e.payload.pollId,
        question: e.payload.question,
        kind: e.payload.kind,
        options: [...e.payload.options],
        status: 'open',
        openedAt: e.at,
        answers: {},
      });
      break;
    case 'poll.answered': {
      const poll = state.polls.find((p) => p.id === e.payload.pollId);
      if (poll && poll.status === 'open') poll.answers[e.payload.classroomId] = [...e.payload.tally];
      break;
    }
    case 'poll.closed': {
      const poll = state.polls.find((p) => p.id === e.payload.pollId);
      if (poll && poll.status === 'open') poll.status = 'closed';
      break;
    }
    case 'poll.revealed': {
      const poll = state.polls.find((p) => p.id === e.payload.pollId);
      if (poll) {
        poll.status = 'revealed';
        poll.answers = Object.fromEntries(Object.entries(e.payload.byClassroom).map(([k, v]) => [k, [...v]]));
      }
      break;
    }
    case 'chat.posted': {
      const list = state.chat[e.payload.channel];
      list.push({
        seq: e.seq,
        at: e.at,
        userId: e.actor.userId,
        role: e.actor.role,
        classroomId: e.actor.classroomId,
        displayName: e.payload.displayName,
        text: e.payload.text,
      });
      if (list.length > CHAT_KEPT) list.splice(0, list.length - CHAT_KEPT);
      break;
    }
    case 'prefetch.reported':
      state.prefetch[e.payload.classroomId] = e.payload.ready.map(materialKey);
      break;
    case 'av.mode':
      if (e.payload.classroomId === null) state.avMode.host = e.payload.mode;
      else state.avMode.classrooms[e.payload.classroomId] = e.payload.mode;
      break;
    default: {
      const unknown: never = e;
      void unknown;
    }
  }
  return state;
}

/** Folds a list of wire events (hidden ones only advance the seq). */
export function foldLessonEvents(state: LessonState, events: readonly LessonWireEvent[]): LessonState {
  for (const e of events) {
    if (e.type === 'hidden') {
      if (e.seq > state.seq) state.seq = e.seq;
    } else {
      applyLessonEvent(state, e);
    }
  }
  return state;
}

/** Who may see an event in full. Everything else is delivered as a `hidden` placeholder. */
export type LessonAudience =
  | { kind: 'all' }
  | { kind: 'observers' }
  /** The host, observers and one classroom's people (poll answers, prefetch reports). */
  | { kind: 'staff-and-classroom'; classroomId: string };

export function audienceOf(e: LessonEventEnvelope): LessonAudience {
  if (e.type === 'chat.posted')
    return e.payload.channel === 'observers' ? { kind: 'observers' } : { kind: 'all' };
  if (e.type === 'poll.answered' || e.type === 'prefetch.reported') {
    return { kind: 'staff-and-classroom', classroomId: e.payload.classroomId };
  }
  return { kind: 'all' };
}

export function canSeeEvent(e: LessonEventEnvelope, viewer: LessonViewer): boolean {
  const a = audienceOf(e);
  switch (a.kind) {
    case 'all':
      return true;
    case 'observers':
      return viewer.role === 'observer';
    case 'staff-and-classroom':
      return viewer.role === 'host' || viewer.role === 'observer' || viewer.classroomId === a.classroomId;
  }
}

export function toWireEvent(e: LessonEventEnvelope, viewer: LessonViewer): LessonWireEvent {
  return canSeeEvent(e, viewer) ? e : { seq: e.seq, at: e.at, type: 'hidden' };
}

/** A copy of the state with what this viewer may not see removed. */
export function viewLessonState(state: LessonState, viewer: LessonViewer): LessonStateView {
  const copy = structuredClone(state);
  const staff = viewer.role === 'host' || viewer.role === 'observer';
  if (viewer.role !== 'observer') copy.chat.observers = [];
  if (!staff) {
    for (const p of copy.polls) {
      if (p.status === 'revealed') continue;
      p.answers =
        viewer.classroomId && p.answers[viewer.classroomId]
          ? { [viewer.classroomId]: p.answers[viewer.classroomId] }
          : {};
    }
    copy.prefetch =
      viewer.classroomId && copy.prefetch[viewer.classroomId]
        ? { [viewer.classroomId]: copy.prefetch[viewer.classroomId] }
        : {};
  }
  return copy;
}

/** Totals of a poll across classrooms. */
export function pollTotals(poll: Pick<LessonPoll, 'options' | 'answers'>): number[] {
  const totals = poll.options.map(() => 0);
  for (const tally of Object.values(poll.answers))
    tally.forEach((n, i) => (totals[i] = (totals[i] ?? 0) + n));
  return totals;
}
