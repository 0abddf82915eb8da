/**
 * `npm run bench:lesson` — live-lesson fan-out under load.
 *
 * For 10, 50 and 100 concurrent lessons of 1 host + 30 participants (10 classroom devices,
 * 10 co-teachers, 10 observers), each host sends 10 events/s (ink batches, a page turn now and
 * then; the hosts' sends are spread evenly over each 100 ms, as independent lessons' are) and every participant measures host→participant latency from the send timestamp carried
 * in the event. The same clients, in the same run, also drive a bare socket.io relay (join a room,
 * broadcast, ack) so the cost of validation, rights, the PostgreSQL append and seq-ordering shows
 * as a ratio.
 *
 * Honest numbers on 2 cores: each server runs in its own child process (the classroom service
 * with its database pool, or the bare relay), and the load generator with all client sockets runs
 * in this process. Both servers keep all their clients connected, and they take turns in short
 * slices (BENCH_SLICE_MS, 2 s), in the order bare, tongke, tongke, bare, …: never both at once,
 * and a change in the machine's load during the run (other processes, PostgreSQL's background
 * work) falls on both alike instead of on whichever ran second. The database is a fresh
 * PostgreSQL database when DATABASE_URL is set, else embedded PGlite; it is printed.
 *
 * The load generator runs at niceness 10 once the servers are up (the clients of a real lesson
 * are not on the server's cores); both servers and PostgreSQL keep normal priority.
 *
 * Options (env): BENCH_LESSONS=10,50,100  BENCH_SECONDS=12 (measured per server)  BENCH_SLICE_MS=2000
 * BENCH_WARMUP_SECONDS=3  BENCH_GENERATOR_NICE=10
 * BENCH_CPU_PROF=<dir> writes a CPU profile of each server child there (for `--cpu-prof` self time).
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { TokenService } from '@tongke/auth';
import { loadConfig } from '@tongke/config';
import {
  LESSON_JOIN_TOKEN_TYPE,
  type LessonJoinClaims,
  type LessonRole,
  type LessonWireEvent,
  type SocketAck,
} from '@tongke/contracts';
import {
  Classroom,
  JointLesson,
  LessonClassroom,
  Pairing,
  Region,
  School,
  User,
  createTestDatabase,
  type TestDatabase,
} from '@tongke/database';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { createClassroomApp } from '../apps/classroom/src/bootstrap.js';
import { cpuSecondsOf } from './support/process-stats.js';

const PARTICIPANTS_PER_ROLE = 10;
/** Niceness of this (load-generating) process once the servers run; 0 to measure without. */
const GENERATOR_NICENESS = Number(process.env.BENCH_GENERATOR_NICE ?? 10);
const EVENTS_PER_SECOND = 10;
/** The start of each measured slice that is not counted (the sending hosts' timers line up). */
const SLICE_SETTLE_MS = 250;
/** Quiet time after a slice, for its last deliveries to land before the other server starts. */
const SLICE_GAP_MS = 400;
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-01';
/** Stands in for the host's user id in the bare relay's envelopes. */
const BARE_ACTOR_ID = randomUUID();
const now = () => performance.timeOrigin + performance.now();
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface Participant {
  role: LessonRole;
  token: string;
}
interface BenchLesson {
  lessonId: string;
  host: string;
  participants: Participant[];
  classroomIds: string[];
  materialId: string;
}

type ChildMessage =
  | { type: 'ready'; port: number; database?: string }
  | { type: 'fixtures'; id: string; lessons: BenchLesson[] }
  | { type: 'error'; message: string }
  | { type: 'loop'; id: string; p99: number; max: number };

/**
 * Each server's event-loop delay (what a message waiting behind other work waits), answered and
 * reset on request: a long stall inside a server shows here, contention for the cores does not.
 */
function watchEventLoop(): void {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  process.on('message', (m: { type: string; id?: string }) => {
    if (m.type !== 'loop' || !m.id) return;
    process.send?.({
      type: 'loop',
      id: m.id,
      p99: h.percentile(99) / 1e6,
      max: h.max / 1e6,
    } satisfies ChildMessage);
    h.reset();
  });
}

// ---------------------------------------------------------------- child: the classroom service

