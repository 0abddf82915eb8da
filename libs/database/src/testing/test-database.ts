import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseTarget } from '../data-source.js';

/**
 * A fresh, empty database for one test file: a new database on the server named by
 * DATABASE_URL when it is set (so test files can run in parallel), else a new embedded PGlite
 * directory. `drop()` removes it.
 */
export interface TestDatabase {
  target: DatabaseTarget;
  /** What to put into the app's env to point it at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `tongke_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      target: { kind: 'postgres', url: url.toString(), poolSize: 5 },
      env: { DATABASE_URL: url.toString() },
      drop: async () => {
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tongke-db-'));
  return {
    target: { kind: 'embedded', embeddedDir: join(dir, 'pglite') },
    env: { TONGKE_DATA_DIR: dir },
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}
