import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { PGlite, types, type Results } from '@electric-sql/pglite';

/**
 * A `pg`-compatible Pool over one embedded PGlite instance, for TypeORM's postgres driver.
 *
 * PGlite is a single session, so two TypeORM query runners sharing it would interleave their
 * transactions. This pool hands the session to one query runner at a time (a FIFO mutex released
 * when the runner releases its connection), which gives real transaction isolation at the cost
 * of concurrency — the right trade for a single-machine embedded mode. (typeorm-pglite, which
 * this replaces, shares the session without such a lock.)
 */
interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: Results['fields'];
}

type QueryCallback = (err: Error | null, result?: PgLikeResult) => void;

const instances = new Map<string, Promise<PGlite>>();

/** One PGlite per data directory per process (the API and classroom service share it in `npm start`). */
export function getEmbeddedDatabase(dataDir: string): Promise<PGlite> {
  let instance = instances.get(dataDir);
  if (!instance) {
    if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
    instance = PGlite.create({
      dataDir,
      serializers: {
        [types.BOOL]: (v: unknown) =>
          v === true || v === 'true' || v === 1
            ? 'TRUE'
            : v === false || v === 'false' || v === 0
              ? 'FALSE'
              : String(v),
      },
    });
    instances.set(dataDir, instance);
  }
  return instance;
}

export async function closeEmbeddedDatabase(dataDir: string): Promise<void> {
  const instance = instances.get(dataDir);
  if (!instance) return;
  instances.delete(dataDir);
  await (await instance).close();
}

class SessionLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(timeoutMs: number): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `embedded database busy for ${timeoutMs} ms: a query runner holds the session (nested connection use inside a transaction?)`,
          ),
        );
      }, timeoutMs);
      void previous.then(() => {
        clearTimeout(timer);
        resolve(release);
      });
    });
  }
}

const locks = new Map<string, SessionLock>();
const openPools = new Map<string, number>();

class EmbeddedConnection extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  query(sql: string, params?: unknown[] | QueryCallback, callback?: QueryCallback): Promise<PgLikeResult> {
    const cb = typeof params === 'function' ? params : callback;
    const values = Array.isArray(params) ? params : undefined;
    const command = (/^\s*(\w+)/.exec(sql)?.[1] ?? '').toUpperCase();
    const run: Promise<PgLikeResult> =
      values && values.length > 0
        ? this.db.query(sql, values).then((r) => ({
            rows: r.rows,
            rowCount: r.affectedRows ?? r.rows.length,
            command,
            fields: r.fields,
          }))
        : this.db.exec(sql).then((all) => {
            const last = all[all.length - 1];
            return {
              rows: last?.rows ?? [],
              rowCount: last?.affectedRows ?? last?.rows.length ?? 0,
              command,
              fields: last?.fields ?? [],
            };
          });
    return run.then(
      (r) => {
        cb?.(null, r);
        return r;
      },
      (e: Error) => {
        cb?.(e);
        throw e;
      },
    );
  }
}

export function createEmbeddedPgDriver(dataDir: string, lockTimeoutMs = 30_000): { Pool: new () => unknown } {
  class Pool extends EventEmitter {
    private ended = false;

    constructor() {
      super();
      openPools.set(dataDir, (openPools.get(dataDir) ?? 0) + 1);
    }

    connect(
      callback: (err: Error | null, connection?: EmbeddedConnection, release?: () => void) => void,
    ): void {
      let lock = locks.get(dataDir);
      if (!lock) locks.set(dataDir, (lock = new SessionLock()));
      const currentLock = lock;
      void (async () => {
        try {
          if (this.ended) throw new Error('embedded database pool has ended');
          const db = await getEmbeddedDatabase(dataDir);
          const release = await currentLock.acquire(lockTimeoutMs);
          let released = false;
          callback(null, new EmbeddedConnection(db), () => {
            if (!released) {
              released = true;
              release();
            }
          });
        } catch (error) {
          callback(error as Error);
        }
      })();
    }

    end(callback?: (err: Error | null) => void): Promise<void> {
      if (this.ended) return Promise.resolve();
      this.ended = true;
      const remaining = (openPools.get(dataDir) ?? 1) - 1;
      openPools.set(dataDir, remaining);
      // The API and the classroom service share one instance in embedded mode: the last pool closes it.
      const done = (remaining > 0 ? Promise.resolve() : closeEmbeddedDatabase(dataDir)).then(
        () => callback?.(null),
        (e: Error) => callback?.(e),
      );
      return done;
    }
  }
  return { Pool };
}
