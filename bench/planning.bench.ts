/* eslint-disable @typescript-eslint/unbound-method -- the bench wraps service prototypes to time them and calls the originals with .call(this) */
/**
 * `npm run bench:planning` — collaborative lesson planning with a 100k-character plan.
 *
 * Measures, in one run and on the same document:
 * - raw Yjs: encode the whole document, apply it to a fresh document (the floor for everything else);
 * - load from the database: latest snapshot + tail of updates → Y.Doc (what a classroom instance does
 *   when the first editor opens a plan), beside applying the same bytes without the database;
 * - first sync of a new client: connect, join, y-protocols step 1/2, until the editor shows "saved"
 *   — cold (the server loads the plan from the database) and warm (the server holds it);
 * - update relay latency with 20 editors typing at once: sender's keystroke → every other editor
 *   has it applied (p50/p99), each update appended to the log before it is relayed.
 *
 * The classroom service runs in a child process (its own core: this machine has 2), the clients
 * in this process. Database: a fresh PostgreSQL database when DATABASE_URL is set, else embedded
 * PGlite. Options (env): BENCH_EDITORS=20 BENCH_SECONDS=8 BENCH_KEYS_PER_SECOND=5 BENCH_CHARS=100000
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Principal } from '@tongke/auth';
import {
  PLAN_SECTION_CODES,
  PlanSyncProvider,
  appendParagraph,
  docFromLog,
  insertText,
  planTexts,
  toBytes,
  type PlanningSocket,
  type PlanSyncPayload,
} from '@tongke/contracts';
import * as decoding from 'lib0/decoding';
import { io } from 'socket.io-client';
import * as Y from 'yjs';

const EDITORS = Number(process.env.BENCH_EDITORS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const KEYS_PER_SECOND = Number(process.env.BENCH_KEYS_PER_SECOND ?? 5);
const TARGET_CHARS = Number(process.env.BENCH_CHARS ?? 100_000);
const HISTORY_UPDATES = 2_000;
const SNAPSHOT_AT = 1_800;
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-01';
const now = () => performance.now();

type ToChild =
  | { type: 'measureLoad'; runs: number }
  | { type: 'evict' }
  | { type: 'statsStart' }
  | { type: 'statsStop' }
  | { type: 'stop' };
type FromChild =
  | {
      type: 'ready';
      port: number;
      planId: string;
      tokens: string[];
      database: string;
      history: number;
      tail: number;
    }
  | { type: 'load'; db: number[]; bytesOnly: number[]; snapshotBytes: number; tailBytes: number }
  | { type: 'evicted'; ok: boolean }
  | { type: 'stats'; cpuPercent: number; loopP99: number; submit: number[]; append: number[]; batch: number }
  | { type: 'error'; message: string };

// ---------------------------------------------------------------- child: the classroom service

const PHRASES = [
  '通过创设生活情境，引导学生发现等量关系，体会方程是刻画现实世界的有效模型。',
  '学生独立思考后小组交流，教师巡视指导，关注学困生的列式过程。',
  '例题讲解时强调移项要变号，去括号时注意符号，规范书写解题步骤。',
  '课堂练习分层设计：基础题巩固概念，提高题发展思维，拓展题联系实际。',
];

/** A plausible edit history: paragraphs appended one update at a time, by rotating authors, until the plan reaches the target size. */
function planHistory(authors: string[]): {
  updates: { update: Uint8Array; authorId: string }[];
  snapshotState: Uint8Array;
} {
  const doc = new Y.Doc();
  const updates: { update: Uint8Array; authorId: string }[] = [];
  let snapshotState: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) =>
    updates.push({ update: u, authorId: authors[updates.length % authors.length] }),
  );
  const perUpdate = Math.ceil(TARGET_CHARS / HISTORY_UPDATES);
  for (let i = 0; i < HISTORY_UPDATES; i++) {
    const section = PLAN_SECTION_CODES[i % PLAN_SECTION_CODES.length];
    let text = `${i + 1}. `;
    while (text.length < perUpdate) text += PHRASES[(i + text.length) % PHRASES.length];
    appendParagraph(doc, section, text.slice(0, perUpdate));
    if (i + 1 === SNAPSHOT_AT) snapshotState = Y.encodeStateAsUpdate(doc);
  }
  return { updates, snapshotState: snapshotState ?? Y.encodeStateAsUpdate(doc) };
}

