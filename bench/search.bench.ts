/**
 * Search latency through the real HTTP API, beside two baselines measured the same way.
 *
 *   npm run bench:search                        # 100k resources, embedded database and engine
 *   BENCH_DOCS=20000 npm run bench:search       # a smaller corpus
 *   BENCH_PHASE_MS=8000 npm run bench:search    # shorter phases (default 12 s each)
 *   DATABASE_URL=postgres://… / MEILI_URL=…     # PostgreSQL for the ILIKE baseline / Meilisearch
 *   SEARCH_THREAD=false npm run bench:search    # the embedded engine on the API thread (default: its own)
 *   BENCH_CLIENTS=50 BENCH_ENDPOINTS=floor,search   # subsets while iterating (endpoints: bare, floor, ilike,
 *                                                   # search (no result cache), cached, downloads)
 *
 * The API runs in a child process (its own heap and core, as in production); this process is
 * the client. The child generates the synthetic corpus of libs/search/bench (Chinese titles,
 * descriptions, ~600 characters of file text, 85 % published, mixed visibility over 3,000
 * schools in 60 counties), inserts the resources with bulk SQL (regions, schools and authors
 * too), and indexes the engine directly from the same documents (timed: the index build). The
 * timed requests then all go over HTTP with keep-alive, from 1, 10 and 50 closed-loop clients,
 * each client sending its next request when the previous one answered:
 *
 *   bare    GET /bench/bare — a fixed body from node:http alone, in the API process (what this machine's
 *           loopback, client and one event loop allow before any framework)
 *   floor   GET /api/client-config — a fixed body through the whole Nest/Fastify stack
 *   ilike   GET /bench/ilike — a naive PostgreSQL query: title/description ILIKE '%word%' for each
 *           word, the same filters and visibility, newest first, 20 rows and a total; no facets,
 *           no ranking, no Chinese segmentation, pinyin or traditional characters (served by a
 *           handler in front of Nest: if anything it flatters the baseline)
 *   search  GET /api/search — the product endpoint, with the result cache off, then on
 *   downloads  the result cache while BENCH_DOWNLOADS_PER_S (10)
 *           downloads a second are counted in the background, each with its outbox row: first
 *           written as plain upserts (as before 2026-12-07, when every indexed batch dropped the
 *           cached answers), then as `counters` rows (cached answers kept until they expire)
 *
 * for a mix of 30 teacher queries (a third with facet filters) by 16 viewers in different schools.
 * Each row also shows the CPU the API process (all its threads) and this client used, in cores, and
 * the p99/max of the API thread's event-loop delay: at 50 clients a request waits for whatever the
 * loop runs before it, so that delay is where the p99 comes from.
 *
 * Before the HTTP phases, the same mix is timed against the engine alone (the port call the API
 * makes, one at a time), so the report shows what the search costs apart from HTTP and Nest.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenService } from '@tongke/auth';
import { loadConfig, type AppConfig } from '@tongke/config';
import { createTestDatabase, type TestDatabase } from '@tongke/database';
import { SEARCH_FACET_NAMES, type SearchRequest, type SearchSortOrder } from '@tongke/contracts';
import {
  SearchEngine,
  ThreadedSearchEngine,
  type ResourceSearchDocument,
  type SearchViewer,
} from '@tongke/search';
import { DataSource } from 'typeorm';
import { Pool } from 'undici';
import { principalOf } from '../apps/api/src/auth/auth.service.js';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { enqueueResourceChange } from '../apps/api/src/library/resources/resource-outbox.js';
import { SearchIndexer } from '../apps/api/src/search/indexer/search-indexer.service.js';
import { SearchSettings } from '../apps/api/src/search/search.settings.js';
import { searchQueryOf, viewerOf } from '../apps/api/src/search/search.service.js';
import { isFlushable } from '../apps/api/src/search/search-engine.provider.js';
import { BENCH_REGIONS, BENCH_SCHOOLS, rng, syntheticDocs } from '../libs/search/bench/synthetic-corpus.js';
import { User } from '@tongke/database';

const DOCS = Number(process.env.BENCH_DOCS ?? 100_000);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 12_000);
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 4_000);
const CONCURRENCY = (process.env.BENCH_CLIENTS ?? '1,10,50').split(',').map(Number);
const ENDPOINTS = new Set(
  (process.env.BENCH_ENDPOINTS ?? 'bare,floor,ilike,search,cached,downloads').split(','),
);
const DOWNLOADS_PER_S = Number(process.env.BENCH_DOWNLOADS_PER_S ?? 10);
const USERS = 2_000;
/** The bare endpoint's body: about as long as the floor's (the client config). */
const BARE_BODY = Buffer.from(
  JSON.stringify({ realtimeUrl: 'http://127.0.0.1:3001', maxUploadBytes: 1073741824, locale: 'zh-CN' }),
);
const VIEWERS = 16;
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