async function runClassroomChild(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    CLASSROOM_PORT: '0',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    JWT_SECRET,
  });
  const app = await createClassroomApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const ds = app.get(DataSource);
  const tokens = app.get(TokenService);
  const port = (app.getHttpServer().address() as AddressInfo).port;

  const base = await (async () => {
    const tag = randomUUID().slice(0, 8);
    const region = await ds.getRepository(Region).save({ name: '压测县', code: `bench-${tag}` });
    const urban = await ds.getRepository(School).save({
      regionId: region.id,
      name: `城区学校${tag}`,
      locale: 'urban',
      stages: ['junior'],
      enrolment: 1800,
    });
    const rural = await ds.getRepository(School).save({
      regionId: region.id,
      name: `乡村学校${tag}`,
      locale: 'rural',
      stages: ['junior'],
      enrolment: 90,
    });
    const host = await ds.getRepository(User).save({
      email: `bench-${tag}@bench.tongke.cn`,
      phone: null,
      displayName: '压测名师',
      passwordHash: 'x',
      role: 'teacher',
      regionId: region.id,
      schoolId: urban.id,
      isMasterTeacher: true,
      subjects: ['math'],
      disabledAt: null,
    });
    const pairing = await ds.getRepository(Pairing).save({
      regionId: region.id,
      urbanSchoolId: urban.id,
      masterTeacherId: host.id,
      term: '2026-2027-1',
      subjects: ['math'],
      status: 'active',
      createdById: host.id,
      activatedAt: new Date(),
      endedAt: null,
      endReason: null,
    });
    return { region, urban, rural, host, pairing };
  })();

  let roomNo = 0;
  const createLessons = async (count: number): Promise<BenchLesson[]> => {
    const out: BenchLesson[] = [];
    for (let i = 0; i < count; i++) {
      const materialId = randomUUID();
      const lesson = await ds.getRepository(JointLesson).save({
        pairingId: base.pairing.id,
        seriesId: null,
        regionId: base.region.id,
        urbanSchoolId: base.urban.id,
        hostId: base.host.id,
        title: `压测课 ${i}`,
        subject: 'math',
        status: 'scheduled',
        startsAt: new Date(Date.now() + 60_000),
        endsAt: new Date(Date.now() + 46 * 60_000),
        originalStartsAt: null,
        isException: false,
        attachments: [{ kind: 'resource', id: materialId, title: '课件' }],
        lastSeq: 0,
        startedAt: null,
        endedAt: null,
        cancelledAt: null,
        cancelReason: null,
        createdById: base.host.id,
      });
      const rooms = await ds.getRepository(Classroom).save(
        Array.from({ length: PARTICIPANTS_PER_ROLE }, () => ({
          schoolId: base.rural.id,
          name: `教室${++roomNo}`,
          kind: 'class' as const,
          grade: null,
        })),
      );
      await ds
        .getRepository(LessonClassroom)
        .insert(rooms.map((r) => ({ lessonId: lesson.id, classroomId: r.id, schoolId: base.rural.id })));
      const sign = (role: LessonRole, classroomId: string | null, name: string) =>
        tokens.signTyped<LessonJoinClaims>(
          LESSON_JOIN_TOKEN_TYPE,
          {
            lessonId: lesson.id,
            userId: role === 'host' ? base.host.id : randomUUID(),
            role,
            classroomId,
            name,
          },
          3600,
        );
      out.push({
        lessonId: lesson.id,
        host: sign('host', null, '名师'),
        classroomIds: rooms.map((r) => r.id),
        materialId,
        participants: [
          ...rooms.map((r) => ({ role: 'classroom' as const, token: sign('classroom', r.id, '教室大屏') })),
          ...rooms.map((r) => ({ role: 'co_teacher' as const, token: sign('co_teacher', r.id, '助教') })),
          ...rooms.map(() => ({ role: 'observer' as const, token: sign('observer', null, '教研员') })),
        ],
      });
    }
    return out;
  };

  watchEventLoop();
  process.on('message', (m: { type: string; id?: string; count?: number }) => {
    const id = m.id;
    if (m.type === 'fixtures' && id && m.count) {
      createLessons(m.count).then(
        (lessons) => process.send?.({ type: 'fixtures', id, lessons } satisfies ChildMessage),
        (e: Error) => process.send?.({ type: 'error', message: e.message } satisfies ChildMessage),
      );
    }
    if (m.type === 'stop') {
      void app.close().finally(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', port, database: config.database.kind } satisfies ChildMessage);
}

// ---------------------------------------------------------------- child: a bare socket.io relay

async function runBareChild(): Promise<void> {
  const http = createServer();
  const server = new Server(http, {
    serveClient: false,
    pingInterval: 10_000,
    pingTimeout: 20_000,
    maxHttpBufferSize: 1_000_000,
  });
  server.of('/lesson').on('connection', (socket) => {
    socket.on('join', (room: string, ack: (r: SocketAck<{ ok: true }>) => void) => {
      void socket.join(room);
      ack({ ok: true, data: { ok: true } });
    });
    socket.on(
      'relay',
      (msg: { room: string; event: unknown }, ack: (r: SocketAck<{ seq: number }>) => void) => {
        server.of('/lesson').to(msg.room).emit('relayed', msg.event);
        ack({ ok: true, data: { seq: 0 } });
      },
    );
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  watchEventLoop();
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stop') void server.close(() => process.exit(0));
  });
  process.send?.({ type: 'ready', port: (http.address() as AddressInfo).port } satisfies ChildMessage);
}

// ---------------------------------------------------------------- the load generator

function startChild(
  kind: 'classroom' | 'bare',
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; database?: string }> {
  const child = fork(fileURLToPath(import.meta.url), [`--child=${kind}`], {
    env: { ...process.env, ...env },
    execArgv: [
      '--enable-source-maps',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ...(process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} child exited with ${code}`)));
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') resolve({ child, port: m.port, database: m.database });
      if (m.type === 'error') reject(new Error(m.message));
    });
  });
}

function request<T extends ChildMessage>(
  child: ChildProcess,
  msg: Record<string, unknown>,
  type: T['type'],
): Promise<T> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type === 'error') reject(new Error(m.message));
      if (m.type === type && (m as { id?: string }).id === id) {
        child.off('message', onMessage);
        resolve(m as T);
      }
    };
    child.on('message', onMessage);
    child.send({ ...msg, id });
  });
}

function connect(url: string, token?: string): Promise<Socket> {
  const socket = io(`${url}/lesson`, {
    transports: ['websocket'],
    reconnection: false,
    auth: token ? { token } : {},
    timeout: 20_000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function inBatches<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface RunResult {
  deliveries: number;
  expected: number;
  p50: number;
  p99: number;
  ackP99: number;
  errors: number;
  /** CPU seconds per wall second of this server during its own slices, and during the other's. */
  cpuOwn: number;
  cpuIdle: number;
}

/** Sent-at timestamps ride in the clientMsgId (`b<n>-<epoch ms>`), echoed in every envelope. */
const sentAtOf = (clientMsgId: string | null | undefined): number | null => {
  const m = clientMsgId ? /^b\d+-(\d+\.?\d*)$/.exec(clientMsgId) : null;
  return m ? Number(m[1]) : null;
};

function strokePayload(n: number, materialId: string) {
  const points: number[] = [];
  for (let i = 0; i < 8; i++) points.push(((n * 8 + i) % 100) / 100, 0.5 + Math.sin(n + i) / 4);
  return {
    surface: {
      layer: 'annotation' as const,
      material: { kind: 'resource' as const, id: materialId },
      page: 1 + (n % 5),
    },
    segments: [
      {
        strokeId: `s${Math.floor(n / 5)}`,
        tool: 'pen' as const,
        color: '#d62728',
        width: 2,
        points,
        done: n % 5 === 4,
      },
    ],
  };
}

/** One server's side of a run: its clients (all connected for the whole run), samples and counters. */
interface Side {
  kind: 'tongke' | 'bare';
  pid: number | undefined;
  hosts: Socket[];
  sockets: Socket[];
  /** Events sent in [from, to] count; `to` is open while the side is sending. */
  window: { from: number; to: number } | null;
  samples: number[];
  acks: number[];
  errors: number;
  sent: number;
  next: number;
  cpuOwn: number;
  cpuIdle: number;
  secondsOwn: number;
  secondsIdle: number;
}

async function connectSide(
  kind: 'tongke' | 'bare',
  url: string,
  pid: number | undefined,
  lessons: BenchLesson[],
): Promise<Side> {
  const side: Side = {
    kind,
    pid,
    hosts: [],
    sockets: [],
    window: null,
    samples: [],
    acks: [],
    errors: 0,
    sent: 0,
    next: 0,
    cpuOwn: 0,
    cpuIdle: 0,
    secondsOwn: 0,
    secondsIdle: 0,
  };
  const onEvent = (e: LessonWireEvent | { clientMsgId?: string }) => {
    const sent = sentAtOf((e as { clientMsgId?: string | null }).clientMsgId);
    const w = side.window;
    if (sent !== null && w && sent >= w.from && sent <= w.to) side.samples.push(now() - sent);
  };

  // Hosts first (they admit the classrooms and start the lesson), then everyone else.
  side.hosts = await inBatches(lessons, 25, async (l) => {
    const s = await connect(url, kind === 'tongke' ? l.host : undefined);
    side.sockets.push(s);
    if (kind === 'tongke') {
      const joined = (await s.emitWithAck('lesson:join', {
        lessonId: l.lessonId,
        token: l.host,
        sinceSeq: 0,
      })) as SocketAck<unknown>;
      if (!joined.ok) throw new Error(`host join: ${joined.error.code}`);
      if (!((await s.emitWithAck('lesson:start', { clientMsgId: randomUUID() })) as SocketAck<unknown>).ok)
        throw new Error('start');
      for (const classroomId of l.classroomIds) {
        const r = (await s.emitWithAck('lobby:admit', {
          clientMsgId: randomUUID(),
          classroomId,
        })) as SocketAck<unknown>;
        if (!r.ok) throw new Error(`admit: ${r.error.code}`);
      }
    } else {
      await s.emitWithAck('join', l.lessonId);
    }
    return s;
  });
  const everyone = lessons.flatMap((l) => l.participants.map((p) => ({ l, p })));
  await inBatches(everyone, 100, async ({ l, p }) => {
    const s = await connect(url, kind === 'tongke' ? p.token : undefined);
    side.sockets.push(s);
    if (kind === 'tongke') {
      s.on('lesson:probe', (payload: unknown, ack: (r: unknown) => void) => ack(payload));
      s.on('lesson:event', onEvent);
      const joined = (await s.emitWithAck('lesson:join', {
        lessonId: l.lessonId,
        token: p.token,
        sinceSeq: 0,
      })) as SocketAck<unknown>;
      if (!joined.ok) throw new Error(`join ${p.role}: ${joined.error.code}`);
    } else {
      s.on('relayed', onEvent);
      await s.emitWithAck('join', l.lessonId);
    }
  });
  return side;
}

/** Every host of the side sends EVENTS_PER_SECOND events; returns the stop function. */
function drive(side: Side, lessons: BenchLesson[]): () => void {
  const period = 1000 / EVENTS_PER_SECOND;
  const timers: NodeJS.Timeout[] = [];
  // Lessons are independent: host i starts i/n of a period after host 0, so the hosts' events do
  // not all reach the server in the same millisecond (a burst no real set of lessons makes).
  const starts = side.hosts.map((s, i) => {
    const l = lessons[i];
    const send = () => {
      const k = side.next++;
      const sentAt = now();
      const clientMsgId = `b${k}-${sentAt.toFixed(3)}`;
      const page = k % 20 === 19;
      const counted = side.window !== null && sentAt >= side.window.from && sentAt <= side.window.to;
      if (counted) side.sent++;
      const done = (r: SocketAck<unknown>) => {
        if (!r.ok) side.errors++;
        else if (counted) side.acks.push(now() - sentAt);
      };
      if (side.kind === 'tongke') {
        const payload = page
          ? { clientMsgId, page: 1 + (k % 5) }
          : { clientMsgId, ...strokePayload(k, l.materialId) };
        s.emit(page ? 'page:set' : 'stroke:batch', payload, done);
      } else {
        // The same envelope as the classroom service relays (actor included), so both carry the same bytes.
        const event = {
          seq: k,
          at: Date.now(),
          actor: { userId: BARE_ACTOR_ID, role: 'host', classroomId: null },
          clientMsgId,
          type: page ? 'page.set' : 'stroke.batch',
          payload: page ? { page: 1 + (k % 5) } : strokePayload(k, l.materialId),
        };
        s.emit('relay', { room: l.lessonId, event }, done);
      }
    };
    return setTimeout(
      () => {
        send();
        timers.push(setInterval(send, period));
      },
      (i * period) / side.hosts.length,
    );
  });
  return () => {
    for (const t of starts) clearTimeout(t);
    for (const t of timers) clearInterval(t);
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Both servers hold all their clients for the whole run and take turns: short slices in the
 * order bare, tongke, tongke, bare, bare, tongke, … (ABBA, so a drift in the machine's load
 * over the run falls on both alike). In a slice only that server's hosts send; the first
 * SLICE_SETTLE_MS of a slice are not counted, and the gap after it lets the last deliveries land
 * (they count: an event counts by when it was sent). The idle server still does its background
 * work (the classroom service probes its 1,000 classroom connections' round-trip times), which
 * the printed CPU figures show.
 */
async function measureInterleaved(
  sides: { bare: Side; tongke: Side },
  lessons: BenchLesson[],
  seconds: number,
  warmupSeconds: number,
): Promise<{ bare: RunResult; tongke: RunResult }> {
  const sliceMs = Number(process.env.BENCH_SLICE_MS ?? 2000);
  const slices = Math.max(1, Math.round((seconds * 1000) / sliceMs));
  const slice = async (active: Side, counted: boolean, ms: number) => {
    const idle = active === sides.bare ? sides.tongke : sides.bare;
    const start = now();
    if (counted) active.window = { from: start + SLICE_SETTLE_MS, to: Number.POSITIVE_INFINITY };
    const cpu0 = [cpuSecondsOf(active.pid), cpuSecondsOf(idle.pid)];
    const stop = drive(active, lessons);
    await sleep(ms);
    stop();
    const end = now();
    if (active.window) active.window.to = end;
    const cpu1 = [cpuSecondsOf(active.pid), cpuSecondsOf(idle.pid)];
    if (counted) {
      active.cpuOwn += cpu1[0] - cpu0[0];
      active.secondsOwn += (end - start) / 1000;
      idle.cpuIdle += cpu1[1] - cpu0[1];
      idle.secondsIdle += (end - start) / 1000;
    }
    await sleep(SLICE_GAP_MS);
  };
  // Warm-up, not counted.
  await slice(sides.bare, false, warmupSeconds * 1000);
  await slice(sides.tongke, false, warmupSeconds * 1000);
  for (let i = 0; i < slices; i++) {
    const order = i % 2 === 0 ? [sides.bare, sides.tongke] : [sides.tongke, sides.bare];
    for (const side of order) await slice(side, true, sliceMs);
  }
  const result = (side: Side): RunResult => {
    const sorted = Float64Array.from(side.samples).sort();
    const sortedAcks = Float64Array.from(side.acks).sort();
    return {
      deliveries: side.samples.length,
      expected: side.sent * lessons[0].participants.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      ackP99: percentile(sortedAcks, 99),
      errors: side.errors,
      cpuOwn: side.cpuOwn / Math.max(1e-9, side.secondsOwn),
      cpuIdle: side.cpuIdle / Math.max(1e-9, side.secondsIdle),
    };
  };
  return { bare: result(sides.bare), tongke: result(sides.tongke) };
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_LESSONS ?? '10,50,100').split(',').map(Number);
  const seconds = Number(process.env.BENCH_SECONDS ?? 12);
  const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
  let db: TestDatabase | undefined;
  let dataDir: string | undefined;
  const env: Record<string, string> = {};
  if (process.env.DATABASE_URL) {
    db = await createTestDatabase();
    Object.assign(env, db.env);
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'tongke-bench-'));
    env.TONGKE_DATA_DIR = dataDir;
  }
  const classroom = await startChild('classroom', env);
  const bare = await startChild('bare', {});
  // In production the clients are on other machines. Here they share two cores with the servers
  // and PostgreSQL, so the load generator yields the CPU to them (same for both servers).
  setPriority(0, GENERATOR_NICENESS);
  const dbLabel = db
    ? 'PostgreSQL (DATABASE_URL, a fresh database)'
    : 'embedded PGlite (set DATABASE_URL for PostgreSQL)';
  console.log(
    `lesson bench — database: ${dbLabel}; redis: off; ${EVENTS_PER_SECOND} events/s per host; ${seconds}s measured after ${warmup}s warm-up`,
  );
  console.log(
    'servers: classroom service and bare socket.io relay each in a child process; clients in this process',
  );
  console.log(
    `machine: ${cpus().length} cores, load average ${load()} at the start; load generator at niceness ${GENERATOR_NICENESS}\n`,
  );

  const rows: string[][] = [];
  try {
    for (const count of sizes) {
      const { lessons } = await request<Extract<ChildMessage, { type: 'fixtures' }>>(
        classroom.child,
        { type: 'fixtures', count },
        'fixtures',
      );
      const sides = {
        bare: await connectSide('bare', `http://127.0.0.1:${bare.port}`, bare.child.pid, lessons),
        tongke: await connectSide(
          'tongke',
          `http://127.0.0.1:${classroom.port}`,
          classroom.child.pid,
          lessons,
        ),
      };
      const loop = (child: ChildProcess) =>
        request<Extract<ChildMessage, { type: 'loop' }>>(child, { type: 'loop' }, 'loop');
      await Promise.all([loop(bare.child), loop(classroom.child)]);
      const { bare: bareRun, tongke: ours } = await measureInterleaved(sides, lessons, seconds, warmup);
      const [bareLoop, oursLoop] = await Promise.all([loop(bare.child), loop(classroom.child)]);
      for (const s of [...sides.bare.sockets, ...sides.tongke.sockets]) s.close();
      await sleep(500);
      const ratio = ours.p99 / bareRun.p99;
      const row = [
        String(count),
        String(count * (1 + lessons[0].participants.length)),
        `${bareRun.p50.toFixed(1)} / ${bareRun.p99.toFixed(1)}`,
        `${ours.p50.toFixed(1)} / ${ours.p99.toFixed(1)}`,
        `${ratio.toFixed(2)}×`,
        `${ours.ackP99.toFixed(1)}`,
        `${((100 * ours.deliveries) / Math.max(1, ours.expected)).toFixed(1)}%`,
        String(ours.errors + bareRun.errors),
        `${bareRun.cpuOwn.toFixed(2)} / ${ours.cpuOwn.toFixed(2)}`,
        `${bareRun.cpuIdle.toFixed(2)} / ${ours.cpuIdle.toFixed(2)}`,
        `${bareLoop.max.toFixed(0)} / ${oursLoop.max.toFixed(0)}`,
      ];
      rows.push(row);
      console.log(
        `  ${count} lessons done: bare p99 ${bareRun.p99.toFixed(1)} ms, tongke p99 ${ours.p99.toFixed(1)} ms`,
      );
    }
  } finally {
    classroom.child.send({ type: 'stop' });
    bare.child.send({ type: 'stop' });
    await Promise.all([classroom.child, bare.child].map((c) => new Promise((r) => c.once('exit', r))));
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  const head = [
    'lessons',
    'sockets',
    'bare p50/p99 ms',
    'tongke p50/p99 ms',
    'p99 ratio',
    'tongke ack p99 ms',
    'delivered',
    'errors',
    'CPU sending b/t',
    'CPU idle b/t',
    'loop stall max b/t',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(
    `\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}`,
  );
  console.log(
    `\nload average ${load()} at the end (other work on the machine skews both servers alike, not always equally).`,
  );
  console.log(
    'CPU: cores used by each server process (bare / tongke) during its own slices, and while the other one sends.\n' +
      'loop stall: the longest event-loop delay in each server over the whole interleaved run (ms).',
  );
  console.log('Target: at 50 lessons on 2 cores, tongke p99 ≤ 50 ms and ≤ 1.3× the bare relay.');
}

const child = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);
if (child === 'classroom') await runClassroomChild();
else if (child === 'bare') await runBareChild();
else
  await main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
