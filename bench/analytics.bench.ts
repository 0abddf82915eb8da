/**
 * Equity analytics at county scale: one school year of usage events for 200 schools.
 *
 *   DATABASE_URL=postgres://… npm run bench:analytics
 *   BENCH_EVENTS=2000000 …     # fewer generated events (default 5,000,000 plus the lesson events)
 *   BENCH_REQUESTS=600 …       # timed dashboard requests (default 600)
 *
 * Needs PostgreSQL (DATABASE_URL): five million rows are beyond the embedded single-session
 * PGlite. It creates and drops its own database. Steps, all printed:
 *
 *   1. A county of 200 schools (20 urban, 60 town, 120 rural; primary and junior), 6,000 teachers,
 *      180 classrooms, 20 pairings with 40 weekly joint lessons each, 20,000 library resources
 *      (a tenth rated ≥ 4 by three teachers), inserted with SQL.
 *   2. The raw events, generated in SQL (generate_series) from 2025-09-01 to 2026-08-31 Beijing time:
 *      resource views/previews/downloads (skewed towards popular resources and towards the more
 *      active, mostly urban, teachers), uploads, approvals, plan edits, preparation sessions, plus
 *      one lesson_held per held lesson and one lesson_attendance per classroom of it.
 *   3. Rebuild: every aggregate recomputed from the raw events in one transaction (timed).
 *   4. The incremental path on a sample: 20,000 events through the real UsageRecorder in batches
 *      of 500 (raw insert + aggregate upserts in one transaction each), then a second rebuild, and
 *      a check that both give the same aggregates.
 *   5. Dashboard latency through HTTP (the API in this process, keep-alive, one closed-loop
 *      client): district overviews (months and terms, both stages), school details and pairing
 *      details, p50/p99 each and overall.
 *   6. Baselines measured in the same run: a plain `SELECT 1` round trip, and the overview's
 *      simplest part (per-school monthly activity counts) answered from the raw events instead.
 */
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  rebuildEquity,
  refreshQuality,
  UsageRecorder,
  type UsageKind,
  type UsageRecord,
} from '@tongke/analytics';
import { TokenService } from '@tongke/auth';
import { loadConfig } from '@tongke/config';
import { createTestDatabase, User } from '@tongke/database';
import { DataSource } from 'typeorm';
import { principalOf } from '../apps/api/src/auth/auth.service.js';
import { createApiApp } from '../apps/api/src/bootstrap.js';

if (!process.env.DATABASE_URL) {
  console.error(
    'bench:analytics needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).\n' +
      'Five million events are beyond the embedded single-session database.',
  );
  process.exit(2);
}

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600);
const SAMPLE = 20_000;
const SCHOOLS = 200;
const URBAN = 20;
const TOWN = 60;
const TEACHERS_PER_SCHOOL = 30;
const TEACHERS = SCHOOLS * TEACHERS_PER_SCHOOL;
const RESOURCES = 20_000;
const WEEKS = 40;
const fmt = new Intl.NumberFormat('en');

/** Deterministic UUIDs per kind, the same in SQL (uuidSql) and here. */
const uuid = (kind: number, n: number): string =>
  `00000000-0000-4000-${(0x8000 + kind).toString(16)}-${n.toString(16).padStart(12, '0')}`;
const uuidSql = (kind: number, expr: string) =>
  `('00000000-0000-4000-${(0x8000 + kind).toString(16)}-' || lpad(to_hex((${expr})::int), 12, '0'))::uuid`;
const REGION = uuid(1, 1);
const DISTRICT = uuid(4, 1);
const school = (n: number) => uuid(2, n);

const pct = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function timed<T>(label: string, fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  const took = performance.now() - t;
  console.log(`  ${label.padEnd(52)} ${(took / 1000).toFixed(1)} s`);
  return { value, ms: took };
}

