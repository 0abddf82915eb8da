import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { loadConfig, type AppConfig } from '@tongke/config';
import { createTestDatabase, type TestDatabase } from '@tongke/database';
import { createApiApp } from '../../../apps/api/src/bootstrap.js';
import { createClassroomApp } from '../../../apps/classroom/src/bootstrap.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
export const WEB_DIST = join(REPO_ROOT, 'dist/web');
export const DEMO_PASSWORD = 'Tongke-demo-2026';

/** The product running in this process: the API (serving dist/web) and the classroom service. */
export interface RunningProduct {
  /** e.g. http://127.0.0.1:41234 — open pages relative to this. */
  baseUrl: string;
  realtimeUrl: string;
  config: AppConfig;
  close(): Promise<void>;
}

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Builds the web app when dist/web is missing or older than its sources (apps/web, the shared
 * contracts). A directory lock keeps parallel jest workers from building at the same time.
 */
export function ensureWebBuild(): void {
  const index = join(WEB_DIST, 'index.html');
  const sources = () =>
    Math.max(newestMtime(join(REPO_ROOT, 'apps/web')), newestMtime(join(REPO_ROOT, 'libs/contracts/src')));
  const fresh = () => existsSync(index) && statSync(index).mtimeMs >= sources();
  if (fresh()) return;

  const lock = join(REPO_ROOT, 'dist/.web-build.lock');
  mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A stale lock (a crashed build) is taken over after three minutes.
      if (Date.now() > deadline || statSync(lock).mtimeMs < Date.now() - 180_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (fresh()) return; // another worker built it while we waited
    const r = spawnSync(
      'npx',
      ['vite', 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'warn'],
      {
        cwd: REPO_ROOT,
        stdio: 'inherit',
        // Jest sets NODE_ENV=test, which would give a React development build.
        env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production' },
      },
    );
    if (r.status !== 0 || !existsSync(index)) throw new Error(`web build failed (exit ${r.status})`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Free TCP ports: all servers are held open together so the ports differ, then released. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((ok, fail) => {
          const s = createServer();
          s.once('error', fail);
          s.listen(0, '127.0.0.1', () => ok(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
  return ports;
}

/**
 * Boots the whole product in-process on free ports against a fresh database seeded with the demo
 * county (青山县), serving the built web app. `env` overrides any variable.
 */
export async function startProduct(env: Record<string, string> = {}): Promise<RunningProduct> {
  // The ports are free when chosen, but another test process may take one before the product
  // listens on it (the API takes a few seconds to build): then start again on new ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startProductOnce(env);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 3) throw e;
    }
  }
}

async function startProductOnce(env: Record<string, string>): Promise<RunningProduct> {
  ensureWebBuild();
  const db: TestDatabase = await createTestDatabase();
  const dataDir = db.env.TONGKE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tongke-browser-'));
  const [port, classroomPort] = await freePorts(2);
  const baseUrl = `http://127.0.0.1:${port}`;
  const realtimeUrl = `http://127.0.0.1:${classroomPort}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    CLASSROOM_PORT: String(classroomPort),
    PUBLIC_URL: baseUrl,
    REALTIME_PUBLIC_URL: realtimeUrl,
    CLASSROOM_INTERNAL_URL: realtimeUrl,
    ALLOWED_ORIGINS: baseUrl,
    TONGKE_DATA_DIR: dataDir,
    WEB_DIST_DIR: WEB_DIST,
    JWT_SECRET: 'browser-test-secret-browser-test-secret-0123',
    SEED_DEMO: 'true',
    LOG_LEVEL: 'silent',
    // Several logins per test file; the throttle itself is covered by the API tests.
    LOGIN_THROTTLE_LIMIT: '1000',
    ...db.env,
    ...env,
  });

  const opened: INestApplication[] = [];
  try {
    const { app: api } = await createApiApp(config, { logger: false });
    opened.push(api);
    const classroom = await createClassroomApp(config, { logger: false });
    opened.push(classroom);
    await classroom.listen(classroomPort, '127.0.0.1');
    await api.listen(port, '127.0.0.1');
  } catch (e) {
    for (const app of opened.reverse()) await app.close().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw e;
  }

  return {
    baseUrl,
    realtimeUrl,
    config,
    async close() {
      for (const app of opened.reverse()) await app.close().catch(() => undefined);
      await db.drop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
