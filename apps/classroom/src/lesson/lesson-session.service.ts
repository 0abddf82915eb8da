import { Injectable, Logger } from '@nestjs/common';
import { TokenService } from '@tongke/auth';
import { AppError, DomainEvents } from '@tongke/common';
import { AppConfig } from '@tongke/config';
import {
  LESSON_JOIN_TOKEN_TYPE,
  LESSON_ROLES,
  REALTIME_LIMITS,
  mergeIntervals,
  markOf,
  toWireEvent,
  totalMinutes,
  viewLessonState,
  type LessonCommandName,
  type LessonCommandResult,
  type LessonEventEnvelope,
  type LessonEventMark,
  type LessonInfo,
  type LessonJoinClaims,
  type LessonJoinResult,
  type LessonResyncResult,
  type RtcIceServer,
} from '@tongke/contracts';
import { LessonErrors } from './lesson.errors.js';
import {
  JOIN_SCHEMA,
  POINTER_SCHEMA,
  RESYNC_SCHEMA,
  RTC_SIGNAL_SCHEMA,
  parseCommand,
  parsePayload,
} from './lesson.schemas.js';
import { LessonAttendanceRepository } from './lesson-attendance.repository.js';
import { LessonLogRepository } from './lesson-log.repository.js';
import { LessonPresenceService } from './lesson-presence.service.js';
import { LessonRoomNames, LessonRooms, type LessonParticipant, type LessonSocket } from './lesson-rooms.js';
import {
  assertRoleMay,
  decide,
  type EventDraft,
  type LessonFacts,
  type ParsedCommand,
} from './lesson-rules.js';
import { LessonRuntimeRegistry, type LessonRuntime } from './lesson-runtime.registry.js';
import { iceServersFor } from './rtc-credentials.js';
import { serializeLessonState, snapshotInterval } from './lesson-snapshot.js';