async function loadCounty(ds: DataSource): Promise<void> {
  await ds.query(`INSERT INTO regions (id, name, code) VALUES ($1, '基准县', 'bench-equity')`, [REGION]);
  await ds.query(
    `INSERT INTO schools (id, region_id, name, locale, stages, enrolment)
     SELECT ${uuidSql(2, 'n')}, $1, '基准' || n || '号学校',
       (CASE WHEN n <= ${URBAN} THEN 'urban' WHEN n <= ${URBAN + TOWN} THEN 'town' ELSE 'rural' END)::school_locale,
       CASE WHEN n % 10 < 7 THEN ARRAY['primary'] ELSE ARRAY['junior'] END,
       CASE WHEN n <= ${URBAN} THEN 1500 + (n * 97) % 1500 WHEN n <= ${URBAN + TOWN} THEN 400 + (n * 53) % 800
            ELSE 30 + (n * 31) % 370 END
     FROM generate_series(1, ${SCHOOLS}) n`,
    [REGION],
  );
  await ds.query(
    `INSERT INTO users (id, display_name, password_hash, role, region_id, school_id, is_master_teacher)
     SELECT ${uuidSql(3, 'n')}, '教师' || n, 'x', 'teacher', $1, ${uuidSql(2, `(n - 1) / ${TEACHERS_PER_SCHOOL} + 1`)},
            (n - 1) % ${TEACHERS_PER_SCHOOL} = 0
     FROM generate_series(1, ${TEACHERS}) n`,
    [REGION],
  );
  await ds.query(
    `INSERT INTO users (id, display_name, password_hash, role, region_id) VALUES ($1, '教育局', 'x', 'district_admin', $2)`,
    [DISTRICT, REGION],
  );
  await ds.query(
    `INSERT INTO classrooms (id, school_id, name) SELECT ${uuidSql(5, 'n')}, ${uuidSql(2, 'n')}, '一班'
     FROM generate_series(${URBAN + 1}, ${SCHOOLS}) n`,
  );
  // Urban school u leads partner schools URBAN + (u-1)·9 + 1 … URBAN + u·9.
  const per = (SCHOOLS - URBAN) / URBAN;
  await ds.query(
    `INSERT INTO pairings (id, region_id, urban_school_id, master_teacher_id, term, subjects, status, created_by_id, activated_at)
     SELECT ${uuidSql(6, 'u')}, $1, ${uuidSql(2, 'u')}, ${uuidSql(3, `(u - 1) * ${TEACHERS_PER_SCHOOL} + 1`)},
            '2025-2026-1', ARRAY['math'], 'active', $2, '2025-09-01'
     FROM generate_series(1, ${URBAN}) u`,
    [REGION, DISTRICT],
  );
  const partner = `${URBAN} + (u - 1) * ${per} + k`;
  await ds.query(
    `INSERT INTO pairing_partner_schools (pairing_id, school_id)
     SELECT ${uuidSql(6, 'u')}, ${uuidSql(2, partner)} FROM generate_series(1, ${URBAN}) u, generate_series(1, ${per}) k`,
  );
  await ds.query(
    `INSERT INTO pairing_classrooms (pairing_id, classroom_id)
     SELECT ${uuidSql(6, 'u')}, ${uuidSql(5, partner)} FROM generate_series(1, ${URBAN}) u, generate_series(1, ${per}) k`,
  );
  await ds.query(
    `INSERT INTO resources (id, title, subject, stage, grade, edition, volume, resource_type, license,
        author_id, school_id, region_id, visibility, status, published_at)
     SELECT ${uuidSql(7, 'n')}, '基准资源' || n, 'math', 'primary', '三年级', 'pep', 'first', 'courseware', 'cc-by-4.0',
            ${uuidSql(3, `1 + (n * 7919) % ${TEACHERS}`)}, ${uuidSql(2, `(n * 7919) % ${TEACHERS} / ${TEACHERS_PER_SCHOOL} + 1`)},
            $1, (CASE WHEN n % 11 = 0 THEN 'public' WHEN n % 5 = 0 THEN 'district' ELSE 'school' END)::resource_visibility,
            'published', '2025-08-01'
     FROM generate_series(1, ${RESOURCES}) n`,
    [REGION],
  );
  await ds.query(
    `INSERT INTO resource_ratings (resource_id, user_id, stars)
     SELECT ${uuidSql(7, 'n')}, ${uuidSql(3, `1 + (n * 13 + k * 101) % ${TEACHERS}`)}, 4 + (k % 2)
     FROM generate_series(10, ${RESOURCES}, 10) n, generate_series(1, 3) k`,
  );
  // 40 weekly lessons per pairing from 8 September 2025; every tenth scheduled but never held.
  await ds.query(
    `INSERT INTO joint_lessons (id, pairing_id, region_id, urban_school_id, host_id, title, subject, status,
        starts_at, ends_at, created_by_id)
     SELECT ${uuidSql(8, 'u * 100 + w')}, ${uuidSql(6, 'u')}, $1, ${uuidSql(2, 'u')},
            ${uuidSql(3, `(u - 1) * ${TEACHERS_PER_SCHOOL} + 1`)}, '专递课堂', 'math',
            (CASE WHEN w % 10 = 9 THEN 'scheduled' ELSE 'ended' END)::lesson_status,
            timestamptz '2025-09-08 09:00+08' + w * interval '7 days' + (u % 5) * interval '1 day',
            timestamptz '2025-09-08 09:40+08' + w * interval '7 days' + (u % 5) * interval '1 day', $2
     FROM generate_series(1, ${URBAN}) u, generate_series(0, ${WEEKS - 1}) w`,
    [REGION, DISTRICT],
  );
  await ds.query(
    `INSERT INTO lesson_classrooms (lesson_id, classroom_id, school_id)
     SELECT l.id, pc.classroom_id, c.school_id
     FROM joint_lessons l JOIN pairing_classrooms pc ON pc.pairing_id = l.pairing_id
     JOIN classrooms c ON c.id = pc.classroom_id`,
  );
}