/** Deterministic UUIDs per kind, so documents and rows agree. */
const uuid = (kind: number, n: number): string =>
  `00000000-0000-4000-${(0x8000 + kind).toString(16)}-${n.toString(16).padStart(12, '0')}`;
const regionId = (n: number): string => uuid(1, n);
const schoolId = (n: number): string => uuid(2, n);
const userId = (n: number): string => uuid(3, n);
const numberIn = (s: string): number => Number(/(\d+)$/.exec(s)?.[1] ?? 0);
const LOCALES = ['urban', 'town', 'rural'] as const;

interface Ready {
  type: 'ready';
  port: number;
  tokens: string[];
  docs: number;
  reused: boolean;
  dbInsertMs: number;
  indexMs: number;
  flushMs: number;
  /** One resource re-indexed and persisted (upsert + flush), as the outbox worker does per batch. */
  oneChangeMs: number;
  oneCountMs: number;
  heapMb: number;
  /** The embedded engine's thread heap, when it runs on one. */
  engineHeapMb: number | null;
  engine: string;
  database: string;
}

interface Settings {
  type: 'settings';
  resultCacheSize: number;
  /** Downloads counted per second while the phase runs (0: none), and the outbox row they write. */
  downloadsPerSecond?: number;
  downloadOp?: 'counters' | 'upsert';
}

/** Asks the child to time the engine alone (see engineAlone). */
interface EngineRequest {
  type: 'engine';
  rounds: number;
}

/** Asks the child for its CPU time so far (all its threads), and its event-loop delay since the last ask. */
interface CpuRequest {
  type: 'cpu';
}

interface CpuReport {
  type: 'cpu';
  micros: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

interface EngineTiming {
  type: 'engine';
  calls: number;
  p50: number;
  p99: number;
  mean: number;
  /** Each question once, right after a write of a document's text (nothing kept per question). */
  coldCalls: number;
  coldP50: number;
  coldMax: number;
  coldMean: number;
}

// ---------------------------------------------------------------------------------------------
// The API, in the child process.

function childConfig(dataDir: string, db: TestDatabase): AppConfig {
  return loadConfig({
    NODE_ENV: 'production',
    TONGKE_DATA_DIR: dataDir,
    JWT_SECRET,
    JWT_ACCESS_TTL_SECONDS: '7200',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    CLASSROOM_INTERNAL_URL: 'http://127.0.0.1:9',
    MEILI_URL: process.env.MEILI_URL,
    MEILI_MASTER_KEY: process.env.MEILI_MASTER_KEY,
    MEILI_INDEX: process.env.MEILI_URL ? `bench_${Date.now().toString(36)}` : undefined,
    SEARCH_THREAD: process.env.SEARCH_THREAD,
    ...db.env,
  });
}

/** The synthetic documents with their people and places mapped to the rows inserted for them. */
function* corpus(): Generator<ResourceSearchDocument> {
  for (const d of syntheticDocs({ docs: DOCS })) {
    const school = numberIn(d.schoolId);
    yield {
      ...d,
      authorId: userId(numberIn(d.authorId) % USERS),
      schoolId: schoolId(school),
      regionId: regionId(school % BENCH_REGIONS),
      schoolLocale: LOCALES[school % 3] ?? 'urban',
    };
  }
}

async function insertRows(
  ds: DataSource,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<void> {
  const per = Math.max(1, Math.floor(30_000 / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params: unknown[] = [];
    const values = chunk.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(',')})`);
    await ds.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${values.join(',')}`, params);
  }
}

async function seedDatabase(ds: DataSource, docs: ResourceSearchDocument[]): Promise<void> {
  await insertRows(
    ds,
    'regions',
    ['id', 'name', 'code'],
    Array.from({ length: BENCH_REGIONS }, (_, i) => [regionId(i), `压测县${i}`, `bench-${i}`]),
  );
  await insertRows(
    ds,
    'schools',
    ['id', 'region_id', 'name', 'locale', 'stages', 'enrolment'],
    Array.from({ length: BENCH_SCHOOLS }, (_, i) => [
      schoolId(i),
      regionId(i % BENCH_REGIONS),
      `第${i}中学`,
      LOCALES[i % 3],
      '{primary,junior,senior}',
      300 + (i % 1500),
    ]),
  );
  await insertRows(
    ds,
    'users',
    ['id', 'email', 'display_name', 'password_hash', 'role', 'region_id', 'school_id'],
    Array.from({ length: USERS }, (_, i) => [
      userId(i),
      `bench-${i}@bench.tongke.cn`,
      `教师${i}`,
      'not-a-hash',
      'teacher',
      regionId((i % BENCH_SCHOOLS) % BENCH_REGIONS),
      schoolId(i % BENCH_SCHOOLS),
    ]),
  );
  await insertRows(
    ds,
    'resources',
    [
      'id',
      'title',
      'description',
      'subject',
      'stage',
      'grade',
      'edition',
      'volume',
      'unit',
      'lesson_period',
      'resource_type',
      'tags',
      'license',
      'author_id',
      'school_id',
      'region_id',
      'visibility',
      'status',
      'downloads',
      'rating_sum',
      'rating_count',
      'created_at',
    ],
    docs.map((d) => [
      d.id,
      d.title,
      d.description,
      d.subject,
      d.stage,
      d.grade,
      d.edition,
      d.volume,
      d.unit.slice(0, 120),
      d.lessonPeriod === null ? null : numberIn(d.lessonPeriod.replace(/\D+$/, '')) || null,
      d.resourceType,
      `{${d.tags.map((t) => `"${t.replace(/"/g, '')}"`).join(',')}}`,
      d.license,
      d.authorId,
      d.schoolId,
      d.regionId,
      d.visibility,
      d.status,
      d.downloads,
      Math.round(d.ratingAvg * d.ratingCount),
      d.ratingCount,
      new Date(d.createdAt),
    ]),
  );
  await ds.query('ANALYZE');
}

