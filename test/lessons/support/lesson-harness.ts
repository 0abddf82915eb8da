import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { loadConfig, type AppConfig } from '@tongke/config';
import {
  LessonSequencer,
  applyLessonEvent,
  initialLessonState,
  type LessonAttachment,
  type LessonCommandName,
  type LessonCommandPayloads,
  type LessonCommandResult,
  type LessonDto,
  type LessonJoinResult,
  type LessonJoinTokenResponse,
  type LessonPresence,
  type LessonQuality,
  type LessonResyncResult,
  type LessonRole,
  type LessonState,
  type LessonWireEvent,
  type PairingDto,
  type SocketAck,
} from '@tongke/contracts';
import { io, type Socket } from 'socket.io-client';
import { createClassroomApp } from '../../../apps/classroom/src/bootstrap.js';
import { TestContext, type Actor, type County } from '../../support/context.js';

/** Polls a condition (never a fixed sleep); fails loudly with what it waited for. */
export async function waitFor<T>(
  what: string | (() => string),
  check: () => T | undefined | false | null,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A classroom service instance listening on an ephemeral port. */
export interface ClassroomInstance {
  app: INestApplication;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startClassroom(config: AppConfig, port = 0): Promise<ClassroomInstance> {
  const app = await createClassroomApp(config, { logger: false });
  await app.listen(port, '127.0.0.1');
  const actual = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    // The adapter's dispose() quits its Redis clients when the app closes.
    close: () => app.close(),
  };
}

export interface LessonWorld {
  county: County;
  /** A second rural school with two classrooms and one teacher, in the same pairing. */
  rural2: { id: string; name: string };
  classroomA: { id: string; name: string };
  classroomB: { id: string; name: string };
  classroomC: { id: string; name: string };
  teacherB: Actor;
  /** Co-teacher of classroom C (same school as B). */
  teacherC: Actor;
  /** An ordinary teacher of the urban school, listed as observer. */
  observer: Actor;
  pairing: PairingDto;
  attachments: LessonAttachment[];
}

let seq = 0;

/** The API on a fresh database plus the data of one county with an active three-classroom pairing. */
export async function createWorld(ctx: TestContext): Promise<LessonWorld> {
  const county = await ctx.newCounty();
  const rural2 = await ctx.newSchool(county.district, { locale: 'rural', enrolment: 60 });
  const rural2Admin = await ctx.newSchoolAdmin(county.district, rural2.id);
  const classroomB = await ctx.newClassroom(county.district, rural2.id, `B教室${++seq}`);
  const classroomC = await ctx.newClassroom(county.district, rural2.id, `C教室${++seq}`);
  const teacherB = await ctx.newTeacher(rural2Admin, rural2.id);
  const teacherC = await ctx.newTeacher(rural2Admin, rural2.id);
  const observer = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
  const created = await ctx.http
    .post('/api/pairings')
    .set('Authorization', county.district.auth)
    .send({
      urbanSchoolId: county.urban.id,
      partnerSchoolIds: [county.rural.id, rural2.id],
      masterTeacherId: county.master.user.id,
      classroomIds: [county.ruralClassroom.id, classroomB.id, classroomC.id],
      term: '2026-2027-1',
      subjects: ['math', 'chinese'],
    });
  if (created.status !== 201) throw new Error(`pairing: ${created.status} ${JSON.stringify(created.body)}`);
  const activated = await ctx.http
    .post(`/api/pairings/${created.body.id}/activate`)
    .set('Authorization', county.district.auth);
  if (activated.status !== 200)
    throw new Error(`activate: ${activated.status} ${JSON.stringify(activated.body)}`);
  return {
    county,
    rural2,
    classroomA: county.ruralClassroom,
    classroomB,
    classroomC,
    teacherB,
    teacherC,
    observer,
    pairing: activated.body as PairingDto,
    attachments: [
      { kind: 'resource', id: randomUUID(), title: '一元一次方程 课件' },
      { kind: 'pack', id: randomUUID(), title: '第三章 课时包' },
    ],
  };
}

/** Minutes from now as an ISO instant. */
export const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** Schedules a 45-minute lesson of the world's pairing, starting `startIn` minutes from now. */
export async function scheduleLesson(
  ctx: TestContext,
  w: LessonWorld,
  opts: { startIn?: number; classrooms?: ('A' | 'B' | 'C')[]; title?: string } = {},
): Promise<LessonDto> {
  const rooms = opts.classrooms ?? ['A', 'B', 'C'];
  const start = opts.startIn ?? 60 + seq++ * 60;
  const res = await ctx.http
    .post('/api/lessons')
    .set('Authorization', w.county.master.auth)
    .send({
      pairingId: w.pairing.id,
      title: opts.title ?? '一元一次方程',
      subject: 'math',
      startsAt: inMinutes(start),
      endsAt: inMinutes(start + 45),
      classrooms: rooms.map((r) =>
        r === 'A'
          ? { classroomId: w.classroomA.id, coTeacherIds: [w.county.ruralTeacher.user.id] }
          : r === 'B'
            ? { classroomId: w.classroomB.id, coTeacherIds: [w.teacherB.user.id] }
            : { classroomId: w.classroomC.id, coTeacherIds: [w.teacherC.user.id] },
      ),
      observerIds: [w.observer.user.id],
      attachments: w.attachments,
    });
  if (res.status !== 201) throw new Error(`lesson: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as LessonDto;
}

export async function joinToken(
  ctx: TestContext,
  actor: Actor,
  lessonId: string,
  role: LessonRole,
  classroomId?: string,
): Promise<string> {
  const res = await ctx.http
    .post(`/api/lessons/${lessonId}/join-token`)
    .set('Authorization', actor.auth)
    .send({ role, ...(classroomId && { classroomId }) });
  if (res.status !== 200) throw new Error(`join-token ${role}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as LessonJoinTokenResponse).token;
}

type Ack<T> = SocketAck<T>;

/**
 * A participant as the web app would be: a socket.io client on /lesson that joins with a join
 * token, applies events through the sequencer (resyncing on gaps), folds them into state, and
 * on every reconnect fetches a fresh token and re-joins from its last seq.
 */
export class LessonClient {
  readonly socket: Socket;
  /** Events in the order they were applied (after sequencing), since the last reset. */
  readonly applied: LessonWireEvent[] = [];
  /** Raw arrivals, in arrival order. */
  readonly received: LessonWireEvent[] = [];
  readonly presence: LessonPresence[] = [];
  readonly quality: LessonQuality[] = [];
  readonly signals: unknown[] = [];
  readonly pointers: unknown[] = [];
  readonly sequencer: LessonSequencer;
  state: LessonState;
  joinResult?: LessonJoinResult;
  snapshots = 0;
  /** Rollbacks that voided events this client had applied (its state was then rebuilt). */
  resets = 0;
  readonly rollbacks: number[] = [];
  joins = 0;
  /** Connection lifecycle, for failure messages. */
  readonly lifecycle: string[] = [];
  private token?: string;
  private resyncing = false;

  private constructor(
    url: string,
    private readonly lessonId: string,
    private readonly fetchToken: () => Promise<string>,
    opts: { autoJoin: boolean; extraHeaders?: Record<string, string> },
  ) {
    this.state = initialLessonState(lessonId);
    this.sequencer = new LessonSequencer({
      onEvent: (e) => {
        this.applied.push(e);
        if (e.type === 'hidden') this.state.seq = e.seq;
        else applyLessonEvent(this.state, e);
      },
      onSnapshot: (s) => {
        this.snapshots++;
        this.state = structuredClone(s);
      },
      onReset: () => {
        this.resets++;
        this.applied.length = 0;
        this.state = initialLessonState(lessonId);
      },
    });
    this.socket = io(`${url}/lesson`, {
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      timeout: 5000,
      extraHeaders: opts.extraHeaders,
      auth: (cb) => {
        this.fetchToken().then(
          (t) => {
            this.token = t;
            cb({ token: t });
          },
          () => cb({ token: 'unavailable' }),
        );
      },
    });
    this.socket.on('lesson:event', (e: LessonWireEvent) => {
      this.received.push(e);
      if (!this.sequencer.push(e)) void this.resync();
      if (e.type === 'lobby.admitted' && e.payload.classroomId === this.joinResult?.classroomId)
        void this.resync();
    });
    this.socket.on('lesson:rollback', (r: { fromSeq: number }) => {
      this.rollbacks.push(r.fromSeq);
      if (this.sequencer.rollback(r.fromSeq)) void this.resync();
    });
    this.socket.on('lesson:presence', (p: LessonPresence) => this.presence.push(p));
    this.socket.on('lesson:quality', (q: LessonQuality) => this.quality.push(q));
    this.socket.on('lesson:probe', (p: { t: number }, ack: (r: { t: number }) => void) => ack(p));
    this.socket.on('rtc:signal', (s: unknown) => this.signals.push(s));
    this.socket.on('pointer:moved', (p: unknown) => this.pointers.push(p));
    this.socket.on('connect', () => this.lifecycle.push('connect'));
    this.socket.on('disconnect', (reason) => this.lifecycle.push(`disconnect: ${reason}`));
    this.socket.on('connect_error', (e: Error & { data?: unknown }) =>
      this.lifecycle.push(`connect_error: ${e.message} ${JSON.stringify(e.data ?? null)}`),
    );
    if (opts.autoJoin) {
      this.socket.on('connect', () => {
        this.join().then(
          (r) => !r.ok && this.lifecycle.push(`join refused: ${r.error.code}`),
          (e: Error) => this.lifecycle.push(`join failed: ${e.message}`),
        );
      });
    }
  }

  /** Connects (and, by default, joins on every connect). Rejects with the handshake error. */
  static async connect(
    url: string,
    lessonId: string,
    fetchToken: () => Promise<string>,
    opts: { autoJoin?: boolean; extraHeaders?: Record<string, string> } = {},
  ): Promise<LessonClient> {
    const c = new LessonClient(url, lessonId, fetchToken, {
      autoJoin: opts.autoJoin ?? true,
      extraHeaders: opts.extraHeaders,
    });
    // Only the first connection attempt decides; later reconnects retry by themselves.
    await new Promise<void>((resolve, reject) => {
      const connected = () => {
        c.socket.off('connect_error', failed);
        resolve();
      };
      const failed = (err: Error & { data?: unknown }) => {
        c.socket.off('connect', connected);
        c.socket.close();
        reject(err);
      };
      c.socket.once('connect', connected);
      c.socket.once('connect_error', failed);
    });
    if (opts.autoJoin ?? true) await waitFor('join ack', () => c.joins > 0);
    return c;
  }

  async join(token = this.token, lessonId = this.lessonId): Promise<Ack<LessonJoinResult>> {
    const res = (await this.socket.timeout(10_000).emitWithAck('lesson:join', {
      lessonId,
      token,
      ...this.sequencer.resyncRequest(),
    })) as Ack<LessonJoinResult>;
    if (res.ok) {
      this.joinResult = res.data;
      if (res.data.sync) this.sequencer.applyResync(res.data.sync);
      this.joins++;
    }
    return res;
  }

  /** Asks for what it missed; a lost connection just ends the attempt (the next join resyncs). */
  async resync(): Promise<void> {
    if (this.resyncing || !this.socket.connected) return;
    this.resyncing = true;
    try {
      const res = await this.raw<LessonResyncResult>('lesson:resync', this.sequencer.resyncRequest());
      if (res.ok) this.sequencer.applyResync(res.data);
    } catch {
      return;
    } finally {
      this.resyncing = false;
    }
    if (this.sequencer.hasGap) void this.resync();
  }

  /** Sends a command with a fresh clientMsgId (or the given one) and returns the ack. */
  send<K extends LessonCommandName>(
    name: K,
    payload: Omit<LessonCommandPayloads[K], 'clientMsgId'> & { clientMsgId?: string },
  ): Promise<Ack<LessonCommandResult>> {
    return this.raw<LessonCommandResult>(name, { clientMsgId: randomUUID(), ...payload });
  }

  /** Emits anything (malformed payloads included) and returns the ack. */
  async raw<T>(event: string, ...args: unknown[]): Promise<Ack<T>> {
    return (await this.socket.timeout(10_000).emitWithAck(event, ...args)) as Ack<T>;
  }

  /** Waits until this client has applied everything up to `seq`. */
  async caughtUp(seqNo: number): Promise<void> {
    await waitFor(
      `client at seq ${seqNo} (is ${this.sequencer.lastSeq})`,
      () => this.sequencer.lastSeq >= seqNo,
    );
  }

  close(): void {
    this.socket.close();
  }
}

/** Unwraps an ok ack or fails with its error. */
export function ok<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

/** The head of the lesson's log in the database. */
export async function logHead(ctx: TestContext, lessonId: string): Promise<number> {
  const rows: { last_seq: string | number }[] = await ctx.dataSource.query(
    'SELECT last_seq FROM joint_lessons WHERE id = $1',
    [lessonId],
  );
  return Number(rows[0].last_seq);
}

export async function loggedSeqs(
  ctx: TestContext,
  lessonId: string,
): Promise<{ seq: number; type: string }[]> {
  const rows: { seq: string | number; type: string }[] = await ctx.dataSource.query(
    'SELECT seq, type FROM lesson_events WHERE lesson_id = $1 ORDER BY seq',
    [lessonId],
  );
  return rows.map((r) => ({ seq: Number(r.seq), type: r.type }));
}

/** A config like the context's, with overrides (e.g. REDIS_URL) for a classroom instance. */
export function classroomConfig(ctx: TestContext, env: Record<string, string> = {}): AppConfig {
  if (Object.keys(env).length === 0) return ctx.config;
  const c = ctx.config;
  return loadConfig({
    NODE_ENV: 'test',
    TONGKE_DATA_DIR: c.dataDir,
    JWT_SECRET: c.jwt.secret,
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    ...(c.database.url && { DATABASE_URL: c.database.url }),
    ...(c.rtc.stunUrls.length && { STUN_URLS: c.rtc.stunUrls.join(',') }),
    ...(c.rtc.turnUrls.length && { TURN_URLS: c.rtc.turnUrls.join(',') }),
    ...(c.rtc.turnSecret && { TURN_SECRET: c.rtc.turnSecret }),
    ...env,
  });
}

/** Everyone of a lesson, connected and joined. */
export interface Cast {
  host: LessonClient;
  coA: LessonClient;
  devA: LessonClient;
  coB: LessonClient;
  observer: LessonClient;
  all: LessonClient[];
}

export async function connectCast(
  ctx: TestContext,
  w: LessonWorld,
  lessonId: string,
  url: string | string[],
): Promise<Cast> {
  const urls = Array.isArray(url) ? url : [url];
  const pick = (i: number) => urls[i % urls.length];
  const token = (a: Actor, role: LessonRole, classroomId?: string) => () =>
    joinToken(ctx, a, lessonId, role, classroomId);
  const host = await LessonClient.connect(pick(0), lessonId, token(w.county.master, 'host'));
  const coA = await LessonClient.connect(pick(1), lessonId, token(w.county.ruralTeacher, 'co_teacher'));
  const devA = await LessonClient.connect(
    pick(1),
    lessonId,
    token(w.county.ruralAdmin, 'classroom', w.classroomA.id),
  );
  const coB = await LessonClient.connect(pick(1), lessonId, token(w.teacherB, 'co_teacher'));
  const observer = await LessonClient.connect(pick(0), lessonId, token(w.observer, 'observer'));
  return { host, coA, devA, coB, observer, all: [host, coA, devA, coB, observer] };
}

/** A world, one classroom service and a lesson for classrooms A and B with its whole cast connected. */
export async function openLesson(
  ctx: TestContext,
): Promise<{ w: LessonWorld; room: ClassroomInstance; lessonId: string; cast: Cast }> {
  const w = await createWorld(ctx);
  const room = await startClassroom(ctx.config);
  try {
    const lessonId = (await scheduleLesson(ctx, w, { classrooms: ['A', 'B'] })).id;
    const cast = await connectCast(ctx, w, lessonId, room.url);
    return { w, room, lessonId, cast };
  } catch (err) {
    await room.close();
    throw err;
  }
}

/** Closes what openLesson() (and the test context) left open; parts that never opened are skipped. */
export async function closeLesson(parts: {
  cast?: Cast;
  room?: ClassroomInstance;
  ctx?: TestContext;
}): Promise<void> {
  for (const c of parts.cast?.all ?? []) c.close();
  await parts.room?.close();
  await parts.ctx?.close();
}

/** Admits classrooms A and B, starts the lesson and waits until every client has caught up. */
export async function admitBothAndStart(w: LessonWorld, cast: Cast): Promise<number> {
  ok(await cast.host.send('lobby:admit', { classroomId: w.classroomA.id }));
  ok(await cast.host.send('lobby:admit', { classroomId: w.classroomB.id }));
  const started = ok(await cast.host.send('lesson:start', {}));
  for (const c of cast.all) await c.caughtUp(started.seq);
  return started.seq;
}

export { TestContext };