/** Events nobody may see before they are durable: lifecycle and lobby membership. */
const COMMIT_FIRST: ReadonlySet<LessonCommandName> = new Set<LessonCommandName>([
  'lesson:start',
  'lesson:end',
  'lobby:admit',
  'prefetch:report',
]);
/** How long an instance that lost a compare-and-set appends before it broadcasts. */
export const COMMIT_FIRST_AFTER_CONFLICT_MS = 30_000;
const POINTER_PER_SECOND = 60;

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket: `rate` per second, bursts up to twice that. */
function take(bucket: Bucket, rate: number, now: number): boolean {
  bucket.tokens = Math.min(rate * 2, bucket.tokens + ((now - bucket.at) / 1000) * rate);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks the shape of verified join-token claims (a token is signed by us, but typed by nobody). */
export function asJoinClaims(c: unknown): LessonJoinClaims | null {
  if (!c || typeof c !== 'object') return null;
  const x = c as Record<string, unknown>;
  if (typeof x.lessonId !== 'string' || !UUID.test(x.lessonId)) return null;
  if (typeof x.userId !== 'string' || !UUID.test(x.userId)) return null;
  if (typeof x.role !== 'string' || !(LESSON_ROLES as readonly string[]).includes(x.role)) return null;
  const classroomId = x.classroomId ?? null;
  if (classroomId !== null && (typeof classroomId !== 'string' || !UUID.test(classroomId))) return null;
  if ((x.role === 'co_teacher' || x.role === 'classroom') && classroomId === null) return null;
  return {
    lessonId: x.lessonId,
    userId: x.userId,
    role: x.role as LessonJoinClaims['role'],
    classroomId,
    name: typeof x.name === 'string' ? x.name.slice(0, 80) : '',
  };
}

const factsOf = (rt: LessonRuntime): LessonFacts => ({
  classroomIds: rt.row.classrooms.map((c) => c.id),
  attachments: rt.row.attachments,
});

/**
 * The live lesson's rules on the socket side: join, commands (decide → append → broadcast),
 * resync, WebRTC relay, pointer. Every state change is appended to the log before its ack and
 * broadcast after the commit, carrying its seq.
 */
@Injectable()
export class LessonSessionService {
  private readonly logger = new Logger('LessonSession');
  private readonly strokeBuckets = new Map<string, Bucket>();
  private readonly pointerBuckets = new Map<string, Bucket>();
  /** Per sender socket: peers already verified as allowed signalling targets. */
  private readonly rtcPeers = new Map<string, Set<string>>();
  /** Background work (leaves, snapshots, end-of-lesson events) a graceful shutdown waits for. */
  private readonly pending = new Set<Promise<unknown>>();
  private closing = false;

  constructor(
    private readonly runtimes: LessonRuntimeRegistry,
    private readonly log: LessonLogRepository,
    private readonly rooms: LessonRooms,
    private readonly presence: LessonPresenceService,
    private readonly attendance: LessonAttendanceRepository,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
  ) {}

  verifyJoinToken(token: unknown): LessonJoinClaims | null {
    if (typeof token !== 'string' || token.length > 4096) return null;
    return asJoinClaims(this.tokens.verifyTyped<LessonJoinClaims>(LESSON_JOIN_TOKEN_TYPE, token));
  }

  // ---- join / leave ----

  async join(socket: LessonSocket, raw: unknown): Promise<LessonJoinResult> {
    if (this.closing) throw LessonErrors.restarting();
    const req = parsePayload(JOIN_SCHEMA, raw);
    const claims = this.verifyJoinToken(req.token);
    if (!claims) throw LessonErrors.tokenInvalid();
    const handshake = socket.data.claims;
    if (claims.lessonId !== req.lessonId || handshake.lessonId !== req.lessonId)
      throw LessonErrors.tokenWrongLesson();
    if (claims.userId !== handshake.userId) throw LessonErrors.tokenInvalid();

    const rt = await this.runtimes.get(req.lessonId);
    const p: LessonParticipant = {
      lessonId: req.lessonId,
      userId: claims.userId,
      role: claims.role,
      classroomId: claims.role === 'host' || claims.role === 'observer' ? null : claims.classroomId,
      displayName: claims.name,
      peerId: socket.id,
    };
    const admitted = await rt.serial(async () => {
      await this.runtimes.refresh(rt);
      await this.runtimes.catchUp(rt);
      if (rt.row.status === 'cancelled') throw LessonErrors.notFound();
      if (rt.state.status === 'ended') throw LessonErrors.ended();
      if (p.classroomId && !rt.row.classrooms.some((c) => c.id === p.classroomId)) {
        throw LessonErrors.forbidden('Your classroom is no longer part of this lesson');
      }
      const inside = this.isAdmitted(rt, p);
      // Rooms are joined inside the queue so an admission appended here cannot slip between.
      for (const room of [...socket.rooms]) if (room !== socket.id) await socket.leave(room);
      await socket.join(this.rooms.roomsFor(p, inside));
      return inside;
    });
    const firstJoin = !socket.data.joined;
    socket.data.joined = p;
    if (firstJoin) {
      this.runtimes.attach(rt);
      const attendanceId = await this.attendance.start({
        lessonId: p.lessonId,
        userId: p.userId,
        role: p.role,
        classroomId: p.classroomId,
        at: new Date(),
      });
      // Gone while the row was written: close it now (the disconnect found nothing to close).
      if (socket.disconnected) await this.attendance.end(attendanceId, new Date());
      else socket.data.attendanceId = attendanceId;
    }
    let inside = admitted;
    if (!inside) {
      // Admitted on another instance after our check but before our lobby join? Then move in now.
      await rt.serial(() => this.runtimes.catchUp(rt));
      if (this.isAdmitted(rt, p)) {
        inside = true;
        await socket.join(this.rooms.roomsFor(p, true));
      }
    }
    const sync = inside ? await this.resyncFor(rt, p, req.sinceSeq ?? 0, req.sinceMark ?? null) : null;
    this.presence.changed(p.lessonId);
    this.presence.probe(socket);
    return {
      peerId: socket.id,
      role: p.role,
      classroomId: p.classroomId,
      lesson: this.infoOf(rt),
      lobby: !inside,
      sync,
      iceServers: this.iceServers(p),
    };
  }

  /** Called on disconnect; tracked so a shutdown can wait for it. */
  leave(socket: LessonSocket): void {
    this.track(this.leaveNow(socket));
  }

  private async leaveNow(socket: LessonSocket): Promise<void> {
    this.strokeBuckets.delete(socket.id);
    this.pointerBuckets.delete(socket.id);
    this.rtcPeers.delete(socket.id);
    const p = socket.data.joined;
    if (!p || this.closing) return;
    const rt = await this.runtimes.get(p.lessonId).catch(() => null);
    if (rt) this.runtimes.detach(rt);
    this.presence.changed(p.lessonId);
    if (socket.data.attendanceId) await this.attendance.end(socket.data.attendanceId, new Date());
  }

  // ---- commands ----

  async command(socket: LessonSocket, name: LessonCommandName, raw: unknown): Promise<LessonCommandResult> {
    if (this.closing) throw LessonErrors.restarting();
    const p = this.joined(socket);
    const cmd = { name, payload: parseCommand(name, raw) } as ParsedCommand;
    assertRoleMay(p, name);
    if (name === 'stroke:batch')
      this.limit(this.strokeBuckets, socket.id, REALTIME_LIMITS.maxBatchesPerSecond);
    const rt = await this.runtimes.get(p.lessonId);
    const msgKey = `${p.userId}:${cmd.payload.clientMsgId}`;
    // Broadcast already, maybe: the sender's ack waits for the append.
    return rt.serial(() => this.decideAndPublish(rt, p, cmd, msgKey)).then((r) => r.result);
  }

  /**
   * In the lesson's queue: decide, then either broadcast at once and append behind it (the usual
   * path), or append first and broadcast after the commit — for lifecycle and membership events
   * (nobody may see them before they are durable) and, for a while, when this instance lost a
   * compare-and-set to another one. Resolves when the decision is made; `result` when the
   * sender may be answered.
   */
  private async decideAndPublish(
    rt: LessonRuntime,
    p: LessonParticipant,
    cmd: ParsedCommand,
    msgKey: string,
  ): Promise<{ result: Promise<LessonCommandResult> | LessonCommandResult }> {
    if (rt.broken) await this.recover(rt);
    const known = rt.recent.get(msgKey);
    if (known !== undefined) return { result: { seq: known, duplicate: true } };
    const underWay = rt.speculative.get(msgKey);
    if (underWay) return { result: underWay.result.then((r) => ({ seq: r.seq, duplicate: true })) };
    if (COMMIT_FIRST.has(cmd.name) || Date.now() < rt.commitFirstUntil) {
      await rt.appendsSettled();
      if (rt.broken) await this.recover(rt);
      return { result: await this.decideAndAppend(rt, p, cmd, msgKey) };
    }
    const decided = await this.decideOptimistically(rt, p, cmd, msgKey);
    if ('duplicateOf' in decided) return { result: this.duplicate(rt, msgKey, decided.duplicateOf) };
    if (rt.broken) {
      // An append failed while the decision waited on the database: decide again on the log.
      return this.decideAndPublish(rt, p, cmd, msgKey);
    }
    const seq = rt.state.seq + 1;
    // Never earlier than an event already broadcast, so a voided event's mark is never reused.
    const at = Math.max(Date.now(), rt.lastAt);
    const envelope = this.envelope(p, cmd, decided.draft, seq, at);
    rt.apply(envelope);
    this.rooms.broadcast(envelope, p.lessonId);
    // Serialised now, so later events cannot leak in; written once this one is in the log.
    const snapshot = this.snapshotDue(rt, seq) ? serializeLessonState(rt.state) : undefined;

    const epoch = rt.epoch;
    const settled = rt.beginAppend();
    const input = {
      ...this.appendInput(rt, p, decided.draft, msgKey, at),
      expectedSeq: seq - 1,
      void: () => rt.epoch !== epoch || rt.broken !== null,
    };
    const result = new Promise<LessonCommandResult>((resolve, reject) => {
      // Voided: decided again by the rewind, in seq order, before anything queued after it.
      const voided = (err: unknown) => {
        rt.voided.push({
          seq,
          redo: () => this.redo(rt, p, cmd, msgKey, err).then(resolve, reject),
          fail: reject,
        });
        this.voidFrom(rt, epoch, seq);
      };
      const appended = this.log
        .append(input)
        .then(
          (res) => {
            if (res.kind === 'appended' && res.seq === seq && rt.epoch === epoch) {
              rt.speculative.delete(msgKey);
              rt.remember(msgKey, seq);
              if (seq > rt.durableSeq) rt.durableSeq = seq;
              if (snapshot) this.track(this.log.saveSnapshot(rt.row.id, seq, snapshot));
              this.afterAppend(rt, envelope);
              resolve({ seq, duplicate: false });
              return;
            }
            // Lost the compare-and-set to another instance (or the lesson was cancelled):
            // append first for a while, so its events are not broadcast and voided again.
            if (res.kind === 'stale' && rt.broken === null && rt.epoch === epoch)
              rt.commitFirstUntil = Date.now() + COMMIT_FIRST_AFTER_CONFLICT_MS;
            voided(null);
          },
          (err: unknown) => voided(err),
        )
        .finally(settled);
      // A graceful shutdown lets appends under way finish before the database closes.
      this.track(appended);
    });
    rt.speculative.set(msgKey, { seq, result });
    return { result };
  }

  /** A voided command once more, on the log: the first answer if the log holds it, else commit-first. */
  private async redo(
    rt: LessonRuntime,
    p: LessonParticipant,
    cmd: ParsedCommand,
    msgKey: string,
    appendError: unknown,
  ): Promise<LessonCommandResult> {
    const seq = await this.log.seqOfMessage(p.lessonId, msgKey);
    if (seq !== null) return this.duplicate(rt, msgKey, seq);
    // The database refused the append: the sender retries later (same clientMsgId).
    if (appendError) throw appendError instanceof Error ? appendError : LessonErrors.internal();
    return this.decideAndAppend(rt, p, cmd, msgKey);
  }

  /** Marks the events from `seq` on as void and has the queue rewind the lesson and say so. */
  private voidFrom(rt: LessonRuntime, epoch: number, seq: number): void {
    if (rt.epoch !== epoch) return;
    if (rt.broken && rt.broken.fromSeq <= seq) return;
    const first = rt.broken === null;
    rt.broken = { fromSeq: seq };
    if (first) void rt.serial(() => this.recover(rt)).catch(() => undefined);
  }

  /**
   * After a failed append: once every append under way has settled, rebuilds the runtime from
   * the log, tells the lesson which seqs are void (clients holding them take a snapshot), and
   * decides the voided commands again in their order.
   */
  private async recover(rt: LessonRuntime): Promise<void> {
    if (!rt.broken) return;
    await rt.appendsSettled();
    const fromSeq = rt.broken.fromSeq;
    const voided = rt.voided.sort((x, y) => x.seq - y.seq);
    rt.voided = [];
    try {
      await this.runtimes.rewind(rt);
    } catch (err) {
      // The database is away: the next use loads the lesson afresh; the senders retry.
      this.runtimes.forget(rt);
      rt.broken = null;
      rt.epoch++;
      for (const v of voided) v.fail(err);
      throw err;
    } finally {
      this.rooms.rollback(rt.row.id, { fromSeq, at: Date.now() });
      this.logger.warn(`lesson ${rt.row.id}: events from seq ${fromSeq} were rolled back`);
    }
    for (const v of voided) await v.redo();
  }

  /** The commit-first path: decide, append, and only then fold and broadcast. */
  private async decideAndAppend(
    rt: LessonRuntime,
    p: LessonParticipant,
    cmd: ParsedCommand,
    msgKey: string,
  ): Promise<LessonCommandResult> {
    // Optimistic: decide on this instance's state, then compare-and-set the log's head.
    const decided = await this.decideOptimistically(rt, p, cmd, msgKey);
    if ('duplicateOf' in decided) return this.duplicate(rt, msgKey, decided.duplicateOf);
    const at = Math.max(Date.now(), rt.lastAt);
    const res = await this.log.append(this.appendInput(rt, p, decided.draft, msgKey, at));
    if (res.kind === 'appended') return this.publish(rt, p, cmd, decided.draft, res.seq, at, msgKey);
    if (res.kind === 'duplicate') {
      const seq = await this.log.seqOfMessage(p.lessonId, msgKey);
      if (seq !== null) {
        await this.runtimes.catchUp(rt);
        return this.duplicate(rt, msgKey, seq);
      }
    }
    // Another instance appended in between: take the lesson's lock (fair under contention) and
    // decide again on the log's head.
    return this.appendLocked(rt, p, cmd, msgKey);
  }

  private async decideOptimistically(
    rt: LessonRuntime,
    p: LessonParticipant,
    cmd: ParsedCommand,
    msgKey: string,
  ): Promise<{ draft: EventDraft } | { duplicateOf: number }> {
    for (let freshened = false; ; freshened = true) {
      try {
        if (rt.row.status === 'cancelled') throw LessonErrors.cancelled();
        return { draft: decide(factsOf(rt), rt.state, p, cmd) };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        // The refusal may rest on a state behind the log (another instance appended) or on
        // facts changed through the API; or the command is a retry of one already appended
        // (then the retry gets the first answer).
        if (!freshened && (await this.runtimes.freshen(rt))) continue;
        const seq = await this.log.seqOfMessage(p.lessonId, msgKey);
        if (seq === null) throw err;
        return { duplicateOf: seq };
      }
    }
  }

  private async appendLocked(
    rt: LessonRuntime,
    p: LessonParticipant,
    cmd: ParsedCommand,
    msgKey: string,
  ): Promise<LessonCommandResult> {
    type Locked = { duplicateOf: number } | { draft: EventDraft; seq: number; at: number };
    const out = await this.log.withLock(p.lessonId, async (log): Promise<Locked> => {
      if (log.head.lastSeq < rt.state.seq) {
        // This runtime is ahead of the log (the database lost its tail): rebuild it next time.
        this.runtimes.forget(rt);
        throw LessonErrors.busy();
      }
      for (let missed = await log.eventsAfter(rt.state.seq, 1000); missed.length;) {
        for (const e of missed) rt.apply(e);
        missed = missed.length < 1000 ? [] : await log.eventsAfter(rt.state.seq, 1000);
      }
      if (log.head.status === 'cancelled') throw LessonErrors.cancelled();
      const duplicateOf = await log.seqOfMessage(msgKey);
      if (duplicateOf !== null) return { duplicateOf };
      const draft = decide(factsOf(rt), rt.state, p, cmd);
      const at = Date.now();
      const res = await log.append(this.appendInput(rt, p, draft, msgKey, at));
      if (res.kind !== 'appended') throw LessonErrors.busy();
      return { draft, seq: res.seq, at };
    });
    if ('duplicateOf' in out) return this.duplicate(rt, msgKey, out.duplicateOf);
    // Committed: now it may be applied and broadcast.
    return this.publish(rt, p, cmd, out.draft, out.seq, out.at, msgKey);
  }

  private appendInput(
    rt: LessonRuntime,
    p: LessonParticipant,
    draft: EventDraft,
    msgKey: string,
    at: number,
  ) {
    return {
      lessonId: p.lessonId,
      expectedSeq: rt.state.seq,
      draft,
      actorId: p.userId,
      actorRole: p.role,
      classroomId: p.classroomId,
      msgKey,
      at,
    };
  }

  private duplicate(rt: LessonRuntime, msgKey: string, seq: number): LessonCommandResult {
    rt.remember(msgKey, seq);
    return { seq, duplicate: true };
  }

  private envelope(
    p: LessonParticipant,
    cmd: ParsedCommand,
    draft: EventDraft,
    seq: number,
    at: number,
  ): LessonEventEnvelope {
    return {
      seq,
      at,
      actor: { userId: p.userId, role: p.role, classroomId: p.classroomId },
      clientMsgId: cmd.payload.clientMsgId,
      ...draft,
    };
  }

  /** After the commit (commit-first path): fold into this instance's state, broadcast, side effects. */
  private publish(
    rt: LessonRuntime,
    p: LessonParticipant,
    cmd: ParsedCommand,
    draft: EventDraft,
    seq: number,
    at: number,
    msgKey: string,
  ): LessonCommandResult {
    const envelope = this.envelope(p, cmd, draft, seq, at);
    rt.apply(envelope);
    rt.durableSeq = seq;
    rt.remember(msgKey, seq);
    this.rooms.broadcast(envelope, p.lessonId);
    if (this.snapshotDue(rt, seq))
      this.track(this.log.saveSnapshot(rt.row.id, seq, serializeLessonState(rt.state)));
    this.afterAppend(rt, envelope);
    return { seq, duplicate: false };
  }

  /** Whether to snapshot the state at `seq` (just folded); marks it taken if so. */
  private snapshotDue(rt: LessonRuntime, seq: number): boolean {
    if (seq - rt.snapshotSeq < snapshotInterval(rt.state)) return false;
    rt.snapshotSeq = seq;
    return true;
  }

  /** Once the event is in the log: side effects others may only see for durable events. */
  private afterAppend(rt: LessonRuntime, e: LessonEventEnvelope): void {
    if (e.type === 'lobby.admitted' || e.type === 'prefetch.reported') {
      this.presence.changed(rt.row.id);
    } else if (e.type === 'lesson.started') {
      this.events.publish('lesson.started', {
        lessonId: rt.row.id,
        pairingId: rt.row.pairingId,
        regionId: rt.row.regionId,
        startedAt: new Date(e.at).toISOString(),
      });
    } else if (e.type === 'lesson.ended') {
      this.track(this.publishEnded(rt, e.at));
    }
  }

  private async publishEnded(rt: LessonRuntime, endedAt: number): Promise<void> {
    try {
      const startedAt = rt.state.startedAt ?? endedAt;
      const rows = await this.attendance.forLesson(rt.row.id);
      const base = { lessonId: rt.row.id, pairingId: rt.row.pairingId, regionId: rt.row.regionId };
      this.events.publish('lesson.ended', {
        ...base,
        startedAt: new Date(startedAt).toISOString(),
        endedAt: new Date(endedAt).toISOString(),
        minutes: Math.round(((endedAt - startedAt) / 60_000) * 10) / 10,
      });
      for (const c of rt.row.classrooms) {
        const intervals = rows
          .filter((r) => r.classroomId === c.id)
          .map((r) => ({ start: r.joinedAt.getTime(), end: r.leftAt?.getTime() ?? null }));
        this.events.publish('lesson.attendance', {
          ...base,
          classroomId: c.id,
          schoolId: c.schoolId,
          minutes: totalMinutes(mergeIntervals(intervals, startedAt, endedAt)),
        });
      }
    } catch (err) {
      this.logger.error({ err, lessonId: rt.row.id }, 'publishing lesson end failed');
    }
  }

  // ---- resync ----

  async resync(socket: LessonSocket, raw: unknown): Promise<LessonResyncResult> {
    if (this.closing) throw LessonErrors.restarting();
    const p = this.joined(socket);
    const req = parsePayload(RESYNC_SCHEMA, raw);
    const rt = await this.runtimes.get(p.lessonId);
    if (!(await this.holds(rt, () => this.isAdmitted(rt, p)))) throw LessonErrors.notAdmitted();
    return this.resyncFor(rt, p, req.sinceSeq, req.sinceMark ?? null);
  }

  /**
   * Missed events (from memory, else from the log), or a snapshot when the client is too far
   * behind; a snapshot with `reset` when the client holds an event that was rolled back (its
   * mark does not match) or claims a seq this lesson never reached.
   */
  private async resyncFor(
    rt: LessonRuntime,
    p: LessonParticipant,
    sinceSeq: number,
    sinceMark: LessonEventMark | null,
  ): Promise<LessonResyncResult> {
    // Fold what other instances appended (and rebuild after a failed append) first.
    await rt.serial(async () => {
      if (rt.broken) await this.recover(rt);
      await this.runtimes.catchUp(rt);
    });
    const max = REALTIME_LIMITS.resyncMaxEvents;
    if (sinceSeq > rt.state.seq || !(await this.holdsEventAt(rt, p, sinceSeq, sinceMark))) {
      return this.snapshotFor(rt, p, true);
    }
    const kept = rt.eventsAfter(sinceSeq);
    if (kept && kept.length <= max) {
      return { mode: 'events', toSeq: rt.state.seq, events: kept.map((e) => toWireEvent(e, p)) };
    }
    if (!kept && rt.state.seq - sinceSeq <= max) {
      // Older than memory: the log's events, then the kept ones after them (if they join up).
      const logged = await this.log.eventsAfter(p.lessonId, sinceSeq, max + 1);
      const lastLogged = logged.length ? logged[logged.length - 1].seq : sinceSeq;
      const tail = rt.eventsAfter(lastLogged);
      if (tail && logged.length + tail.length <= max) {
        const events = [...logged, ...tail];
        return {
          mode: 'events',
          toSeq: events.length ? events[events.length - 1].seq : sinceSeq,
          events: events.map((e) => toWireEvent(e, p)),
        };
      }
    }
    return this.snapshotFor(rt, p, false);
  }

  /** Whether the event the client holds at `seq` is the one this lesson has there. */
  private async holdsEventAt(
    rt: LessonRuntime,
    p: LessonParticipant,
    seq: number,
    mark: LessonEventMark | null,
  ): Promise<boolean> {
    if (seq === 0 || !mark) return true;
    const e = rt.eventAt(seq) ?? (await this.log.eventsAfter(p.lessonId, seq - 1, 1))[0];
    if (!e || e.seq !== seq) return false;
    const held = markOf(toWireEvent(e, p));
    return held.at === mark.at && held.clientMsgId === mark.clientMsgId;
  }

  private snapshotFor(rt: LessonRuntime, p: LessonParticipant, reset: boolean): LessonResyncResult {
    const last = rt.eventAt(rt.state.seq);
    return {
      mode: 'snapshot',
      toSeq: rt.state.seq,
      state: viewLessonState(rt.state, p),
      mark: last ? markOf(toWireEvent(last, p)) : null,
      ...(reset && { reset }),
    };
  }

  // ---- WebRTC signalling, pointer, ICE ----

  async signal(socket: LessonSocket, raw: unknown): Promise<{ delivered: boolean }> {
    const p = this.joined(socket);
    const req = parsePayload(RTC_SIGNAL_SCHEMA, raw);
    if (p.role !== 'host' && p.role !== 'classroom') throw LessonErrors.peerNotAllowed();
    const rt = await this.runtimes.get(p.lessonId);
    if (p.role === 'classroom' && !(await this.holds(rt, () => this.isAdmitted(rt, p))))
      throw LessonErrors.notAdmitted();
    const verified = this.rtcPeers.get(socket.id) ?? new Set<string>();
    if (!verified.has(req.to)) {
      const [target] = await this.rooms.fetchPeer(req.to);
      const t = target?.data.joined;
      if (!t) return { delivered: false };
      const starEdge =
        (p.role === 'host' && t.role === 'classroom') || (p.role === 'classroom' && t.role === 'host');
      if (t.lessonId !== p.lessonId || !starEdge) throw LessonErrors.peerNotAllowed();
      verified.add(req.to);
      this.rtcPeers.set(socket.id, verified);
    }
    this.rooms.namespace.to(req.to).emit('rtc:signal', {
      from: socket.id,
      fromRole: p.role,
      fromClassroomId: p.classroomId,
      kind: req.kind,
      data: req.data,
    });
    return { delivered: true };
  }

  async pointer(socket: LessonSocket, raw: unknown): Promise<{ sent: true }> {
    const p = this.joined(socket);
    const move = parsePayload(POINTER_SCHEMA, raw);
    if (p.role !== 'host' && p.role !== 'co_teacher')
      throw LessonErrors.forbidden('Only the host or a pen holder points');
    const rt = await this.runtimes.get(p.lessonId);
    const room = p.classroomId;
    if (p.role === 'co_teacher' && !(room && (await this.holds(rt, () => rt.state.pen.includes(room))))) {
      throw LessonErrors.forbidden('The host has not given your classroom the pen');
    }
    if (move.surface.layer === 'annotation') {
      const m = move.surface.material;
      if (!rt.row.attachments.some((a) => a.kind === m.kind && a.id === m.id)) {
        throw LessonErrors.validation('surface.material is not attached to this lesson');
      }
    }
    // Pointers are volatile: over the rate they are dropped, not refused.
    const bucket = this.bucket(this.pointerBuckets, socket.id);
    if (take(bucket, POINTER_PER_SECOND, Date.now())) {
      socket.volatile
        .to(LessonRoomNames.main(p.lessonId))
        .emit('pointer:moved', { ...move, peerId: socket.id, classroomId: p.classroomId });
    }
    return { sent: true };
  }

  iceServersFor(socket: LessonSocket): { iceServers: RtcIceServer[] } {
    const p = this.joined(socket);
    if (p.role !== 'host' && p.role !== 'classroom') throw LessonErrors.peerNotAllowed();
    return { iceServers: this.iceServers(p) };
  }

  /**
   * Graceful shutdown, before the database closes: waits for background work, closes the
   * attendance intervals of this instance's connections, and stops further work on disconnect.
   */
  async shutdown(localSockets: Iterable<LessonSocket>): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.pending]);
    const at = new Date();
    for (const s of localSockets) {
      const id = s.data.attendanceId;
      s.data.attendanceId = null;
      if (id)
        await this.attendance
          .end(id, at)
          .catch((err: unknown) => this.logger.warn({ err }, 'closing attendance failed'));
    }
    await this.presence.drain();
  }

  private track(work: Promise<unknown>): void {
    const tracked = work
      .catch((err: unknown) => this.logger.warn({ err }, 'background lesson work failed'))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  // ---- helpers ----

  private iceServers(p: LessonParticipant): RtcIceServer[] {
    return p.role === 'host' || p.role === 'classroom'
      ? iceServersFor(this.config.rtc, p.userId, Date.now())
      : [];
  }

  private joined(socket: LessonSocket): LessonParticipant {
    const p = socket.data.joined;
    if (!p) throw LessonErrors.notJoined();
    return p;
  }

  /** A condition on the runtime's state, re-checked once against the log if it fails (another instance may be ahead). */
  private async holds(rt: LessonRuntime, condition: () => boolean): Promise<boolean> {
    if (condition()) return true;
    await rt.serial(() => this.runtimes.catchUp(rt));
    return condition();
  }

  private isAdmitted(rt: LessonRuntime, p: LessonParticipant): boolean {
    return (
      p.role === 'host' ||
      p.role === 'observer' ||
      (!!p.classroomId && rt.state.admitted.includes(p.classroomId))
    );
  }

  private bucket(map: Map<string, Bucket>, key: string): Bucket {
    let b = map.get(key);
    if (!b) map.set(key, (b = { tokens: Number.POSITIVE_INFINITY, at: Date.now() }));
    return b;
  }

  private limit(map: Map<string, Bucket>, key: string, rate: number): void {
    if (!take(this.bucket(map, key), rate, Date.now())) throw LessonErrors.rateLimited();
  }

  private infoOf(rt: LessonRuntime): LessonInfo {
    const r = rt.row;
    return {
      id: r.id,
      title: r.title,
      subject: r.subject,
      status: rt.state.status,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      host: { id: r.hostId, displayName: r.hostName },
      classrooms: r.classrooms.map((c) => ({ ...c })),
      attachments: r.attachments.map((a) => ({ ...a })),
    };
  }
}