const KINDS_SQL = `CASE WHEN r < 0.42 THEN 'resource_view' WHEN r < 0.57 THEN 'resource_preview'
  WHEN r < 0.72 THEN 'resource_download' WHEN r < 0.75 THEN 'resource_upload' WHEN r < 0.755 THEN 'resource_approval'
  WHEN r < 0.95 THEN 'plan_edit' ELSE 'prep_session' END`;

async function loadEvents(ds: DataSource): Promise<number> {
  await ds.query(
    `INSERT INTO usage_events (kind, occurred_at, user_id, school_id, region_id, lesson_id, pairing_id, minutes)
     SELECT 'lesson_held', l.ends_at, l.host_id, l.urban_school_id, l.region_id, l.id, l.pairing_id, 40
     FROM joint_lessons l WHERE l.status = 'ended'`,
  );
  await ds.query(
    `INSERT INTO usage_events (kind, occurred_at, school_id, region_id, lesson_id, classroom_id, pairing_id, minutes, quantity)
     SELECT 'lesson_attendance', l.ends_at, lc.school_id, l.region_id, l.id, lc.classroom_id, l.pairing_id,
            round((20 + random() * 20)::numeric, 1), 40
     FROM joint_lessons l JOIN lesson_classrooms lc ON lc.lesson_id = l.id WHERE l.status = 'ended'`,
  );
  // In chunks of 500k so progress shows and no single statement holds everything.
  const chunk = 500_000;
  for (let done = 0; done < EVENTS; done += chunk) {
    const n = Math.min(chunk, EVENTS - done);
    await ds.query(
      `INSERT INTO usage_events (kind, occurred_at, user_id, school_id, region_id, resource_id)
       SELECT k.kind, timestamptz '2025-09-01 00:00+08' + g.day * interval '1 day' + g.sec * interval '1 second',
              ${uuidSql(3, 'g.t')}, ${uuidSql(2, `(g.t - 1) / ${TEACHERS_PER_SCHOOL} + 1`)}, $1,
              CASE WHEN k.kind IN ('resource_view', 'resource_preview', 'resource_download')
                   THEN ${uuidSql(7, `1 + floor(${RESOURCES} * g.pop * g.pop)`)} END
       FROM (SELECT floor(random() * 365)::int AS day, floor(random() * 86400)::int AS sec,
                    1 + floor(${TEACHERS} * power(random(), 1.6))::int AS t, random() AS r, random() AS pop
             FROM generate_series(1, ${n})) g,
            LATERAL (SELECT ${KINDS_SQL.replace(/\br\b/g, 'g.r')} AS kind) k`,
      [REGION],
    );
    if (process.stdout.isTTY)
      process.stdout.write(`\r  ${fmt.format(done + n)} / ${fmt.format(EVENTS)} generated events`);
  }
  if (process.stdout.isTTY) process.stdout.write('\n');
  await ds.query('VACUUM ANALYZE usage_events');
  return Number((await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM usage_events'))[0].n);
}

/** A fingerprint of every aggregate table (row count and column sums). */
async function fingerprint(ds: DataSource): Promise<string> {
  const parts = await Promise.all([
    ds.query(`SELECT count(*), sum(views), sum(previews), sum(downloads), sum(uploads), sum(approvals), sum(plan_edits),
      sum(sessions_attended), sum(lessons_hosted), sum(minutes_hosted), sum(classroom_lessons), sum(attended_minutes),
      sum(lesson_minutes), sum(quality_resources), sum(hashtext(school_id::text || month::text || views || quality_resources))
      FROM equity_school_months`),
    ds.query(
      `SELECT count(*), sum(lessons_held), sum(minutes_held), sum(attended_minutes), sum(lesson_minutes) FROM equity_pairing_months`,
    ),
    ds.query(`SELECT count(*), sum(lessons), sum(attended_minutes) FROM equity_classroom_months`),
    ds.query(`SELECT count(*), sum(views), sum(previews), sum(downloads),
      sum(hashtext(school_id::text || month::text || resource_id::text || views)) FROM equity_school_resource_months`),
    ds.query(`SELECT count(*), count(*) FILTER (WHERE is_quality) FROM equity_resource_quality`),
  ]);
  return JSON.stringify(parts);
}

function sample(n: number): UsageRecord[] {
  const kinds: UsageKind[] = [
    'resource_view',
    'resource_preview',
    'resource_download',
    'resource_upload',
    'plan_edit',
  ];
  const out: UsageRecord[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = 1 + Math.floor(Math.random() * TEACHERS);
    const kind = kinds[i % kinds.length];
    out.push({
      kind,
      occurredAt: new Date(Date.parse('2026-03-01T00:00:00+08:00') + Math.random() * 120 * 86_400_000),
      userId: uuid(3, t),
      schoolId: school(Math.floor((t - 1) / TEACHERS_PER_SCHOOL) + 1),
      regionId: REGION,
      resourceId:
        kind.startsWith('resource_') && kind !== 'resource_upload'
          ? uuid(7, 1 + Math.floor(Math.random() * RESOURCES))
          : null,
    });
  }
  return out;
}

function get(agent: http.Agent, port: number, path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve(res.statusCode) : reject(new Error(`${path}: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
  });
}

async function main(): Promise<void> {
  console.log(
    `bench:analytics — ${SCHOOLS} schools, ${fmt.format(EVENTS)} generated events + lesson events; ` +
      `${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`,
  );
  const db = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    CLASSROOM_INTERNAL_URL: 'http://127.0.0.1:9',
    ...db.env,
  });
  const { app } = await createApiApp(config, { logger: false });
  try {
    const ds = app.get(DataSource);
    console.log('Loading:');
    await timed('county, people, pairings, lessons, resources', async () => {
      await loadCounty(ds);
      await ds.query('ANALYZE');
    });
    const loaded = await timed('raw usage events', () => loadEvents(ds));
    console.log(`  → ${fmt.format(loaded.value)} usage events in the raw table`);

    console.log('Rebuild (all aggregates from the raw events, one transaction):');
    const step = (name: string, took: number) =>
      console.log(`    ${name.padEnd(32)} ${(took / 1000).toFixed(1)} s`);
    const first = await timed('rebuild #1', () => rebuildEquity(ds, step));
    for (const [t, n] of Object.entries(first.value.rows))
      console.log(`    ${t.padEnd(32)} ${fmt.format(n)} rows`);
    for (const t of Object.keys(first.value.rows)) await ds.query(`VACUUM ANALYZE ${t}`);

    console.log(`Incremental path (${fmt.format(SAMPLE)} events through UsageRecorder, batches of 500):`);
    const recorder = app.get(UsageRecorder);
    const events = sample(SAMPLE);
    const batchMs: number[] = [];
    const inc = await timed('incremental writes', async () => {
      for (let i = 0; i < events.length; i += 500) {
        const t = performance.now();
        await recorder.write(events.slice(i, i + 500));
        batchMs.push(performance.now() - t);
      }
    });
    batchMs.sort((a, b) => a - b);
    console.log(
      `    ${fmt.format(Math.round((SAMPLE * 1000) / inc.ms))} events/s; per batch p50 ${ms(pct(batchMs, 50))}, p99 ${ms(pct(batchMs, 99))}`,
    );
    await ds.transaction((m) => refreshQuality(m));
    const incremental = await fingerprint(ds);
    const second = await timed('rebuild #2 (raw + sample)', () => rebuildEquity(ds));
    const agree = (await fingerprint(ds)) === incremental;
    console.log(`    incremental aggregates ${agree ? 'EQUAL' : 'DIFFER FROM'} the rebuilt ones`);

    const server = app.getHttpServer();
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    const district = await ds.getRepository(User).findOneByOrFail({ id: DISTRICT });
    const token = app.get(TokenService).signAccess(principalOf(district));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const months = [
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
    ];
    const periods = [...months, '2025-autumn', '2026-spring'];
    const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
    const kinds = {
      overview: () =>
        `/api/equity/districts/${REGION}/overview?period=${pick(periods)}&stage=${Math.random() < 0.7 ? 'primary' : 'junior'}`,
      school: () =>
        `/api/equity/schools/${school(1 + Math.floor(Math.random() * SCHOOLS))}?period=${pick(periods)}`,
      pairing: () =>
        `/api/equity/pairings/${uuid(6, 1 + Math.floor(Math.random() * URBAN))}?period=${pick(periods)}`,
    };
    for (let i = 0; i < 30; i += 1) await get(agent, port, kinds.overview(), token);
    const lat: Record<string, number[]> = { overview: [], school: [], pairing: [], all: [] };
    const started = performance.now();
    for (let i = 0; i < REQUESTS; i += 1) {
      const kind = i % 4 === 0 ? 'school' : i % 4 === 1 ? 'pairing' : 'overview';
      const t = performance.now();
      await get(agent, port, kinds[kind](), token);
      const took = performance.now() - t;
      lat[kind].push(took);
      lat.all.push(took);
    }
    const wall = performance.now() - started;
    const select1: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      const t = performance.now();
      await ds.query('SELECT 1');
      select1.push(performance.now() - t);
    }
    const raw: number[] = [];
    for (const month of ['2025-10', '2026-04', '2026-05']) {
      const t = performance.now();
      await ds.query(
        `SELECT school_id, count(*) FILTER (WHERE kind = 'resource_view'), count(*) FILTER (WHERE kind = 'resource_upload'),
                count(*) FILTER (WHERE kind = 'plan_edit'), count(DISTINCT resource_id)
         FROM usage_events WHERE region_id = $1 AND occurred_at >= $2::timestamptz AND occurred_at < $2::timestamptz + interval '1 month'
         GROUP BY school_id`,
        [REGION, `${month}-01T00:00:00+08:00`],
      );
      raw.push(performance.now() - t);
    }
    for (const xs of [...Object.values(lat), select1, raw]) xs.sort((a, b) => a - b);
    console.log(`Dashboard over HTTP (${REQUESTS} requests, 1 client, ${(wall / 1000).toFixed(1)} s):`);
    for (const [k, xs] of Object.entries(lat))
      console.log(
        `  ${k.padEnd(10)} n=${String(xs.length).padEnd(4)} p50 ${ms(pct(xs, 50)).padEnd(10)} p99 ${ms(pct(xs, 99))}`,
      );
    console.log('Baselines (same run):');
    console.log(`  SELECT 1 round trip             p50 ${ms(pct(select1, 50))}, p99 ${ms(pct(select1, 99))}`);
    console.log(`  one month's per-school counts from the raw events: median ${ms(pct(raw, 50))}`);
    console.log('Summary:');
    console.log(`  raw events                 ${fmt.format(second.value.events)}`);
    console.log(
      `  rebuild                    ${(first.ms / 1000).toFixed(1)} s (second run ${(second.ms / 1000).toFixed(1)} s)`,
    );
    console.log(`  incremental == rebuild     ${agree ? 'yes' : 'NO'}`);
    console.log(
      `  dashboard p50 / p99        ${ms(pct(lat.all, 50))} / ${ms(pct(lat.all, 99))} (target p99 ≤ 200 ms: ${pct(lat.all, 99) <= 200 ? 'met' : 'NOT met'})`,
    );
    console.log(`  dashboard p50 ÷ SELECT 1   ${(pct(lat.all, 50) / pct(select1, 50)).toFixed(1)}×`);
    console.log(
      `  raw-events answer ÷ dashboard overview p50   ${(pct(raw, 50) / pct(lat.overview, 50)).toFixed(1)}×`,
    );
    if (!agree) process.exitCode = 1;
  } finally {
    await app.close();
    await db.drop();
  }
}

await main();
