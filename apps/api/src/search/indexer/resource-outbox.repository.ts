import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ResourceOutboxOp } from '@tongke/database';
import { DataSource, type EntityManager } from 'typeorm';

/** Outbox rows claimed for one batch, grouped by resource (each resource's rows in id order). */
export interface OutboxClaim {
  rows: { id: string; resourceId: string; op: ResourceOutboxOp; attempts: number }[];
  resourceIds: string[];
}

export interface OutboxLag {
  backlog: number;
  /** Age of the oldest unprocessed row, null when there is none. */
  oldestPendingMs: number | null;
}

/** Advisory-lock namespace of the search indexer (one lock per resource id, per transaction). */
const LOCK_PREFIX = 'tongke.search-indexer:';

/** node-postgres answers UPDATE … RETURNING through TypeORM as [rows, count]; PGlite as rows. */
function rowsOf<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return result as T[];
}

/**
 * SQL over `resource_outbox` (owned by the library, written in the same transaction as each
 * resource change) for the search indexer. The same statements run on PostgreSQL and PGlite.
 */
@Injectable()
export class ResourceOutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` unprocessed rows, oldest first, skipping rows another transaction holds
   * (FOR UPDATE SKIP LOCKED), then keeps only resources whose per-resource advisory lock this
   * transaction gets, and adds every other pending row of those resources. Two API instances thus
   * never sync the same resource at the same time, so an older state cannot overwrite a newer one.
   * The locks last as long as `m`'s transaction.
   */
  async claim(m: EntityManager, limit: number): Promise<OutboxClaim | null> {
    const first = rowsOf<{ resource_id: string }>(
      await m.query(
        `SELECT resource_id::text AS resource_id FROM resource_outbox
         WHERE processed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      ),
    );
    if (first.length === 0) return null;
    const candidates = [...new Set(first.map((r) => r.resource_id))];
    const locked = rowsOf<{ id: string }>(
      await m.query(
        `SELECT r.id::text AS id FROM unnest($1::uuid[]) AS r(id)
         WHERE pg_try_advisory_xact_lock(hashtextextended($2 || r.id::text, 0))`,
        [candidates, LOCK_PREFIX],
      ),
    ).map((r) => r.id);
    if (locked.length === 0) return { rows: [], resourceIds: [] };
    const rows = rowsOf<{ id: string; resource_id: string; op: ResourceOutboxOp; attempts: number }>(
      await m.query(
        `SELECT id::text AS id, resource_id::text AS resource_id, op, attempts FROM resource_outbox
         WHERE processed_at IS NULL AND resource_id = ANY($1::uuid[])
         ORDER BY id FOR UPDATE SKIP LOCKED`,
        [locked],
      ),
    );
    return {
      rows: rows.map((r) => ({
        id: r.id,
        resourceId: r.resource_id,
        op: r.op,
        attempts: Number(r.attempts),
      })),
      resourceIds: locked,
    };
  }

  async markProcessed(m: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await m.query(
      `UPDATE resource_outbox SET processed_at = now(), last_error = NULL
       WHERE id = ANY($1::bigint[]) AND processed_at IS NULL`,
      [ids],
    );
  }

  /** Counts a failed attempt; the rows stay pending. */
  async recordFailure(m: EntityManager, ids: string[], error: string): Promise<void> {
    if (ids.length === 0) return;
    await m.query(
      `UPDATE resource_outbox SET attempts = attempts + 1, last_error = $2
       WHERE id = ANY($1::bigint[]) AND processed_at IS NULL`,
      [ids, error.slice(0, 1000)],
    );
  }

  /** Sets rows aside: processed, with the error kept (a document the engine keeps refusing). */
  async deadLetter(m: EntityManager, ids: string[], error: string): Promise<void> {
    if (ids.length === 0) return;
    await m.query(
      `UPDATE resource_outbox SET processed_at = now(), attempts = attempts + 1, last_error = $2
       WHERE id = ANY($1::bigint[]) AND processed_at IS NULL`,
      [ids, `set aside: ${error}`.slice(0, 1000)],
    );
  }

  async lag(): Promise<OutboxLag> {
    const [row] = rowsOf<{ backlog: number; oldest_ms: number | string | null }>(
      await this.dataSource.query(
        `SELECT (SELECT count(*)::int FROM resource_outbox WHERE processed_at IS NULL) AS backlog,
                (SELECT (EXTRACT(EPOCH FROM clock_timestamp() - created_at) * 1000)::float8
                   FROM resource_outbox WHERE processed_at IS NULL ORDER BY id LIMIT 1) AS oldest_ms`,
      ),
    );
    return {
      backlog: Number(row?.backlog ?? 0),
      oldestPendingMs:
        row?.oldest_ms === null || row?.oldest_ms === undefined
          ? null
          : Math.max(0, Math.round(Number(row.oldest_ms))),
    };
  }

  /** The database's clock (the outbox's created_at comes from it). */
  async now(): Promise<Date> {
    const [row] = rowsOf<{ now: Date | string }>(
      await this.dataSource.query('SELECT clock_timestamp() AS now'),
    );
    return new Date(row?.now ?? Date.now());
  }

  /**
   * Makes rows created since `since` pending again, so changes that raced a full rebuild (and
   * may have been overwritten by it) are synced once more. Syncing is idempotent.
   */
  async requeueSince(since: Date): Promise<number> {
    const rows = rowsOf<{ n: number }>(
      await this.dataSource.query(
        `WITH r AS (UPDATE resource_outbox SET processed_at = NULL
                    WHERE processed_at IS NOT NULL AND created_at >= $1 RETURNING 1)
         SELECT count(*)::int AS n FROM r`,
        [since],
      ),
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Drops processed rows older than `olderThanMs` (set-aside rows are kept four times as long). */
  async prune(olderThanMs: number): Promise<number> {
    const rows = rowsOf<{ n: number }>(
      await this.dataSource.query(
        `WITH d AS (DELETE FROM resource_outbox
                    WHERE processed_at IS NOT NULL
                      AND processed_at < clock_timestamp()
                        - make_interval(secs => $1::float8 / 1000 * CASE WHEN last_error IS NULL THEN 1 ELSE 4 END)
                    RETURNING 1)
         SELECT count(*)::int AS n FROM d`,
        [olderThanMs],
      ),
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Live (not deleted) resource ids after `after`, in id order: the keyset pages of a rebuild. */
  async liveResourceIds(after: string | null, limit: number): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await this.dataSource.query(
        `SELECT id::text AS id FROM resources
         WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id > $1::uuid)
         ORDER BY id LIMIT $2`,
        [after, limit],
      ),
    );
    return rows.map((r) => r.id);
  }

  async liveResourceCount(): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await this.dataSource.query('SELECT count(*)::int AS n FROM resources WHERE deleted_at IS NULL'),
    );
    return Number(row?.n ?? 0);
  }
}
