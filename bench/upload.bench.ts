/**
 * Upload/download throughput of the library, through the API and directly to the same object
 * store, and the API's memory while it takes a 1 GB upload.
 *
 *   npm run bench:upload                      # 100 MB and 1 GB, embedded database, local disk
 *   BENCH_SIZES_MB=100 npm run bench:upload   # other sizes
 *   DATABASE_URL=postgres://… / S3_ENDPOINT=… # the same against PostgreSQL / S3 (MinIO)
 *
 * The API runs as a child process (its own heap and RSS, sampled from /proc/<pid>/status every
 * 50 ms); this process is the client. Uploads go through tus (one POST, one streamed PATCH,
 * including the server's finishing step: sniff, hash, store, commit), downloads through
 * GET /api/files/:id/download. "Direct" streams the same amount of (different) bytes straight
 * into the same ObjectStore with putContentAddressed, and reads it back with get(), in a process
 * of its own that loads only the storage library (support/direct-store.ts; in this process, the
 * client's, the same put was several times slower and swung between runs). "Bare HTTP"
 * serves the API's stored object from a plain node:http server in the API process (store.get()
 * piped into the response, nothing else): the ceiling any download over HTTP on this machine can
 * reach, since the client then receives and hashes on one thread. The payload is generated on the
 * fly (AES-CTR keystream behind an MP4 header), never held in memory.
 *
 * Neither side hashes its source while the clock runs. The direct put's source only generates
 * its bytes (a second sha256 on the one thread that also runs the store's own hashing slowed the
 * baseline and so flattered the API/direct ratio); the API client computes the digest of what it
 * will send before the clock starts (it checks the stored sha256 against it afterwards), since a
 * remote client's CPU is not the API's, and here both share two cores.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { principalOf } from '../apps/api/src/auth/auth.service.js';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { objectStoreConfigOf } from '../apps/api/src/library/storage/object-store.provider.js';
import { TokenService } from '@tongke/auth';
import { loadConfig, type AppConfig } from '@tongke/config';
import { createTestDatabase, Region, School, User, type TestDatabase } from '@tongke/database';
import { contentAddressedKey, createObjectStore } from '@tongke/storage';
import { payload } from './support/bench-payload.js';
import type { DirectReply, DirectRequest } from './support/direct-store.js';
import { cpuSecondsOf, rssOf } from './support/process-stats.js';
import { DataSource } from 'typeorm';

const MiB = 1024 * 1024;
const TIME_LIMIT_MS = 15 * 60 * 1000;
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

interface Ready {
  port: number;
  barePort: number;
  token: string;
}

function configFor(dataDir: string, dbEnv: Record<string, string>): AppConfig {
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'development',
    TONGKE_DATA_DIR: dataDir,
    JWT_SECRET,
    JWT_ACCESS_TTL_SECONDS: '3600',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    CLASSROOM_INTERNAL_URL: 'http://127.0.0.1:9',
    S3_ENDPOINT: process.env.S3_ENDPOINT,
    S3_ACCESS_KEY: process.env.S3_ACCESS_KEY,
    S3_SECRET_KEY: process.env.S3_SECRET_KEY,
    S3_BUCKET: process.env.S3_BUCKET,
    ...dbEnv,
  };
  return loadConfig(env);
}

// ---------------------------------------------------------------------------------------------
// The API, in the child process.

async function serve(dataDir: string, dbEnv: Record<string, string>): Promise<void> {
  const config = configFor(dataDir, dbEnv);
  const { app } = await createApiApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const ds = app.get(DataSource);
  const tag = Date.now().toString(36);
  const region = await ds.getRepository(Region).save({ name: `压测县 ${tag}`, code: `bench-${tag}` });
  const school = await ds.getRepository(School).save({
    regionId: region.id,
    name: `压测学校 ${tag}`,
    locale: 'urban',
    stages: ['junior'],
    enrolment: 100,
  });
  const user = await ds.getRepository(User).save({
    email: `bench-${tag}@bench.tongke.cn`,
    phone: null,
    displayName: '压测教师',
    passwordHash: 'not-a-hash',
    role: 'teacher',
    regionId: region.id,
    schoolId: school.id,
    isMasterTeacher: true,
    subjects: ['math'],
    disabledAt: null,
  });
  const address = app.getHttpServer().address() as { port: number };
  const store = createObjectStore(objectStoreConfigOf(config));
  await store.init();
  // How long the API's event loop kept other work waiting (read and reset by the client).
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  let since = performance.eventLoopUtilization();
  const bare = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/loop-delay') {
      const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
      const busy = performance.eventLoopUtilization(since).utilization;
      res.end(JSON.stringify({ p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max), busy }));
      loopDelay.reset();
      since = performance.eventLoopUtilization();
      return;
    }
    if (req.method === 'PUT') {
      // The request body straight into the store (nothing else): the ceiling of any upload over
      // HTTP on this machine.
      store.putContentAddressed(req, { contentType: 'video/mp4' }).then(
        (put) => res.end(JSON.stringify(put)),
        () => res.writeHead(500).end(),
      );
      return;
    }
    const key = url.searchParams.get('key') ?? '';
    store.get(key).then(
      (body) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        body.pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const ready: Ready = {
    port: address.port,
    barePort: (bare.address() as { port: number }).port,
    token: app.get(TokenService).signAccess(principalOf(user)),
  };
  process.send?.(ready);
  process.on('SIGTERM', () => {
    void app.close().finally(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------------------------
// The client and the report, in this process.

async function digestOf(source: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of source) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function request(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Readable,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (c: Buffer) => {
        hash.update(c);
        length += c.length;
        // Keep only small bodies (JSON answers); downloads are hashed, not kept.
        if (length <= MiB) chunks.push(c);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          sha256: hash.digest('hex'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

/** The direct side: a process of its own (support/direct-store.ts) with the same store. */
interface Direct {
  process: ChildProcess;
  put(size: number, seed: number): Promise<{ ms: number; key: string; sha256: string }>;
  get(key: string): Promise<{ ms: number; sha256: string }>;
  delete(key: string): Promise<void>;
}

