import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ResearchGroupMemberRole } from './research-group-member.entity.js';

/**
 * The persistence of plan documents, shared by the API and the classroom service so that there is
 * one implementation of the log's rules:
 *
 * - an append takes the plan row lock (`head_seq = head_seq + n`), so sequence numbers are gapless
 *   per plan and commit in order: whoever has seen update n has seen every update before it;
 * - loading is the latest snapshot + the updates after it, read in one consistent database snapshot;
 * - a snapshot replaces older ones and prunes the updates it covers — except those after the
 *   plan's earliest named version, which version summaries attribute edits from.
 *
 * Bytes only: building Yjs documents is the callers' business.
 */
export interface PlanLogEntry {
  seq: number;
  update: Uint8Array;
  authorId: string;
  clientId: number | null;
  createdAt: Date;
}
export interface PlanLogState {
  headSeq: number;
  snapshot: { seq: number; state: Uint8Array } | null;
  /** Updates after the snapshot, up to headSeq, in order. */
  tail: PlanLogEntry[];
}
export interface PlanAppend {
  update: Uint8Array;
  authorId: string;
  clientId: number | null;
}
export interface PlanMembership {
  planId: string;
  groupId: string;
  regionId: string;
  role: ResearchGroupMemberRole;
}

interface UpdateRow {
  seq: string | number;
  update: Uint8Array;
  author_id: string;
  client_id: string | number | null;
  created_at: Date | string;
}

const APPEND_CHUNK = 500;

const bytes = (v: Uint8Array): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array(v));
const toEntry = (r: UpdateRow): PlanLogEntry => ({
  seq: Number(r.seq),
  update: bytes(r.update),
  authorId: r.author_id,
  clientId: r.client_id === null ? null : Number(r.client_id),
  createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
});
const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

