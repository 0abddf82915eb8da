import { randomUUID } from 'node:crypto';
import {
  LESSON_COMMAND_RIGHTS,
  LOBBY_COMMANDS,
  REALTIME_LIMITS as R,
  materialKey,
  pollTotals,
  surfaceKey,
  type LessonAttachment,
  type LessonCommandName,
  type LessonCommandPayloads,
  type LessonEventPayloads,
  type LessonEventType,
  type LessonRole,
  type LessonState,
  type LessonSurface,
  type MaterialRef,
} from '@tongke/contracts';
import { LessonErrors } from './lesson.errors.js';

/** Who sends a command, as established by their join token. */
export interface LessonActor {
  userId: string;
  role: LessonRole;
  classroomId: string | null;
  displayName: string;
}

/** What the rules need to know about the lesson besides its state. */
export interface LessonFacts {
  classroomIds: readonly string[];
  attachments: readonly LessonAttachment[];
}

export type ParsedCommand = {
  [K in LessonCommandName]: { name: K; payload: LessonCommandPayloads[K] };
}[LessonCommandName];

export type EventDraft = {
  [K in LessonEventType]: { type: K; payload: LessonEventPayloads[K] };
}[LessonEventType];

/** Commands that need the lesson to be live (the rest also work before the start, e.g. in the lobby). */
const NEEDS_LIVE: ReadonlySet<LessonCommandName> = new Set<LessonCommandName>([
  'lesson:end',
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
]);

const hasMaterial = (facts: LessonFacts, m: MaterialRef) =>
  facts.attachments.some((a) => a.kind === m.kind && a.id === m.id);

function checkSurface(facts: LessonFacts, s: LessonSurface): void {
  if (s.layer === 'annotation' && !hasMaterial(facts, s.material)) {
    throw LessonErrors.validation('surface.material is not attached to this lesson');
  }
}

function knownClassroom(facts: LessonFacts, classroomId: string): void {
  if (!facts.classroomIds.includes(classroomId))
    throw LessonErrors.validation('classroomId is not part of this lesson');
}

/** The rights matrix (role may send this command at all), before any state is consulted. */
export function assertRoleMay(actor: LessonActor, name: LessonCommandName): void {
  if (!LESSON_COMMAND_RIGHTS[name].includes(actor.role)) {
    throw LessonErrors.forbidden(`A ${actor.role.replace('_', '-')} may not send ${name}`);
  }
}

/**
 * Decides whether a command is allowed in the current state and which event records it. Pure
 * apart from poll ids; throws the AppError the sender gets as its ack.
 */
