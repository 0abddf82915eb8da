import { Injectable, Logger } from '@nestjs/common';
import { TokenService } from '@tongke/auth';
import { AppError, DomainEvents } from '@tongke/common';
import { AppConfig } from '@tongke/config';
import {
  LESSON_JOIN_TOKEN_TYPE,
  LESSON_ROLES,
  REALTIME_LIMITS,
  applyLessonEvent,
  mergeIntervals,
  toWireEvent,
  totalMinutes,
  viewLessonState,
  type LessonCommandName,
  type LessonCommandResult,
  type LessonEventEnvelope,
  type LessonInfo,
  type LessonJoinClaims,
  type LessonJoinResult,
  type LessonResyncResult,
  type RtcIceServer,
} from '@tongke/contracts';
import { LessonErrors } from './lesson.errors.js';
import {
  COMMAND_SCHEMAS,
  JOIN_SCHEMA,
  POINTER_SCHEMA,
  RESYNC_SCHEMA,
  RTC_SIGNAL_SCHEMA,
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

/** A snapshot row every this many events keeps restarts and far-behind resyncs cheap. */
export const SNAPSHOT_EVERY = 200;
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
    const sync = inside ? await this.resyncFor(rt, p, req.sinceSeq ?? 0) : null;
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
    const cmd = { name, payload: parsePayload(COMMAND_SCHEMAS[name], raw) } as ParsedCommand;
    assertRoleMay(p, name);
    if (name === 'stroke:batch')
      this.limit(this.strokeBuckets, socket.id, REALTIME_LIMITS.maxBatchesPerSecond);
    const rt = await this.runtimes.get(p.lessonId);
    const msgKey = `${p.userId}:${cmd.payload.clientMsgId}`;
    return rt.serial(() => this.decideAndAppend(rt, p, cmd, msgKey));
  }

  private async decideAndAppend(
    rt: LessonRuntime,
    p: LessonParticipant,
    cmd: ParsedCommand,
    msgKey: string,
  ): Promise<LessonCommandResult> {
    const known = rt.recent.get(msgKey);
    if (known !== undefined) return { seq: known, duplicate: true };
    // Optimistic: decide on this instance's state, then compare-and-set the log's head.
    const decided = await this.decideOptimistically(rt, p, cmd, msgKey);
    if ('duplicateOf' in decided) return this.duplicate(rt, msgKey, decided.duplicateOf);
    const at = Date.now();
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
        for (const e of missed) applyLessonEvent(rt.state, e);
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

  /** After the commit: fold into this instance's state, broadcast with the seq, side effects. */
  private publish(
    rt: LessonRuntime,
    p: LessonParticipant,
    cmd: ParsedCommand,
    draft: EventDraft,
    seq: number,
    at: number,
    msgKey: string,
  ): LessonCommandResult {
    const envelope = {
      seq,
      at,
      actor: { userId: p.userId, role: p.role, classroomId: p.classroomId },
      clientMsgId: cmd.payload.clientMsgId,
      ...draft,
    } as LessonEventEnvelope;
    applyLessonEvent(rt.state, envelope);
    rt.remember(msgKey, seq);
    this.rooms.broadcast(envelope, p.lessonId);
    this.afterAppend(rt, envelope);
    return { seq, duplicate: false };
  }

  private afterAppend(rt: LessonRuntime, e: LessonEventEnvelope): void {
    if (e.seq % SNAPSHOT_EVERY === 0) {
      // Serialised synchronously (inside saveSnapshot's call), so later events cannot leak in.
      this.track(this.log.saveSnapshot(rt.state));
    }
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
    const { sinceSeq } = parsePayload(RESYNC_SCHEMA, raw);
    const rt = await this.runtimes.get(p.lessonId);
    if (!(await this.holds(rt, () => this.isAdmitted(rt, p)))) throw LessonErrors.notAdmitted();
    return this.resyncFor(rt, p, sinceSeq);
  }

  /** Missed events from the log, or a snapshot when the client is too far behind (or ahead). */
  private async resyncFor(
    rt: LessonRuntime,
    p: LessonParticipant,
    sinceSeq: number,
  ): Promise<LessonResyncResult> {
    const max = REALTIME_LIMITS.resyncMaxEvents;
    const events = await this.log.eventsAfter(p.lessonId, sinceSeq, max + 1);
    if (events.length > 0 && events.length <= max) {
      return {
        mode: 'events',
        toSeq: events[events.length - 1].seq,
        events: events.map((e) => toWireEvent(e, p)),
      };
    }
    return rt.serial(async (): Promise<LessonResyncResult> => {
      await this.runtimes.catchUp(rt);
      // Nothing after sinceSeq: the client is up to date (anything newer reaches it live) —
      // unless it claims a seq the log never reached, e.g. from another lesson's state.
      if (events.length === 0 && sinceSeq <= rt.state.seq)
        return { mode: 'events', toSeq: sinceSeq, events: [] };
      return { mode: 'snapshot', toSeq: rt.state.seq, state: viewLessonState(rt.state, p) };
    });
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