@Injectable()
export class PlanLogStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Snapshot + tail, or null for an unknown plan. Pass `m` when already inside a transaction. */
  async load(planId: string, m?: EntityManager): Promise<PlanLogState | null> {
    const read = async (em: EntityManager): Promise<PlanLogState | null> => {
      const plan: { head_seq: string | number }[] = await em.query(
        'SELECT head_seq FROM lesson_plans WHERE id = $1',
        [planId],
      );
      if (plan.length === 0) return null;
      const headSeq = Number(plan[0].head_seq);
      const snaps: { seq: string | number; state: Uint8Array }[] = await em.query(
        'SELECT seq, state FROM plan_snapshots WHERE plan_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1',
        [planId, headSeq],
      );
      const snapshot = snaps.length ? { seq: Number(snaps[0].seq), state: bytes(snaps[0].state) } : null;
      const rows: UpdateRow[] = await em.query(
        `SELECT seq, update, author_id, client_id, created_at FROM plan_updates
         WHERE plan_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
        [planId, snapshot?.seq ?? 0, headSeq],
      );
      return { headSeq, snapshot, tail: rows.map(toEntry) };
    };
    return m ? read(m) : this.dataSource.transaction('REPEATABLE READ', read);
  }

  /** Updates with afterSeq < seq <= upToSeq, in order. */
  async between(planId: string, afterSeq: number, upToSeq?: number): Promise<PlanLogEntry[]> {
    const rows: UpdateRow[] = await this.dataSource.query(
      `SELECT seq, update, author_id, client_id, created_at FROM plan_updates
       WHERE plan_id = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq <= $3::bigint) ORDER BY seq`,
      [planId, afterSeq, upToSeq ?? null],
    );
    return rows.map(toEntry);
  }

  /** The lowest sequence number still in the log after `afterSeq`, to tell whether a range was pruned. */
  async firstRetainedAfter(planId: string, afterSeq: number): Promise<number | null> {
    const rows: { seq: string | number | null }[] = await this.dataSource.query(
      'SELECT min(seq) AS seq FROM plan_updates WHERE plan_id = $1 AND seq > $2',
      [planId, afterSeq],
    );
    return rows[0]?.seq === null || rows[0]?.seq === undefined ? null : Number(rows[0].seq);
  }

  /**
   * Appends updates atomically and returns their sequence numbers (first..head), or null for an
   * unknown plan. Up to APPEND_CHUNK entries go in one statement (its own transaction: one round
   * trip, one commit — the latency every edit pays before it is acknowledged); more are chunked in
   * a transaction. Pass `m` when already inside a transaction.
   */
  async append(
    planId: string,
    entries: readonly PlanAppend[],
    m?: EntityManager,
  ): Promise<{ firstSeq: number; headSeq: number } | null> {
    if (entries.length === 0) throw new Error('nothing to append');
    if (!m && entries.length <= APPEND_CHUNK) return this.appendStatement(this.dataSource, planId, entries);
    const write = async (em: EntityManager) => {
      let firstSeq = 0;
      let headSeq = 0;
      for (let at = 0; at < entries.length; at += APPEND_CHUNK) {
        const r = await this.appendStatement(em, planId, entries.slice(at, at + APPEND_CHUNK));
        if (!r) return null;
        if (at === 0) firstSeq = r.firstSeq;
        headSeq = r.headSeq;
      }
      return { firstSeq, headSeq };
    };
    return m ? write(m) : this.dataSource.transaction(write);
  }

  /** Bumps head_seq (taking the plan row lock until commit) and inserts the numbered updates, in one statement. */
  private async appendStatement(
    q: Pick<EntityManager, 'query'>,
    planId: string,
    chunk: readonly PlanAppend[],
  ): Promise<{ firstSeq: number; headSeq: number } | null> {
    const params: unknown[] = [planId, chunk.length];
    const values = chunk.map((e, i) => {
      params.push(i + 1, asBuffer(e.update), e.authorId, e.clientId);
      const b = params.length - 4;
      return `($${b + 1}::bigint, $${b + 2}::bytea, $${b + 3}::uuid, $${b + 4}::bigint)`;
    });
    const rows: { head_seq: string | number }[] = await q.query(
      `WITH bumped AS (
         UPDATE lesson_plans SET head_seq = head_seq + $2::bigint, updated_at = now() WHERE id = $1::uuid RETURNING head_seq
       ), stored AS (
         INSERT INTO plan_updates (plan_id, seq, update, author_id, client_id)
         SELECT $1::uuid, b.head_seq - $2::bigint + v.ord, v.update, v.author_id, v.client_id
         FROM bumped b, (VALUES ${values.join(', ')}) AS v(ord, update, author_id, client_id)
       ) SELECT head_seq FROM bumped`,
      params,
    );
    if (rows.length === 0) return null;
    const headSeq = Number(rows[0].head_seq);
    return { firstSeq: headSeq - chunk.length + 1, headSeq };
  }

  /** Head sequence numbers of plans (missing plans are absent from the map). */
  async heads(planIds: readonly string[]): Promise<Map<string, number>> {
    if (planIds.length === 0) return new Map();
    const rows: { id: string; head_seq: string | number }[] = await this.dataSource.query(
      'SELECT id, head_seq FROM lesson_plans WHERE id = ANY($1::uuid[])',
      [planIds],
    );
    return new Map(rows.map((r) => [r.id, Number(r.head_seq)]));
  }

  /**
   * Stores the state after update `seq` as the plan's snapshot (unless a newer one exists), drops
   * older snapshots and prunes the updates it covers that no version summary needs.
   */
  async writeSnapshot(planId: string, seq: number, state: Uint8Array): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const plan: unknown[] = await m.query('SELECT id FROM lesson_plans WHERE id = $1 FOR UPDATE', [planId]);
      if (plan.length === 0) return false;
      const latest: { seq: string | number | null }[] = await m.query(
        'SELECT max(seq) AS seq FROM plan_snapshots WHERE plan_id = $1',
        [planId],
      );
      if (latest[0]?.seq !== null && latest[0]?.seq !== undefined && Number(latest[0].seq) >= seq)
        return false;
      await m.query('INSERT INTO plan_snapshots (plan_id, seq, state) VALUES ($1, $2, $3)', [
        planId,
        seq,
        asBuffer(state),
      ]);
      await m.query('DELETE FROM plan_snapshots WHERE plan_id = $1 AND seq < $2', [planId, seq]);
      const versions: { seq: string | number | null }[] = await m.query(
        'SELECT min(seq) AS seq FROM plan_versions WHERE plan_id = $1',
        [planId],
      );
      const earliestVersion =
        versions[0]?.seq === null || versions[0]?.seq === undefined ? Infinity : Number(versions[0].seq);
      const pruneTo = Math.min(seq, earliestVersion);
      await m.query('DELETE FROM plan_updates WHERE plan_id = $1 AND seq <= $2', [planId, pruneTo]);
      return true;
    });
  }

  /** The caller's membership in the plan's group (active users only), or null: the one access query both apps use. */
  async membership(planId: string, userId: string): Promise<PlanMembership | null> {
    const rows: { group_id: string; region_id: string; role: ResearchGroupMemberRole }[] =
      await this.dataSource.query(
        `SELECT p.group_id, p.region_id, m.role
       FROM lesson_plans p
       JOIN research_group_members m ON m.group_id = p.group_id AND m.user_id = $2
       JOIN users u ON u.id = m.user_id AND u.disabled_at IS NULL
       WHERE p.id = $1`,
        [planId, userId],
      );
    return rows.length
      ? { planId, groupId: rows[0].group_id, regionId: rows[0].region_id, role: rows[0].role }
      : null;
  }
}