export function decide(
  facts: LessonFacts,
  state: LessonState,
  actor: LessonActor,
  cmd: ParsedCommand,
): EventDraft {
  assertRoleMay(actor, cmd.name);
  if (state.status === 'ended') throw LessonErrors.ended();
  const ownRoom = actor.classroomId;
  if ((actor.role === 'co_teacher' || actor.role === 'classroom') && ownRoom) {
    if (!state.admitted.includes(ownRoom) && !LOBBY_COMMANDS.includes(cmd.name))
      throw LessonErrors.notAdmitted();
  }
  if (NEEDS_LIVE.has(cmd.name) && state.status !== 'live') throw LessonErrors.notLive();

  switch (cmd.name) {
    case 'lesson:start':
      if (state.status !== 'scheduled') throw LessonErrors.conflict('The lesson has already started');
      return { type: 'lesson.started', payload: {} };
    case 'lesson:end':
      return { type: 'lesson.ended', payload: {} };
    case 'lobby:admit': {
      const { classroomId } = cmd.payload;
      knownClassroom(facts, classroomId);
      if (state.admitted.includes(classroomId))
        throw LessonErrors.conflict('This classroom is already admitted');
      return { type: 'lobby.admitted', payload: { classroomId } };
    }
    case 'material:set': {
      const { material, page } = cmd.payload;
      if (!hasMaterial(facts, material))
        throw LessonErrors.validation('material is not attached to this lesson');
      return { type: 'material.set', payload: { material: { kind: material.kind, id: material.id }, page } };
    }
    case 'page:set':
      return { type: 'page.set', payload: { page: cmd.payload.page } };
    case 'stroke:batch': {
      const { surface, segments } = cmd.payload;
      if (actor.role === 'co_teacher' && !(ownRoom && state.pen.includes(ownRoom))) {
        throw LessonErrors.forbidden('The host has not given your classroom the pen');
      }
      checkSurface(facts, surface);
      const added = segments.reduce((n, s) => n + s.points.length / 2, 0);
      if (state.inkPoints + added > R.maxPointsPerLesson) throw LessonErrors.inkFull();
      const strokes = state.surfaces[surfaceKey(surface)] ?? [];
      for (const seg of segments) {
        const existing = strokes.find((s) => s.id === seg.strokeId && s.by === actor.userId);
        if (existing?.done) throw LessonErrors.conflict(`Stroke ${seg.strokeId} is finished`);
        if ((existing?.points.length ?? 0) / 2 + seg.points.length / 2 > R.maxPointsPerStroke) {
          throw LessonErrors.validation(`Stroke ${seg.strokeId} is too long`);
        }
      }
      return { type: 'stroke.batch', payload: { surface, segments } };
    }
    case 'board:clear':
      checkSurface(facts, cmd.payload.surface);
      return { type: 'board.cleared', payload: { surface: cmd.payload.surface } };
    case 'pen:grant': {
      const { classroomId } = cmd.payload;
      knownClassroom(facts, classroomId);
      if (!state.admitted.includes(classroomId))
        throw LessonErrors.conflict('Admit the classroom before giving it the pen');
      if (state.pen.includes(classroomId)) throw LessonErrors.conflict('This classroom already has the pen');
      return { type: 'pen.granted', payload: { classroomId } };
    }
    case 'pen:revoke': {
      const { classroomId } = cmd.payload;
      if (!state.pen.includes(classroomId))
        throw LessonErrors.conflict('This classroom does not have the pen');
      return { type: 'pen.revoked', payload: { classroomId } };
    }
    case 'classroom:mute': {
      const { classroomId, muted } = cmd.payload;
      knownClassroom(facts, classroomId);
      if (state.muted.includes(classroomId) === muted) {
        throw LessonErrors.conflict(muted ? 'Already muted' : 'Not muted');
      }
      return { type: 'classroom.muted', payload: { classroomId, muted } };
    }
    case 'hand:raise': {
      if (!ownRoom) throw LessonErrors.forbidden('Only a co-teacher acting for a classroom raises its hand');
      if (state.hands.some((h) => h.classroomId === ownRoom))
        throw LessonErrors.conflict('The hand is already up');
      return { type: 'hand.raised', payload: { classroomId: ownRoom } };
    }
    case 'hand:lower': {
      const { classroomId } = cmd.payload;
      if (actor.role === 'co_teacher' && classroomId !== ownRoom) {
        throw LessonErrors.forbidden('A co-teacher lowers only their own classroom’s hand');
      }
      if (!state.hands.some((h) => h.classroomId === classroomId))
        throw LessonErrors.conflict('That hand is not up');
      return { type: 'hand.lowered', payload: { classroomId } };
    }
    case 'poll:open': {
      const { question, kind, options } = cmd.payload;
      return { type: 'poll.opened', payload: { pollId: randomUUID(), question, kind, options } };
    }
    case 'poll:answer': {
      const { pollId, tally } = cmd.payload;
      if (!ownRoom) throw LessonErrors.forbidden('Only a co-teacher acting for a classroom answers');
      const poll = state.polls.find((p) => p.id === pollId);
      if (!poll) throw LessonErrors.validation('Unknown poll');
      if (poll.status !== 'open') throw LessonErrors.conflict('The poll is closed');
      if (tally.length !== poll.options.length) {
        throw LessonErrors.validation(`tally needs one count per option (${poll.options.length})`);
      }
      return { type: 'poll.answered', payload: { pollId, classroomId: ownRoom, tally } };
    }
    case 'poll:close': {
      const poll = state.polls.find((p) => p.id === cmd.payload.pollId);
      if (!poll) throw LessonErrors.validation('Unknown poll');
      if (poll.status !== 'open') throw LessonErrors.conflict('The poll is not open');
      return { type: 'poll.closed', payload: { pollId: poll.id } };
    }
    case 'poll:reveal': {
      const poll = state.polls.find((p) => p.id === cmd.payload.pollId);
      if (!poll) throw LessonErrors.validation('Unknown poll');
      if (poll.status === 'revealed') throw LessonErrors.conflict('The poll is already revealed');
      return {
        type: 'poll.revealed',
        payload: { pollId: poll.id, totals: pollTotals(poll), byClassroom: structuredClone(poll.answers) },
      };
    }
    case 'chat:send': {
      const { channel, text } = cmd.payload;
      if (actor.role === 'observer' && channel !== 'observers') {
        throw LessonErrors.forbidden('Observers chat only with other observers');
      }
      if (actor.role !== 'observer' && channel !== 'lesson') {
        throw LessonErrors.forbidden('The observers’ channel is for observers');
      }
      return { type: 'chat.posted', payload: { channel, text, displayName: actor.displayName } };
    }
    case 'prefetch:report': {
      if (!ownRoom) throw LessonErrors.forbidden('Only a classroom reports its prefetched materials');
      const unknown = cmd.payload.ready.filter((m) => !hasMaterial(facts, m));
      if (unknown.length)
        throw LessonErrors.validation('ready lists materials that are not attached to this lesson');
      const unique = [
        ...new Map(cmd.payload.ready.map((m) => [materialKey(m), { kind: m.kind, id: m.id }])).values(),
      ];
      return { type: 'prefetch.reported', payload: { classroomId: ownRoom, ready: unique } };
    }
    case 'av:mode': {
      const classroomId = actor.role === 'host' ? null : ownRoom;
      if (actor.role !== 'host' && !classroomId)
        throw LessonErrors.forbidden('Only the host or a classroom device switches A/V');
      const current =
        classroomId === null ? state.avMode.host : (state.avMode.classrooms[classroomId] ?? 'av');
      if (current === cmd.payload.mode) throw LessonErrors.conflict(`Already in ${cmd.payload.mode} mode`);
      return { type: 'av.mode', payload: { classroomId, mode: cmd.payload.mode } };
    }
  }
}