async function runServer(): Promise<void> {
  const send = (m: FromChild) => process.send?.(m);
  const {
    createTestDatabase,
    LessonPlan,
    PlanLogStore,
    Region,
    ResearchGroup,
    ResearchGroupMember,
    School,
    User,
  } = await import('@tongke/database');
  const { loadConfig } = await import('@tongke/config');
  const { TokenService } = await import('@tongke/auth');
  const { createClassroomApp } = await import('../apps/classroom/src/bootstrap.js');
  const { PlanDocRegistry } = await import('../apps/classroom/src/planning/plan-doc.registry.js');
  const { LivePlanDoc } = await import('../apps/classroom/src/planning/live-plan-doc.js');
  // Server-side stages, recorded while typing: receipt → stored and relayed; the log append (one transaction per batch).
  let recording = false;
  const submitTimes: number[] = [];
  const appendTimes: number[] = [];
  let appended = 0;
  const submit = LivePlanDoc.prototype.submit;
  LivePlanDoc.prototype.submit = function (this: typeof LivePlanDoc.prototype, item) {
    const t0 = now();
    const done = submit.call(this, item);
    if (recording)
      done.then(
        () => submitTimes.push(now() - t0),
        () => undefined,
      );
    return done;
  };
  const append = PlanLogStore.prototype.append;
  PlanLogStore.prototype.append = function (this: InstanceType<typeof PlanLogStore>, planId, entries, m) {
    const t0 = now();
    const done = append.call(this, planId, entries, m);
    if (recording) {
      appended += entries.length;
      done.then(
        () => appendTimes.push(now() - t0),
        () => undefined,
      );
    }
    return done;
  };
  const { DataSource } = await import('typeorm');

  const db = await createTestDatabase();
  const dataDir = db.env.TONGKE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tongke-bench-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    TONGKE_DATA_DIR: dataDir,
    JWT_SECRET,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    ...db.env,
  });
  const app = await createClassroomApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const ds = app.get(DataSource);
  const store = app.get(PlanLogStore, { strict: false });
  const tokens = app.get(TokenService, { strict: false });
  const registry = app.get(PlanDocRegistry, { strict: false });
  let statsFrom: { cpu: NodeJS.CpuUsage; at: number; loop: ReturnType<typeof monitorEventLoopDelay> } | null =
    null;

  const stamp = Date.now().toString(36);
  const region = await ds.getRepository(Region).save({ name: '基准县', code: `bench-${stamp}` });
  const school = await ds
    .getRepository(School)
    .save({ regionId: region.id, name: '基准学校', locale: 'rural', stages: ['junior'], enrolment: 300 });
  const users = await ds.getRepository(User).save(
    Array.from({ length: EDITORS + 1 }, (_, i) => ({
      email: `bench-${stamp}-${i}@bench.tongke.cn`,
      phone: null,
      displayName: `教师${i}`,
      passwordHash: 'x',
      role: 'teacher' as const,
      regionId: region.id,
      schoolId: school.id,
      isMasterTeacher: i === 0,
      subjects: ['math'],
      disabledAt: null,
    })),
  );
  const group = await ds.getRepository(ResearchGroup).save({
    regionId: region.id,
    name: '基准教研组',
    subject: 'math',
    stage: 'junior',
    leadId: users[0].id,
    createdById: users[0].id,
  });
  await ds.getRepository(ResearchGroupMember).insert(
    users.map((u, i) => ({
      groupId: group.id,
      userId: u.id,
      role: i === 0 ? ('lead' as const) : ('member' as const),
      addedById: users[0].id,
    })),
  );
  const plan = await ds.getRepository(LessonPlan).save({
    groupId: group.id,
    regionId: region.id,
    title: '一元一次方程（基准）',
    subject: 'math',
    stage: 'junior',
    grade: '七年级',
    edition: 'pep',
    volume: 'first',
    unit: '第三章',
    lessonPeriod: 1,
    headSeq: 0,
    createdById: users[0].id,
  });
  const history = planHistory(users.map((u) => u.id));
  for (let i = 0; i < history.updates.length; i += 500) {
    await store.append(
      plan.id,
      history.updates
        .slice(i, i + 500)
        .map((u) => ({ update: u.update, authorId: u.authorId, clientId: null })),
    );
  }
  await store.writeSnapshot(plan.id, SNAPSHOT_AT, history.snapshotState);
  const principal = (u: (typeof users)[number]): Principal => ({
    userId: u.id,
    role: 'teacher',
    regionId: region.id,
    schoolId: school.id,
    isMasterTeacher: u.isMasterTeacher,
    displayName: u.displayName,
  });
  send({
    type: 'ready',
    port: (app.getHttpServer().address() as AddressInfo).port,
    planId: plan.id,
    tokens: users.map((u) => tokens.signAccess(principal(u))),
    database:
      config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL, fresh database)' : 'embedded PGlite',
    history: history.updates.length,
    tail: history.updates.length - SNAPSHOT_AT,
  });

  process.on('message', (m: ToChild) => {
    void (async () => {
      if (m.type === 'measureLoad') {
        const dbTimes: number[] = [];
        const bytesOnly: number[] = [];
        let snapshotBytes = 0;
        let tailBytes = 0;
        for (let r = 0; r < m.runs; r++) {
          const t0 = now();
          const state = await store.load(plan.id);
          if (!state) throw new Error('plan missing');
          const doc = docFromLog(
            state.snapshot?.state ?? null,
            state.tail.map((t) => t.update),
          );
          dbTimes.push(now() - t0);
          snapshotBytes = state.snapshot?.state.byteLength ?? 0;
          tailBytes = state.tail.reduce((n, t) => n + t.update.byteLength, 0);
          const t1 = now();
          docFromLog(
            state.snapshot?.state ?? null,
            state.tail.map((t) => t.update),
          ).destroy();
          bytesOnly.push(now() - t1);
          doc.destroy();
        }
        send({ type: 'load', db: dbTimes, bytesOnly, snapshotBytes, tailBytes });
      } else if (m.type === 'evict') {
        send({ type: 'evicted', ok: await registry.release(plan.id) });
      } else if (m.type === 'statsStart') {
        const loop = monitorEventLoopDelay({ resolution: 5 });
        loop.enable();
        statsFrom = { cpu: process.cpuUsage(), at: now(), loop };
        recording = true;
        send({ type: 'stats', cpuPercent: 0, loopP99: 0, submit: [], append: [], batch: 0 });
      } else if (m.type === 'statsStop' && statsFrom) {
        const cpu = process.cpuUsage(statsFrom.cpu);
        statsFrom.loop.disable();
        recording = false;
        send({
          type: 'stats',
          cpuPercent: ((cpu.user + cpu.system) / 1000 / (now() - statsFrom.at)) * 100,
          loopP99: statsFrom.loop.percentile(99) / 1e6,
          submit: submitTimes,
          append: appendTimes,
          batch: appendTimes.length ? appended / appendTimes.length : 0,
        });
        statsFrom = null;
      } else if (m.type === 'stop') {
        await app.close();
        await db.drop();
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      }
    })().catch((err: unknown) => send({ type: 'error', message: String(err) }));
  });
}