interface IlikeRow {
  id: string;
  title: string;
  description: string;
  subject: string;
  grade: string;
  downloads: number;
  created_at: Date;
  total: number;
}

/** The naive baseline: every word as a substring of title or description. */
function ilikeHandler(ds: DataSource, tokens: TokenService) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const principal = tokens.verifyAccess(/^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!principal) {
      res.writeHead(401).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const words = (url.searchParams.get('q') ?? '').split(/\s+/).filter(Boolean);
    const params: unknown[] = [principal.userId, principal.regionId, principal.schoolId];
    const where = [
      'deleted_at IS NULL',
      `(author_id = $1 OR (status = 'published' AND (visibility = 'public' OR (visibility = 'district' AND region_id = $2) OR (visibility = 'school' AND school_id = $3))))`,
    ];
    for (const w of words) {
      params.push(`%${w.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
      where.push(`(title ILIKE $${params.length} OR description ILIKE $${params.length})`);
    }
    for (const facet of ['subject', 'stage', 'grade', 'edition', 'volume', 'resource_type'] as const) {
      const value = url.searchParams.get(facet === 'resource_type' ? 'resourceType' : facet);
      if (!value) continue;
      params.push(value.split(','));
      where.push(`${facet} = ANY($${params.length})`);
    }
    const rows = await ds.query<IlikeRow[]>(
      `SELECT id, title, description, subject, grade, downloads, created_at, count(*) OVER ()::int AS total
       FROM resources WHERE ${where.join(' AND ')} ORDER BY created_at DESC LIMIT 20`,
      params,
    );
    const body = JSON.stringify({ total: rows[0]?.total ?? 0, hits: rows.map(({ total: _t, ...r }) => r) });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  };
}

/** BENCH_DATA_DIR keeps the embedded database and index between runs (to iterate on the HTTP path). */
async function benchDatabase(): Promise<{ dataDir: string; db: TestDatabase; keep: boolean }> {
  const keepDir = process.env.BENCH_DATA_DIR;
  if (keepDir && !process.env.DATABASE_URL) {
    mkdirSync(keepDir, { recursive: true });
    return {
      dataDir: keepDir,
      db: { target: { kind: 'embedded' }, env: {}, drop: () => Promise.resolve() },
      keep: true,
    };
  }
  const db = await createTestDatabase();
  return {
    dataDir: db.env.TONGKE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tongke-search-bench-')),
    db,
    keep: false,
  };
}

/**
 * Counts downloads in the background as the library does (`DownloadsService.countDownload`: the
 * count and its outbox row in one transaction), spread over published resources, so the
 * indexer keeps writing to the index while the clients search. `op` 'upsert' is what a download
 * wrote before counts had a kind of their own (every batch then dropped the cached answers).
 */
function downloadCounter(ds: DataSource): (perSecond: number, op: 'counters' | 'upsert') => Promise<void> {
  let timer: NodeJS.Timeout | null = null;
  let ids: string[] = [];
  return async (perSecond, op) => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (perSecond <= 0) return;
    if (ids.length === 0)
      ids = (
        await ds.query<{ id: string }[]>(
          "SELECT id::text AS id FROM resources WHERE status = 'published' ORDER BY id LIMIT 5000",
        )
      ).map((r) => r.id);
    let n = 0;
    timer = setInterval(() => {
      const id = ids[(n++ * 7919) % ids.length] ?? '';
      void ds
        .transaction(async (m) => {
          await m.query('UPDATE resources SET downloads = downloads + 1 WHERE id = $1', [id]);
          await enqueueResourceChange(m, id, op);
        })
        .catch(() => undefined);
    }, 1000 / perSecond);
  };
}

async function serve(): Promise<void> {
  const { dataDir, db, keep } = await benchDatabase();
  const config = childConfig(dataDir, db);
  const { app } = await createApiApp(config, { logger: false });
  const ds = app.get(DataSource);
  const engine = app.get(SearchEngine);
  // The indexer rebuilds an empty index from a non-empty library at start-up: let that check
  // pass on the empty database before the rows go in (this bench indexes them itself).
  await app.get(SearchIndexer).started;

  const [{ n: existing }] = await ds.query<{ n: number }[]>('SELECT count(*)::int AS n FROM resources');
  const reused = keep && existing >= DOCS && (await engine.count()) >= DOCS;
  let dbInsertMs = Number.NaN;
  let indexMs = Number.NaN;
  let flushMs = Number.NaN;
  let count = existing;
  if (!reused) {
    if (existing > 0) throw new Error(`BENCH_DATA_DIR ${dataDir} holds another corpus: remove it`);
    const docs = [...corpus()];
    count = docs.length;
    let t = performance.now();
    await seedDatabase(ds, docs);
    dbInsertMs = performance.now() - t;
    process.stderr.write(
      `  child: ${docs.length} resources inserted in ${(dbInsertMs / 1000).toFixed(1)} s; indexing…\n`,
    );
    t = performance.now();
    // One call: batches would let the embedded engine's 2 s snapshot timer interleave ever larger snapshots.
    await engine.upsert(docs);
    indexMs = performance.now() - t;
    t = performance.now();
    if (isFlushable(engine)) await engine.flush();
    flushMs = performance.now() - t;
  }
  // What the outbox worker pays to persist a change at this size: an edit of the text (the title)
  // and a download count (the same text: only the columns change). The median of five each (the
  // first one also warms caches).
  let oneChangeMs = Number.NaN;
  let oneCountMs = Number.NaN;
  const first = corpus().next();
  if (isFlushable(engine) && !first.done) {
    const doc = first.value;
    const median = async (version: (i: number) => typeof doc): Promise<number> => {
      const times: number[] = [];
      for (let i = 1; i <= 5; i += 1) {
        const t = performance.now();
        await engine.upsert([version(i)]);
        await engine.flush();
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[2] ?? Number.NaN;
    };
    oneChangeMs = await median((i) => ({ ...doc, title: `${doc.title}（第${i}版）` }));
    oneCountMs = await median((i) => ({ ...doc, downloads: doc.downloads + i }));
    await engine.upsert([doc]);
  }
  global.gc?.();

  const tokenService = app.get(TokenService);
  const r = rng(7);
  const tokens: string[] = [];
  const viewers: SearchViewer[] = [];
  for (let i = 0; i < VIEWERS; i += 1) {
    const n = Math.floor(r() * USERS);
    const principal = principalOf({
      id: userId(n),
      role: 'teacher',
      regionId: regionId((n % BENCH_SCHOOLS) % BENCH_REGIONS),
      schoolId: schoolId(n % BENCH_SCHOOLS),
      isMasterTeacher: false,
      displayName: `教师${n}`,
    } as User);
    tokens.push(tokenService.signAccess(principal));
    viewers.push(viewerOf(principal));
  }

  const fastify = app.getHttpAdapter().getInstance();
  const ilike = ilikeHandler(ds, tokenService);
  const server = http.createServer((req, res) => {
    if (req.url === '/bench/bare') {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': BARE_BODY.length,
      });
      res.end(BARE_BODY);
      return;
    }
    if (req.url?.startsWith('/bench/ilike')) {
      ilike(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
      return;
    }
    fastify.routing(req, res);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const settings = app.get(SearchSettings);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const counting = downloadCounter(ds);
  process.on('message', (m: Settings | EngineRequest | CpuRequest) => {
    if (m.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({
        type: 'cpu',
        micros: user + system,
        loopP99Ms: loopDelay.percentile(99) / 1e6,
        loopMaxMs: loopDelay.max / 1e6,
      } satisfies CpuReport);
      loopDelay.reset();
      return;
    }
    if (m.type === 'engine') {
      const doc = first.done ? null : first.value;
      const edit =
        doc === null
          ? null
          : {
              apply: () => engine.upsert([{ ...doc, title: `${doc.title}（修订）` }]),
              undo: () => engine.upsert([doc]),
            };
      void engineAlone(engine, viewers, m.rounds, edit).then((timing) => process.send?.(timing));
      return;
    }
    if (m.type === 'settings') {
      settings.resultCacheSize = m.resultCacheSize;
      void counting(m.downloadsPerSecond ?? 0, m.downloadOp ?? 'counters').then(() =>
        process.send?.({ type: 'ack' }),
      );
    }
  });
  const ready: Ready = {
    type: 'ready',
    port: (server.address() as { port: number }).port,
    tokens,
    docs: count,
    reused,
    dbInsertMs,
    indexMs,
    flushMs,
    oneChangeMs,
    oneCountMs,
    heapMb: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
    engineHeapMb:
      engine instanceof ThreadedSearchEngine
        ? Math.round((await engine.memory()).heapUsedBytes / 1024 / 1024)
        : null,
    engine: config.search.kind,
    database: config.database.kind,
  };
  process.send?.(ready);
  process.on('SIGTERM', () => {
    server.close();
    void app
      .close()
      .then(() => db.drop())
      .finally(() => {
        if (!keep) rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      });
  });
}

/** A mix entry as the API's request (what its validation pipe makes of the URL parameters). */
function requestOf(params: string): SearchRequest {
  const p = new URLSearchParams(params);
  const req: SearchRequest = {
    ...(p.has('q') ? { q: p.get('q') ?? '' } : {}),
    ...(p.has('sort') ? { sort: p.get('sort') as SearchSortOrder } : {}),
    ...(p.has('page') ? { page: Number(p.get('page')) } : {}),
  };
  for (const facet of SEARCH_FACET_NAMES) {
    const values = p.get(facet);
    if (values) req[facet] = values.split(',');
  }
  return req;
}

/**
 * The engine alone: the mix's calls one at a time, each (query, viewer) pair `rounds` ÷ 16 times
 * (the first round not counted), through the same port call the API makes (with the engine on its
 * thread, the hop included): what the search costs apart from HTTP and Nest.
 */
async function engineAlone(
  engine: SearchEngine,
  viewers: SearchViewer[],
  rounds: number,
  edit: { apply: () => Promise<void>; undo: () => Promise<void> } | null,
): Promise<EngineTiming> {
  const queries = QUERIES.map((entry) => searchQueryOf(requestOf(entry.params)));
  // Every question asked once right after a write of a document's text, which drops what the
  // engine keeps per question (compiled form, shared base, highlights) and per word: what a
  // question nobody asked since the last write costs (words shared with an earlier question of
  // the mix are found again). The write is then undone, and the mix is timed warm.
  const cold: number[] = [];
  if (edit !== null) {
    await edit.apply();
    for (const [i, query] of queries.entries()) {
      const t = performance.now();
      const answer = await engine.searchAnswer(query, viewers[i % viewers.length], {
        disjunctiveFacets: true,
      });
      cold.push(performance.now() - t);
      answer.release?.();
    }
    await edit.undo();
  }
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const [i, query] of queries.entries()) {
      const viewer = viewers[(round + i) % viewers.length];
      const t = performance.now();
      const answer = await engine.searchAnswer(query, viewer, { disjunctiveFacets: true });
      answer.release?.();
      if (round > 0) times.push(performance.now() - t);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const coldSorted = [...cold].sort((a, b) => a - b);
  return {
    type: 'engine',
    calls: times.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length),
    coldCalls: cold.length,
    coldP50: percentile(coldSorted, 50),
    coldMax: coldSorted.at(-1) ?? Number.NaN,
    coldMean: cold.reduce((a, b) => a + b, 0) / Math.max(1, cold.length),
  };
}

// ---------------------------------------------------------------------------------------------
// The client and the report, in this process.

/** Teacher queries (URL parameters); facets marks the ones that filter. */
const QUERIES: { params: string; facets: boolean }[] = [
  ['q=方程', false],
  ['q=一元一次方程', false],
  ['q=七年级 一元一次方程 教案', false],
  ['q=七年级 一元一次方程 教案&edition=pep&volume=first', true],
  ['q=勾股定理 课件', false],
  ['q=3.1 勾股定理', false],
  ['q=數學 教學設計', false],
  ['q=数学', false],
  ['q=教学设计&sort=downloads', false],
  ['q=Unit 3 英语', false],
  ['q=yiyuanyici', false],
  ['q=yyyc', false],
  ['q=gougudingli', false],
  ['q=pythgoras', false],
  ['q=光合作用 导学案', false],
  ['q=浮力 PPT', false],
  ['q="化学方程式" 习题', false],
  ['q=人教版七年级数学上册一元一次方程教学设计', false],
  ['q=课堂小结 作业设计', false],
  ['sort=newest', false],
  ['subject=math&grade=七年级', true],
  ['sort=rating&schoolLocale=rural', true],
  ['q=教学&page=5', false],
  ['q=荷塘月色', false],
  ['q=二次函数 试卷&stage=junior', true],
  ['q=细胞&sort=newest', false],
  ['q=方程&subject=math&grade=七年级,八年级', true],
  ['q=古诗词鉴赏&stage=primary,junior&resourceType=courseware', true],
  ['q=课件&edition=pep&subject=chinese', true],
  ['q=英语 阅读&license=cc-by-4.0', true],
].map(([p, facets]) => ({
  params: String(p)
    .split('&')
    .map((kv) => {
      const [k, v = ''] = kv.split('=');
      return `${k}=${encodeURIComponent(v)}`;
    })
    .join('&'),
  facets: Boolean(facets),
}));

interface Sample {
  ms: number;
  facets: boolean;
  query: string;
}

interface PhaseResult {
  name: string;
  clients: number;
  samples: Sample[];
  wallMs: number;
  errors: number;
  bytes: number;
  /** CPU used during the timed part, in cores (1 = one core busy throughout): the API process (all its threads) and this client. */
  apiCores: number;
  clientCores: number;
  /** The API thread's event-loop delay during the phase (how long a ready request could wait behind other work). */
  loopP99Ms: number;
  loopMaxMs: number;
}

/**
 * One GET on the pool's keep-alive connections (undici: the client's own CPU per request is a
 * fraction of node:http's, and client and API share the machine's two cores).
 */
async function get(pool: Pool, path: string, token: string): Promise<{ status: number; bytes: number }> {
  const res = await pool.request({
    method: 'GET',
    path,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Buffer).length;
  return { status: res.statusCode, bytes };
}

/** The API child's CPU time so far, in microseconds. */
function childCpu(child: ChildProcess): Promise<CpuReport> {
  return new Promise((resolve) => {
    child.once('message', (m: CpuReport) => resolve(m));
    child.send({ type: 'cpu' } satisfies CpuRequest);
  });
}

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function phase(
  child: ChildProcess,
  name: string,
  port: number,
  tokens: string[],
  clients: number,
  path: (query: (typeof QUERIES)[number]) => string,
): Promise<PhaseResult> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: clients, pipelining: 1 });
  const samples: Sample[] = [];
  let errors = 0;
  let sent = 0;
  let bytes = 0;
  const r = rng(clients * 31 + name.length);
  // Warm the connections (and JIT) first; not measured.
  await Promise.all(
    Array.from({ length: clients }, (_, i) => get(pool, path(QUERIES[i % QUERIES.length]), tokens[0])),
  );
  const api0 = (await childCpu(child)).micros;
  const client0 = cpuMicros();
  const t0 = performance.now();
  const deadline = t0 + PHASE_MS;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline && sent < MAX_REQUESTS) {
        sent += 1;
        const query = QUERIES[Math.floor(r() * QUERIES.length)];
        const token = tokens[Math.floor(r() * tokens.length)];
        const t = performance.now();
        const { status, bytes: size } = await get(pool, path(query), token);
        const ms = performance.now() - t;
        bytes += size;
        if (status !== 200) errors += 1;
        else samples.push({ ms, facets: query.facets, query: query.params });
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const clientCores = (cpuMicros() - client0) / 1000 / wallMs;
  const api = await childCpu(child);
  const apiCores = (api.micros - api0) / 1000 / wallMs;
  await pool.close();
  return {
    name,
    clients,
    samples,
    wallMs,
    errors,
    bytes,
    apiCores,
    clientCores,
    loopP99Ms: api.loopP99Ms,
    loopMaxMs: api.loopMaxMs,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Stats {
  n: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

function stats(samples: Sample[], wallMs: number): Stats {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    n: ms.length,
    rps: (ms.length * 1000) / wallMs,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms[ms.length - 1] ?? Number.NaN,
  };
}

const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '—');
const pad = (s: string, n: number): string => s.padStart(n);
const padEnd = (s: string, n: number): string => s.padEnd(n);

function send(child: ChildProcess, m: Settings): Promise<void> {
  return new Promise((resolve) => {
    child.once('message', () => resolve());
    child.send(m);
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    `Search bench: ${DOCS.toLocaleString('en')} resources, phases of ${PHASE_MS / 1000} s (≤ ${MAX_REQUESTS} requests), ` +
      `clients ${CONCURRENCY.join('/')}, endpoints ${[...ENDPOINTS].join('/')}`,
  );
  console.log('Starting the API (child process): bulk insert, then the index build…');
  const child = fork(fileURLToPath(import.meta.url), ['serve'], {
    execArgv: [
      '--enable-source-maps',
      '--max-old-space-size=6144',
      '--expose-gc',
      ...(process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m: Ready) => resolve(m));
    child.once('exit', (code) => reject(new Error(`API child exited (${code}) before it was ready`)));
  });
  const build = (ready.indexMs / 1000).toFixed(1);
  const heapOfThread =
    ready.engineHeapMb === null
      ? ' (engine on the API thread)'
      : `, search thread heap ${ready.engineHeapMb} MB`;
  console.log(
    ready.reused
      ? `Ready: ${ready.docs.toLocaleString('en')} resources reused from BENCH_DATA_DIR (no index build this run), API heap ${ready.heapMb} MB${heapOfThread}`
      : `Ready: ${ready.docs.toLocaleString('en')} resources; database ${ready.database} (bulk insert ${(ready.dbInsertMs / 1000).toFixed(1)} s), ` +
          `engine ${ready.engine}: index build ${build} s (${Math.round((ready.docs * 1000) / ready.indexMs)} docs/s), ` +
          `snapshot ${(ready.flushMs / 1000).toFixed(1)} s, API heap ${ready.heapMb} MB${heapOfThread}`,
  );
  if (!Number.isNaN(ready.oneChangeMs))
    console.log(
      `One resource re-indexed and persisted (upsert + flush, what the outbox worker does per batch), median of 5: ` +
        `its title edited ${ready.oneChangeMs.toFixed(1)} ms, its download count ${ready.oneCountMs.toFixed(1)} ms`,
    );
  const { port, tokens } = ready;
  if (ENDPOINTS.has('search') || ENDPOINTS.has('cached')) {
    const engineTiming = await new Promise<EngineTiming>((resolve) => {
      child.once('message', (m: EngineTiming) => resolve(m));
      child.send({ type: 'engine', rounds: 49 } satisfies EngineRequest);
    });
    console.log(
      `Engine alone (searchAnswer: the page rendered as JSON, one call at a time, ${engineTiming.calls} calls of the ${QUERIES.length} queries × ${VIEWERS} viewers, ` +
        `${ready.engineHeapMb === null ? 'in the API process' : 'the hop to its thread included'}): ` +
        `p50 ${f1(engineTiming.p50)} ms, p99 ${f1(engineTiming.p99)} ms, mean ${f1(engineTiming.mean)} ms`,
    );
    if (engineTiming.coldCalls > 0)
      console.log(
        `  each question asked first after a write of a document's text (nothing kept per question), ${engineTiming.coldCalls} calls: ` +
          `p50 ${f1(engineTiming.coldP50)} ms, mean ${f1(engineTiming.coldMean)} ms, max ${f1(engineTiming.coldMax)} ms`,
      );
  }
  const searchPath = (q: (typeof QUERIES)[number]): string => `/api/search?${q.params}`;
  const results: PhaseResult[] = [];
  try {
    for (const clients of CONCURRENCY) {
      if (ENDPOINTS.has('bare'))
        results.push(await phase(child, 'bare node:http', port, tokens, clients, () => '/bench/bare'));
      if (ENDPOINTS.has('floor'))
        results.push(
          await phase(child, 'HTTP floor (fixed body)', port, tokens, clients, () => '/api/client-config'),
        );
      if (ENDPOINTS.has('ilike'))
        results.push(
          await phase(child, 'ILIKE (naive SQL)', port, tokens, clients, (q) => `/bench/ilike?${q.params}`),
        );
      if (ENDPOINTS.has('search')) {
        await send(child, { type: 'settings', resultCacheSize: 0 });
        results.push(await phase(child, 'search, no result cache', port, tokens, clients, searchPath));
      }
      if (ENDPOINTS.has('cached')) {
        await send(child, { type: 'settings', resultCacheSize: 500 });
        results.push(await phase(child, 'search, result cache', port, tokens, clients, searchPath));
      }
      if (ENDPOINTS.has('downloads')) {
        // The result cache while downloads are counted; each phase starts with an empty cache (a
        // new size starts a new one). First as before counts had an outbox kind of their own.
        for (const [size, op, name] of [
          [501, 'upsert', 'cache+dl, as edits'],
          [502, 'counters', 'cache+dl, as counts'],
        ] as const) {
          await send(child, {
            type: 'settings',
            resultCacheSize: size,
            downloadsPerSecond: DOWNLOADS_PER_S,
            downloadOp: op,
          });
          results.push(await phase(child, name, port, tokens, clients, searchPath));
        }
        await send(child, { type: 'settings', resultCacheSize: 500, downloadsPerSecond: 0 });
      }
      process.stdout.write(`  measured ${clients} client(s)\n`);
    }
  } finally {
    child.kill('SIGTERM');
  }

  const floor = new Map<number, Stats>();
  const ilike = new Map<number, Stats>();
  for (const r of results) {
    if (r.name.startsWith('HTTP floor')) floor.set(r.clients, stats(r.samples, r.wallMs));
    if (r.name.startsWith('ILIKE')) ilike.set(r.clients, stats(r.samples, r.wallMs));
  }
  const header =
    `${padEnd('endpoint', 26)}${pad('clients', 8)}${pad('requests', 9)}${pad('req/s', 8)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}` +
    `${pad('max ms', 9)}${pad('p99÷floor', 11)}${pad('p99÷ILIKE', 11)}${pad('errors', 8)}${pad('kB/resp', 9)}` +
    `${pad('API CPU', 9)}${pad('client CPU', 12)}${pad('loop p99/max', 14)}`;
  console.log(`\n${header}\n${'-'.repeat(header.length)}`);
  for (const r of results) {
    const s = stats(r.samples, r.wallMs);
    const fl = floor.get(r.clients);
    const il = ilike.get(r.clients);
    console.log(
      `${padEnd(r.name, 26)}${pad(String(r.clients), 8)}${pad(String(s.n), 9)}${pad(s.rps.toFixed(0), 8)}${pad(f1(s.p50), 9)}` +
        `${pad(f1(s.p99), 9)}${pad(f1(s.max), 9)}${pad(fl ? `${(s.p99 / fl.p99).toFixed(1)}×` : '', 11)}` +
        `${pad(il ? `${(s.p99 / il.p99).toFixed(2)}×` : '', 11)}${pad(String(r.errors), 8)}` +
        `${pad((r.bytes / Math.max(1, s.n + r.errors) / 1024).toFixed(1), 9)}` +
        `${pad(r.apiCores.toFixed(2), 9)}${pad(r.clientCores.toFixed(2), 12)}` +
        `${pad(`${f1(r.loopP99Ms)}/${f1(r.loopMaxMs)}`, 14)}`,
    );
  }

  console.log('\nsearch by query kind (p50 / p99 ms):');
  for (const r of results.filter((x) => x.name.startsWith('search') || x.name.startsWith('cache+dl'))) {
    const part = (facets: boolean): string => {
      const s = stats(
        r.samples.filter((x) => x.facets === facets),
        r.wallMs,
      );
      return `${f1(s.p50)} / ${f1(s.p99)}`;
    };
    console.log(
      `  ${padEnd(r.name, 26)} ${pad(String(r.clients), 3)} clients: without facets ${part(false)}, with facets ${part(true)}`,
    );
  }

  const single = results.find((r) => r.name === 'search, no result cache' && r.clients === 1);
  if (single) {
    console.log('\nsearch per query, 1 client, no result cache (p50 / p99 / max ms, n):');
    const byQuery = new Map<string, number[]>();
    for (const s of single.samples) byQuery.set(s.query, [...(byQuery.get(s.query) ?? []), s.ms]);
    const rows = [...byQuery].map(([q, ms]) => {
      ms.sort((a, b) => a - b);
      return [
        decodeURIComponent(q),
        percentile(ms, 50),
        percentile(ms, 99),
        ms.at(-1) ?? 0,
        ms.length,
      ] as const;
    });
    for (const [q, p50, p99, max, n] of rows.sort((a, b) => b[1] - a[1]))
      console.log(`  ${pad(f1(p50), 8)} ${pad(f1(p99), 8)} ${pad(f1(max), 8)} ${pad(String(n), 4)}  ${q}`);
  }

  const at50 = results.find((r) => r.name === 'search, no result cache' && r.clients === 50);
  const cached50 = results.find((r) => r.name === 'search, result cache' && r.clients === 50);
  if (at50 && cached50) {
    const plain = stats(at50.samples, at50.wallMs);
    const cached = stats(cached50.samples, cached50.wallMs);
    const verdict = (p99: number): string => (p99 <= 50 ? 'met' : 'NOT met');
    console.log(
      `\nTarget p99 ≤ 50 ms at 50 concurrent clients (${ready.engine} engine): ` +
        `without the result cache p99 ${f1(plain.p99)} ms — ${verdict(plain.p99)}; ` +
        `with it p99 ${f1(cached.p99)} ms — ${verdict(cached.p99)} (${QUERIES.length} queries × ${VIEWERS} viewers, drawn at random).`,
    );
    const counted50 = results.find((r) => r.name === 'cache+dl, as counts' && r.clients === 50);
    if (counted50) {
      const counted = stats(counted50.samples, counted50.wallMs);
      console.log(
        `With the result cache while ${DOWNLOADS_PER_S} downloads a second are counted: p99 ${f1(counted.p99)} ms — ${verdict(counted.p99)}.`,
      );
    }
    const bare50 = results.find((r) => r.name === 'bare node:http' && r.clients === 50);
    const floor50 = floor.get(50);
    if (bare50 && floor50)
      console.log(
        `At 50 clients a fixed body alone has p99 ${f1(stats(bare50.samples, bare50.wallMs).p99)} ms from node:http ` +
          `and ${f1(floor50.p99)} ms through Nest/Fastify: the framework's share of the target is the difference.`,
      );
    console.log(
      `A closed loop of 50 clients on one event loop waits about 50 × the mean service time: at ${plain.rps.toFixed(0)} req/s ` +
        `that is ${f1((50 * 1000) / plain.rps)} ms per request before any tail.`,
    );
  }
  console.log(
    `\nTotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s on ${cpus().length} cores; ` +
      `load average at the end ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} (other work on the machine inflates every row alike).`,
  );
}

if (process.argv[2] === 'serve') await serve();
else await main();