/** Starts the direct side's process and waits until its store is ready. */
async function startDirect(config: ReturnType<typeof objectStoreConfigOf>): Promise<Direct> {
  const proc = fork(
    fileURLToPath(new URL('./support/direct-store.js', import.meta.url)),
    [JSON.stringify(config)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const pending = new Map<number, (reply: DirectReply) => void>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    proc.once('message', () => resolve());
    proc.once('exit', (code) => reject(new Error(`direct-store exited with ${code} before it was ready`)));
  });
  proc.on('message', (reply: DirectReply) => {
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const call = <R>(request: DirectRequest): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      pending.set(request.id, (reply) =>
        'error' in reply ? reject(new Error(`direct store: ${reply.error}`)) : resolve(reply as R),
      );
      proc.send(request);
    });
  return {
    process: proc,
    put: (size, seed) => call({ id: ++next, op: 'put', size, seed }),
    get: (key) => call({ id: ++next, op: 'get', key }),
    delete: (key) => call({ id: ++next, op: 'delete', key }),
  };
}

const mbps = (bytes: number, ms: number): number => bytes / MiB / (ms / 1000);
const fmt = (n: number): string => n.toFixed(1).padStart(7);

async function main(): Promise<void> {
  const sizesMb = (process.env.BENCH_SIZES_MB ?? '100,1024').split(',').map((s) => Number(s.trim()));
  const dataDir = await mkdtemp(join(tmpdir(), 'tongke-bench-upload-'));
  let db: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  let direct: Direct | undefined;
  const deadline = setTimeout(() => {
    console.error(`bench: over ${TIME_LIMIT_MS / 60000} minutes, giving up`);
    child?.kill('SIGKILL');
    process.exit(1);
  }, TIME_LIMIT_MS);
  try {
    db = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
    const dbEnv: Record<string, string> = db?.env.DATABASE_URL ? { DATABASE_URL: db.env.DATABASE_URL } : {};
    const config = configFor(dataDir, dbEnv);
    const started = Date.now();
    child = fork(process.argv[1] ?? '', ['--serve', dataDir, JSON.stringify(dbEnv)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const api = child;
    const ready = await new Promise<Ready>((resolve, reject) => {
      api.once('message', (m) => resolve(m as Ready));
      api.once('exit', (code) => reject(new Error(`API exited with ${code} before it was ready`)));
    });
    const pid = api.pid ?? 0;
    console.log(
      `API up in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${pid}, database ${config.database.kind}, storage ${config.storage.kind}); RSS ${(rssOf(pid).rss / MiB).toFixed(0)} MiB`,
    );
    const auth = { Authorization: `Bearer ${ready.token}` };
    const created = await request(
      ready.port,
      'POST',
      '/api/resources',
      { ...auth, 'Content-Type': 'application/json' },
      Readable.from([
        JSON.stringify({
          title: '压测 微课',
          subject: 'math',
          stage: 'junior',
          grade: '七年级',
          edition: 'pep',
          volume: 'first',
          resourceType: 'micro_lecture',
          license: 'cc-by-4.0',
        }),
      ]),
    );
    if (created.status !== 201)
      throw new Error(`create resource: ${created.status} ${created.body.toString()}`);
    const resourceId = (JSON.parse(created.body.toString()) as { id: string }).id;
    direct = await startDirect(objectStoreConfigOf(config));

    const repeat = Number(process.env.BENCH_REPEAT ?? 3);
    const upRows: string[] = [];
    const downRows: string[] = [];
    const cpu: string[] = [];
    let memory = '';
    let seed = 0;
    for (const sizeMb of sizesMb) {
      const size = sizeMb * MiB;
      // Best of `repeat` rounds, API and direct interleaved: other work on the machine only ever
      // slows a round down, so the best round is the closest to what the code itself can do.
      const best = {
        up: 0,
        down: 0,
        directUp: 0,
        directDown: 0,
        bareUp: 0,
        bareDown: 0,
        // The API's event-loop delay during its uploads, worst over the rounds (ms).
        loopP99: 0,
        loopMax: 0,
        loopBusy: [] as number[],
        // Peak RSS minus RSS before the upload, largest over the rounds (may be ≤ 0 if a GC ran).
        growth: -Infinity,
        baseline: 0,
        peak: 0,
        cpuUp: Infinity,
        cpuDown: Infinity,
      };
      for (let round = 0; round < repeat; round += 1) {
        // Through the API (tus); new bytes every round (identical ones would be deduplicated).
        seed += 1;
        // The digest of what is sent, computed before the clock starts: a remote client's CPU is
        // not the API's, and here the two share two cores (the direct put does not hash its
        // source either).
        const sent = await digestOf(payload(size, seed));
        await request(ready.barePort, 'GET', '/loop-delay', {}); // resets the histogram
        const baseline = rssOf(pid);
        let peak = baseline.rss;
        const sampler = setInterval(() => {
          peak = Math.max(peak, rssOf(pid).rss);
        }, 50);
        const cpu0 = cpuSecondsOf(pid);
        const t0 = Date.now();
        const post = await request(ready.port, 'POST', '/api/uploads', {
          ...auth,
          'Tus-Resumable': '1.0.0',
          'Upload-Length': String(size),
          'Upload-Metadata': `resourceId ${Buffer.from(resourceId).toString('base64')},filename ${Buffer.from(`压测-${sizeMb}MB-${round}.mp4`).toString('base64')}`,
        });
        if (post.status !== 201) throw new Error(`tus POST: ${post.status} ${post.body.toString()}`);
        const patch = await request(
          ready.port,
          'PATCH',
          new URL(String(post.headers.location), 'http://x').pathname,
          {
            ...auth,
            'Tus-Resumable': '1.0.0',
            'Upload-Offset': '0',
            'Content-Type': 'application/offset+octet-stream',
            'Content-Length': String(size),
          },
          payload(size, seed),
        );
        const upMs = Date.now() - t0;
        best.cpuUp = Math.min(best.cpuUp, cpuSecondsOf(pid) - cpu0);
        clearInterval(sampler);
        peak = Math.max(peak, rssOf(pid).rss);
        if (patch.status !== 200) throw new Error(`tus PATCH: ${patch.status} ${patch.body.toString()}`);
        const loop = JSON.parse(
          (await request(ready.barePort, 'GET', '/loop-delay', {})).body.toString(),
        ) as {
          p99: number;
          max: number;
          busy: number;
        };
        best.loopBusy.push(loop.busy);
        best.loopP99 = Math.max(best.loopP99, loop.p99);
        best.loopMax = Math.max(best.loopMax, loop.max);
        const file = JSON.parse(patch.body.toString()) as { id: string; sha256: string };
        if (file.sha256 !== sent) throw new Error('stored hash differs from the bytes sent');
        if (peak - baseline.rss > best.growth) {
          best.growth = peak - baseline.rss;
          best.baseline = baseline.rss;
          best.peak = peak;
        }

        // The same amount of new bytes over plain HTTP into the same store, in the API process.
        seed += 1;
        const bareSent = await digestOf(payload(size, seed));
        const t3 = Date.now();
        const bareUp = await request(
          ready.barePort,
          'PUT',
          '/',
          { 'Content-Length': String(size) },
          payload(size, seed),
        );
        const bareUpMs = Date.now() - t3;
        const barePut = JSON.parse(bareUp.body.toString()) as { key: string; sha256: string };
        if (bareUp.status !== 200 || barePut.sha256 !== bareSent)
          throw new Error(`bare upload: ${bareUp.status}`);
        await direct.delete(barePut.key);

        const cpu1 = cpuSecondsOf(pid);
        const t1 = Date.now();
        const down = await request(ready.port, 'GET', `/api/files/${file.id}/download`, auth);
        const downMs = Date.now() - t1;
        best.cpuDown = Math.min(best.cpuDown, cpuSecondsOf(pid) - cpu1);
        if (down.status !== 200 || down.sha256 !== file.sha256)
          throw new Error(`download: ${down.status}, hash mismatch`);

        // The same object from the bare HTTP server in the API process.
        const t4 = Date.now();
        const bareDown = await request(
          ready.barePort,
          'GET',
          `/?key=${contentAddressedKey(file.sha256)}`,
          {},
        );
        const bareMs = Date.now() - t4;
        if (bareDown.status !== 200 || bareDown.sha256 !== file.sha256)
          throw new Error(`bare download: ${bareDown.status}, hash mismatch`);

        // Directly into the same store, from a process of its own (see support/direct-store.ts).
        seed += 1;
        const put = await direct.put(size, seed);
        const directUpMs = put.ms;
        const back = await direct.get(put.key);
        const directDownMs = back.ms;
        if (back.sha256 !== put.sha256) throw new Error('direct read-back hash mismatch');
        await direct.delete(put.key);

        best.up = Math.max(best.up, mbps(size, upMs));
        best.down = Math.max(best.down, mbps(size, downMs));
        best.directUp = Math.max(best.directUp, mbps(size, directUpMs));
        best.directDown = Math.max(best.directDown, mbps(size, directDownMs));
        best.bareDown = Math.max(best.bareDown, mbps(size, bareMs));
        best.bareUp = Math.max(best.bareUp, mbps(size, bareUpMs));
      }
      const ratio = (a: number, b: number): string => (a / b).toFixed(2).padStart(5);
      const mb = `${String(sizeMb).padStart(6)} MB`;
      upRows.push(
        `${mb} | ${fmt(best.up)} | ${fmt(best.directUp)}   | ${ratio(best.up, best.directUp)} | ${fmt(best.bareUp)}   | ${ratio(best.up, best.bareUp)}    | ${String(best.loopP99).padStart(6)} / ${best.loopMax} | ${best.loopBusy.map((b) => `${Math.round(b * 100)}%`).join(' ')}`,
      );
      downRows.push(
        `${mb} | ${fmt(best.down)}  | ${fmt(best.directDown)}     | ${ratio(best.down, best.directDown)} | ${fmt(best.bareDown)}   | ${ratio(best.down, best.bareDown)}`,
      );
      cpu.push(
        `${String(sizeMb).padStart(6)} MB | API process CPU per GiB: upload ${((best.cpuUp * 1024) / sizeMb).toFixed(1)} s, download ${((best.cpuDown * 1024) / sizeMb).toFixed(1)} s`,
      );
      memory = `API RSS during the ${sizeMb} MB uploads: baseline ${(best.baseline / MiB).toFixed(0)} MiB, peak ${(best.peak / MiB).toFixed(0)} MiB, largest growth ${(best.growth / MiB).toFixed(1)} MiB (VmHWM over the whole run ${(rssOf(pid).hwm / MiB).toFixed(0)} MiB)`;
    }
    console.log('');
    console.log(
      `UPLOAD      (MiB/s, best of ${repeat} rounds)                           API event-loop delay (ms)`,
    );
    console.log(
      '  size    | API up  | direct up | ratio | bare HTTP up | API/bare | p99 / max during API uploads | busy, each round',
    );
    for (const row of upRows) console.log(row);
    console.log('');
    console.log(`DOWNLOAD    (MiB/s, best of ${repeat} rounds)`);
    console.log('  size    | API down | direct down | ratio | bare HTTP down | API/bare');
    for (const row of downRows) console.log(row);
    console.log('');
    for (const row of cpu) console.log(row);
    console.log(
      `(load average while running: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} CPUs)`,
    );
    console.log('');
    console.log(memory);
    child.kill('SIGTERM');
    await new Promise((resolve) => child?.once('exit', resolve));
  } finally {
    clearTimeout(deadline);
    direct?.process.kill('SIGKILL');
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    await db?.drop();
  }
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3] ?? '', JSON.parse(process.argv[4] ?? '{}') as Record<string, string>);
} else {
  await main();
}