// ---------------------------------------------------------------- parent: the editors

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)} ms` : '—');

function connect(url: string, token: string): PlanningSocket {
  return io(`${url}/planning`, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
  });
}

async function openEditor(
  url: string,
  token: string,
  planId: string,
): Promise<{ socket: PlanningSocket; doc: Y.Doc; provider: PlanSyncProvider; ms: number }> {
  const t0 = now();
  const socket = connect(url, token);
  const doc = new Y.Doc();
  const provider = new PlanSyncProvider(socket, planId, doc, { ackTimeoutMs: 60_000 });
  await provider.whenSaved();
  return { socket, doc, provider, ms: now() - t0 };
}

function ask(child: ChildProcess, m: ToChild): Promise<FromChild> {
  return new Promise((resolve) => {
    child.once('message', (r: FromChild) => resolve(r));
    child.send(m);
  });
}

async function runBench(): Promise<void> {
  const started = now();
  const child = fork(fileURLToPath(import.meta.url), ['--server'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Extract<FromChild, { type: 'ready' }>>((resolve, reject) => {
    child.once('message', (m: FromChild) =>
      m.type === 'ready' ? resolve(m) : reject(new Error(m.type === 'error' ? m.message : 'unexpected')),
    );
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${ready.port}`;
  const { planId, tokens } = ready;
  try {
    // Load from the database (in the server process), before anything is compacted further.
    const load = (await ask(child, { type: 'measureLoad', runs: 10 })) as Extract<
      FromChild,
      { type: 'load' }
    >;
    // The very first join after the service started (includes the JIT warming up).
    const first = await openEditor(url, tokens[0], planId);
    const startup = first.ms;
    await first.provider.destroy();
    first.socket.disconnect();
    first.doc.destroy();
    // First sync, cold: the server does not hold the plan and loads it from the database.
    const cold: number[] = [];
    let last = first;
    for (let i = 0; i < 5; i++) {
      const evicted = (await ask(child, { type: 'evict' })) as Extract<FromChild, { type: 'evicted' }>;
      if (!evicted.ok) throw new Error('could not evict the plan');
      last = await openEditor(url, tokens[0], planId);
      cold.push(last.ms);
      if (i < 4) {
        await last.provider.destroy();
        last.socket.disconnect();
        last.doc.destroy();
      }
    }
    const chars = Object.values(planTexts(last.doc)).reduce(
      (n, t) => n + [...t].filter((c) => c !== '\n').length,
      0,
    );

    // Raw Yjs on the same document.
    const encodeTimes: number[] = [];
    const applyTimes: number[] = [];
    let stateBytes = 0;
    for (let r = 0; r < 15; r++) {
      const t0 = now();
      const state = Y.encodeStateAsUpdate(last.doc);
      encodeTimes.push(now() - t0);
      stateBytes = state.byteLength;
      const fresh = new Y.Doc();
      const t1 = now();
      Y.applyUpdate(fresh, state);
      applyTimes.push(now() - t1);
      fresh.destroy();
    }

    // First sync, warm: new clients while the server holds the plan.
    const warm: number[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await openEditor(url, tokens[1 + (i % EDITORS)], planId);
      warm.push(c.ms);
      await c.provider.destroy();
      c.socket.disconnect();
      c.doc.destroy();
    }

    // 20 editors typing at once.
    await last.provider.destroy();
    last.socket.disconnect();
    last.doc.destroy();
    const editors = await Promise.all(tokens.slice(1, EDITORS + 1).map((t) => openEditor(url, t, planId)));
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let measuring = false;
    for (const e of editors) {
      // Beside the provider: note when each relayed update arrives, keyed by its first struct's id.
      e.socket.on('sync', (payload: PlanSyncPayload) => {
        const at = now();
        const d = decoding.createDecoder(toBytes(payload.message));
        decoding.readVarUint(d);
        const { structs } = Y.decodeUpdate(decoding.readVarUint8Array(d));
        const first = structs[0];
        const sent = first ? sentAt.get(`${first.id.client}:${first.id.clock}`) : undefined;
        if (measuring && sent !== undefined) latencies.push(at - sent);
      });
    }
    const rnd = (() => {
      let s = 42;
      return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    })();
    let keystrokes = 0;
    const typeFor = (seconds: number) =>
      Promise.all(
        editors.map(async (e, i) => {
          const section = PLAN_SECTION_CODES[i % PLAN_SECTION_CODES.length];
          const fragment = e.doc.getXmlFragment(section);
          const until = now() + seconds * 1000;
          await new Promise((r) => setTimeout(r, rnd() * (1000 / KEYS_PER_SECOND)));
          while (now() < until) {
            // Like an editor binding: a caret in some paragraph, one character typed there.
            const paragraph = fragment.get(Math.floor(rnd() * fragment.length));
            const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : null;
            sentAt.set(`${e.doc.clientID}:${Y.getState(e.doc.store, e.doc.clientID)}`, now());
            if (text instanceof Y.XmlText) text.insert(Math.floor(rnd() * (text.length + 1)), '字');
            else insertText(e.doc, section, 0, '字');
            keystrokes++;
            await new Promise((r) => setTimeout(r, (1000 / KEYS_PER_SECOND) * (0.5 + rnd())));
          }
        }),
      );
    await typeFor(1); // warm-up
    measuring = true;
    keystrokes = 0;
    await ask(child, { type: 'statsStart' });
    const clientLoop = monitorEventLoopDelay({ resolution: 5 });
    clientLoop.enable();
    const clientCpu = process.cpuUsage();
    const typingStarted = now();
    await typeFor(SECONDS);
    const typingSeconds = (now() - typingStarted) / 1000;
    measuring = false;
    clientLoop.disable();
    const clientCpuUsed = process.cpuUsage(clientCpu);
    const serverStats = (await ask(child, { type: 'statsStop' })) as Extract<FromChild, { type: 'stats' }>;
    await Promise.all(editors.map((e) => e.provider.whenSaved()));
    const converged = editors.every(
      (e) => JSON.stringify(planTexts(e.doc)) === JSON.stringify(planTexts(editors[0].doc)),
    );
    for (const e of editors) {
      await e.provider.destroy();
      e.socket.disconnect();
      e.doc.destroy();
    }

    const rawEncode = pct(encodeTimes, 50);
    const rawApply = pct(applyTimes, 50);
    const ratio = (v: number, base: number) => `×${(v / base).toFixed(1)}`;
    const row = (label: string, xs: number[], vs: string): [string, string, string, string] => [
      label,
      ms(pct(xs, 50)),
      ms(pct(xs, 99)),
      vs,
    ];
    const rows: [string, string, string, string][] = [
      row('raw Yjs: encode whole document', encodeTimes, '1 (baseline)'),
      row('raw Yjs: apply to a fresh Y.Doc', applyTimes, '1 (baseline)'),
      row(
        'snapshot + tail → Y.Doc (bytes in memory)',
        load.bytesOnly,
        `${ratio(pct(load.bytesOnly, 50), rawApply)} raw apply`,
      ),
      row(
        'load from database (snapshot + tail → Y.Doc)',
        load.db,
        `${ratio(pct(load.db, 50), rawApply)} raw apply`,
      ),
      row(
        'first sync, cold (server loads from database)',
        cold,
        `${ratio(pct(cold, 50), rawEncode + rawApply)} raw encode+apply`,
      ),
      row(
        'first sync, warm (server holds the plan)',
        warm,
        `${ratio(pct(warm, 50), rawEncode + rawApply)} raw encode+apply`,
      ),
      row(`relay latency, ${EDITORS} editors typing`, latencies, 'keystroke → applied by the others'),
      row('  server: update received → stored + relayed', serverStats.submit, 'per update'),
      row(
        '  server: log append transaction',
        serverStats.append,
        `${serverStats.batch.toFixed(1)} updates per append`,
      ),
    ];
    const w = [48, 11, 11, 34];
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
    console.log('');
    console.log(
      `Planning bench — ${chars.toLocaleString('en')}-character plan, ${PLAN_SECTION_CODES.length} sections`,
    );
    console.log(
      `  history ${ready.history} updates, snapshot + ${ready.tail}-update tail (${(load.snapshotBytes / 1024).toFixed(0)} KiB + ${(load.tailBytes / 1024).toFixed(0)} KiB); whole-state update ${(stateBytes / 1024).toFixed(0)} KiB`,
    );
    console.log(
      `  database: ${ready.database}; server in a child process; ${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; Node ${process.version}`,
    );
    console.log('');
    console.log(line(['', 'p50', 'p99', 'vs raw Yjs / note']));
    for (const r of rows) console.log(line(r));
    console.log('');
    console.log(
      `  typing: ${EDITORS} editors × ~${KEYS_PER_SECOND} keys/s for ${typingSeconds.toFixed(1)} s = ${keystrokes} updates (${(keystrokes / typingSeconds).toFixed(0)}/s), each appended to the log before relay; ${latencies.length} deliveries measured; converged: ${converged ? 'yes' : 'NO'}`,
    );
    console.log(
      `  while typing: server CPU ${serverStats.cpuPercent.toFixed(0)}%, server event-loop lag p99 ${ms(serverStats.loopP99)}; load generator (all ${EDITORS} editors, this process) CPU ${(((clientCpuUsed.user + clientCpuUsed.system) / 1000 / (typingSeconds * 1000)) * 100).toFixed(0)}%, event-loop lag p99 ${ms(clientLoop.percentile(99) / 1e6)}`,
    );
    console.log(`  first join after the service started (JIT cold): ${ms(startup)}`);
    console.log(`  total bench time ${((now() - started) / 1000).toFixed(1)} s`);
    if (!converged) process.exitCode = 1;
  } finally {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.send({ type: 'stop' } satisfies ToChild);
    });
  }
}

if (process.argv.includes('--server')) {
  await runServer().catch((err: unknown) => {
    process.send?.({ type: 'error', message: String(err) } satisfies FromChild);
    process.exit(1);
  });
} else {
  await runBench();
}
