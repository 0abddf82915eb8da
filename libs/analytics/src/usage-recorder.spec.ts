import type { DataSource, EntityManager } from 'typeorm';
import { UsageRecorder } from './usage-recorder.js';
import type { UsageRecord } from './usage-kinds.js';

/** A DataSource stand-in that keeps the raw inserts (or fails them). */
function fakeDataSource(fail = false) {
  const inserted: unknown[][] = [];
  let nextId = 1;
  const manager = {
    query: (sql: string, params: unknown[] = []) => {
      if (sql.startsWith('INSERT INTO usage_events')) {
        if (fail) return Promise.reject(new Error('database down'));
        const rows = params.length / 12;
        inserted.push(params);
        return Promise.resolve(Array.from({ length: rows }, () => ({ id: String(nextId++) })));
      }
      return Promise.resolve([]);
    },
  } as unknown as EntityManager;
  const ds = {
    transaction: <T>(fn: (m: EntityManager) => Promise<T>) => fn(manager),
  } as unknown as DataSource;
  return { ds, inserted, events: () => inserted.reduce((n, p) => n + p.length / 12, 0) };
}

const view = (i: number): UsageRecord => ({
  kind: 'resource_view',
  occurredAt: new Date(Date.UTC(2026, 8, 10, 2, 0, i)),
  userId: '00000000-0000-4000-8000-000000000001',
  schoolId: '00000000-0000-4000-8000-000000000002',
  resourceId: '00000000-0000-4000-8000-000000000003',
});

describe('UsageRecorder', () => {
  it('writes buffered events in batches of the configured size', async () => {
    const db = fakeDataSource();
    const recorder = new UsageRecorder(db.ds, { batchSize: 2, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i += 1) recorder.record(view(i));
    await recorder.flush();
    expect(db.events()).toBe(5);
    expect(db.inserted.map((p) => p.length / 12)).toEqual([2, 2, 1]);
  });

  it('never throws into the caller when the database fails (the batch is logged and dropped)', async () => {
    const failing = fakeDataSource(true);
    const recorder = new UsageRecorder(failing.ds, { flushIntervalMs: 60_000 });
    expect(() => recorder.record(view(1))).not.toThrow();
    await expect(recorder.flush()).resolves.toBeUndefined();
    expect(failing.events()).toBe(0);
  });

  it('writes what is still buffered when it is closed (graceful shutdown), and drops events after', async () => {
    const db = fakeDataSource();
    const recorder = new UsageRecorder(db.ds, { flushIntervalMs: 60_000 });
    recorder.record(view(1));
    recorder.record(view(2));
    await recorder.close();
    expect(db.events()).toBe(2);
    recorder.record(view(3));
    await recorder.flush();
    expect(db.events()).toBe(2);
  });
});
