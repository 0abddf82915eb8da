import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  LessonAttachment,
  LessonEventEnvelope,
  LessonRole,
  LessonState,
  LessonStatus,
} from '@tongke/contracts';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { EventDraft } from './lesson-rules.js';

export interface LessonRow {
  id: string;
  title: string;
  subject: string;
  status: LessonStatus;
  startsAt: Date;
  endsAt: Date;
  pairingId: string;
  regionId: string;
  hostId: string;
  hostName: string;
  attachments: LessonAttachment[];
  startedAt: Date | null;
  endedAt: Date | null;
  classrooms: { id: string; name: string; schoolId: string }[];
}

export interface AppendInput {
  lessonId: string;
  /** The seq the decision was made against; the append fails if the log has moved on. */
  expectedSeq: number;
  draft: EventDraft;
  actorId: string;
  actorRole: LessonRole;
  classroomId: string | null;
  /** `<userId>:<clientMsgId>`, unique per lesson. */
  msgKey: string;
  at: number;
  /** Checked before the append is sent: true drops it unsent as stale (its decision was voided). */
  void?: () => boolean;
}

export type AppendResult = { kind: 'appended'; seq: number } | { kind: 'stale' } | { kind: 'duplicate' };

type Query = <T>(sql: string, params: unknown[]) => Promise<T>;

/** The log as seen inside a transaction that holds the lesson row's lock. */
export interface LockedLessonLog {
  /** joint_lessons.last_seq and status, read under the lock. */
  head: { lastSeq: number; status: LessonStatus };
  eventsAfter(afterSeq: number, limit: number): Promise<LessonEventEnvelope[]>;
  seqOfMessage(msgKey: string): Promise<number | null>;
  append(input: AppendInput): Promise<AppendResult>;
}

interface EventRow {
  seq: string | number;
  type: string;
  actor_id: string;
  actor_role: string;
  classroom_id: string | null;
  client_msg_id: string | null;
  payload: unknown;
  created_at: Date | string;
}

/** From TypeORM (QueryFailedError) or straight from pg (DatabaseError). */
const isUniqueViolation = (e: unknown): boolean => {
  const err =
    e instanceof QueryFailedError
      ? (e.driverError as { code?: string } | undefined)
      : (e as { code?: string });
  return err?.code === '23505';
};

/** A pg Pool; absent in embedded mode, whose pool only hands out its one session. */
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

interface QueuedAppend {
  input: AppendInput;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 256;
/**
 * Appends wait this long to go out together: the sender's ack comes up to 20 ms later, but
 * PostgreSQL (on the same cores as the service, often) runs one statement for several events
 * instead of one per pen stroke. Live events are broadcast before their append, so this is not
 * on their path.
 */
const APPEND_LINGER_MS = 20;
/** Two batches in flight: one is being written while the next fills. */
const MAX_BATCHES_IN_FLIGHT = 2;

/** The lesson status an event moves the lesson to, if any. */
const statusAfter = (input: AppendInput): LessonStatus | null =>
  input.draft.type === 'lesson.started' ? 'live' : input.draft.type === 'lesson.ended' ? 'ended' : null;

/**
 * The multi-row form of the append. A lesson may have several consecutive events in one batch
 * (expected seqs n, n+1, …): one compare-and-set per lesson moves its head by their count, and
 * either all of that lesson's events go in or none does.
 */
const APPEND_BATCH_SQL = `WITH durability AS (SELECT set_config('synchronous_commit', $11, true)),
  input AS (
    SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::text[],
                         $9::timestamptz[], $10::jsonb[])
      AS i(lesson_id, expected, type, actor_id, actor_role, classroom_id, msg_key, status, at, payload)),
  grp AS (
    SELECT lesson_id, min(expected) AS expected, count(*) AS n,
           (array_agg(status ORDER BY expected DESC) FILTER (WHERE status IS NOT NULL))[1] AS status,
           (array_agg(at ORDER BY expected DESC) FILTER (WHERE status IS NOT NULL))[1] AS status_at
      FROM input GROUP BY lesson_id),
  head AS (
    UPDATE joint_lessons j
       SET last_seq = j.last_seq + g.n,
           status = COALESCE(g.status::lesson_status, j.status),
           started_at = CASE WHEN g.status = 'live' THEN g.status_at ELSE j.started_at END,
           ended_at = CASE WHEN g.status = 'ended' THEN g.status_at ELSE j.ended_at END
      FROM grp g
     WHERE j.id = g.lesson_id AND j.last_seq = g.expected AND j.status <> 'cancelled'
 RETURNING j.id)
INSERT INTO lesson_events (lesson_id, seq, type, actor_id, actor_role, classroom_id, client_msg_id, payload, created_at)
SELECT i.lesson_id, i.expected + 1, i.type, i.actor_id, i.actor_role, i.classroom_id, i.msg_key, i.payload, i.at
  FROM head JOIN input i ON i.lesson_id = head.id CROSS JOIN durability
RETURNING lesson_id, seq`;

/** The stored msg key is `<userId>:<clientMsgId>`; envelopes carry the client's own id. */
const clientIdOf = (key: string | null): string | null => (key ? key.slice(key.indexOf(':') + 1) : null);

export function rowToEnvelope(r: EventRow): LessonEventEnvelope {
  return {
    seq: Number(r.seq),
    type: r.type,
    at: new Date(r.created_at).getTime(),
    actor: { userId: r.actor_id, role: r.actor_role as LessonRole, classroomId: r.classroom_id },
    clientMsgId: clientIdOf(r.client_msg_id),
    payload: r.payload,
  } as LessonEventEnvelope;
}

/**
 * Durability of the append: it commits asynchronously (synchronous_commit off for that statement
 * only). The event is committed and visible to every session before the sender's ack, so a
 * restart or crash of the classroom service loses nothing acknowledged; only a crash of
 * PostgreSQL itself may lose the last few hundred milliseconds of lesson events (at most
 * 3 × wal_writer_delay), never half an event. Waiting for one WAL flush per pen stroke would put
 * the disk's fsync latency (tens of ms at p99 on the development machines) into every live event.
 * Clients that saw such lost events resync from a snapshot, since their seq is then ahead of the
 * log. Set to false to wait for the flush.
 */
export const ASYNC_EVENT_COMMIT = true;

/**
 * The lesson's event log and snapshots in PostgreSQL. The append is one statement: it bumps
 * `joint_lessons.last_seq` only if it still equals the seq the decision saw (compare-and-set,
 * so two classroom instances can never both append seq n+1) and inserts the event with it.
 */
@Injectable()
export class LessonLogRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async loadLesson(lessonId: string): Promise<LessonRow | null> {
    const rows: {
      id: string;
      title: string;
      subject: string;
      status: LessonStatus;
      starts_at: Date;
      ends_at: Date;
      pairing_id: string;
      region_id: string;
      host_id: string;
      host_name: string;
      attachments: LessonAttachment[];
      started_at: Date | null;
      ended_at: Date | null;
    }[] = await this.ds.query(
      `SELECT l.id, l.title, l.subject, l.status, l.starts_at, l.ends_at, l.pairing_id, l.region_id, l.host_id,
              u.display_name AS host_name, l.attachments, l.started_at, l.ended_at
         FROM joint_lessons l JOIN users u ON u.id = l.host_id
        WHERE l.id = $1`,
      [lessonId],
    );
    const r = rows[0];
    if (!r) return null;
    const rooms: { id: string; name: string; school_id: string }[] = await this.ds.query(
      `SELECT c.id, c.name, lc.school_id FROM lesson_classrooms lc JOIN classrooms c ON c.id = lc.classroom_id
        WHERE lc.lesson_id = $1 ORDER BY c.name`,
      [lessonId],
    );
    return {
      id: r.id,
      title: r.title,
      subject: r.subject,
      status: r.status,
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      pairingId: r.pairing_id,
      regionId: r.region_id,
      hostId: r.host_id,
      hostName: r.host_name,
      attachments: r.attachments ?? [],
      startedAt: r.started_at ? new Date(r.started_at) : null,
      endedAt: r.ended_at ? new Date(r.ended_at) : null,
      classrooms: rooms.map((c) => ({ id: c.id, name: c.name, schoolId: c.school_id })),
    };
  }

  /**
   * Appends one event. On PostgreSQL, appends that arrive while others are in flight are sent
   * together as one multi-row compare-and-set, so a busy instance makes few round trips instead
   * of one per pen stroke; when nothing is in flight an append goes out at once. A lesson's
   * appends are never in two statements at once (so its seqs reach the log in order): those
   * that arrive while one is in flight wait for the next batch. An append whose `void()` is true
   * when its batch is built is dropped unsent as stale.
   */
  append(input: AppendInput): Promise<AppendResult> {
    const prepared = this.prepared;
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      // Embedded PGlite (no pg pool) takes them one at a time, through the same queue, at once.
      if (!prepared) this.pump(this.q);
      else if (this.queue.length >= MAX_BATCH) this.pump(prepared);
      else
        this.linger ??= setTimeout(() => {
          this.linger = undefined;
          this.pump(prepared);
        }, APPEND_LINGER_MS);
    });
  }

  private linger?: NodeJS.Timeout;

  private queue: QueuedAppend[] = [];
  private inFlight = 0;
  /** Lessons with appends in a statement under way. */
  private readonly busyLessons = new Set<string>();

  private pump(prepared: Query): void {
    while (this.inFlight < MAX_BATCHES_IN_FLIGHT && this.queue.length > 0) {
      const batch: QueuedAppend[] = [];
      const rest: QueuedAppend[] = [];
      const next = new Map<string, number>();
      for (const item of this.queue) {
        const { lessonId, expectedSeq } = item.input;
        if (item.input.void?.()) {
          item.resolve({ kind: 'stale' });
        } else if (
          batch.length < (this.prepared ? MAX_BATCH : 1) &&
          !this.busyLessons.has(lessonId) &&
          (next.get(lessonId) ?? expectedSeq) === expectedSeq
        ) {
          batch.push(item);
          next.set(lessonId, expectedSeq + 1);
        } else {
          rest.push(item);
        }
      }
      this.queue = rest;
      if (batch.length === 0) return;
      for (const lessonId of next.keys()) this.busyLessons.add(lessonId);
      this.inFlight++;
      void this.flush(prepared, batch).finally(() => {
        for (const lessonId of next.keys()) this.busyLessons.delete(lessonId);
        this.inFlight--;
        this.pump(prepared);
      });
    }
  }

  private async flush(prepared: Query, batch: QueuedAppend[]): Promise<void> {
    if (batch.length === 1) {
      await this.appendWith(prepared, batch[0].input).then(batch[0].resolve, batch[0].reject);
      return;
    }
    try {
      const rows = await prepared<{ lesson_id: string; seq: string | number }[]>(APPEND_BATCH_SQL, [
        batch.map((b) => b.input.lessonId),
        batch.map((b) => b.input.expectedSeq),
        batch.map((b) => b.input.draft.type),
        batch.map((b) => b.input.actorId),
        batch.map((b) => b.input.actorRole),
        batch.map((b) => b.input.classroomId),
        batch.map((b) => b.input.msgKey),
        batch.map((b) => statusAfter(b.input)),
        batch.map((b) => new Date(b.input.at).toISOString()),
        batch.map((b) => JSON.stringify(b.input.draft.payload)),
        ASYNC_EVENT_COMMIT ? 'off' : 'on',
      ]);
      const appended = new Set(rows.map((r) => `${r.lesson_id}:${Number(r.seq)}`));
      for (const b of batch) {
        const seq = b.input.expectedSeq + 1;
        b.resolve(appended.has(`${b.input.lessonId}:${seq}`) ? { kind: 'appended', seq } : { kind: 'stale' });
      }
    } catch (e) {
      if (!isUniqueViolation(e)) {
        for (const b of batch) b.reject(e);
        return;
      }
      // One of them repeats a clientMsgId, so the statement did nothing: append one by one, in
      // order per lesson; after a lesson's first failure the rest of its events are stale.
      const byLesson = new Map<string, QueuedAppend[]>();
      for (const b of batch) byLesson.set(b.input.lessonId, [...(byLesson.get(b.input.lessonId) ?? []), b]);
      await Promise.all(
        [...byLesson.values()].map(async (items) => {
          let failed = false;
          for (const b of items) {
            if (failed) {
              b.resolve({ kind: 'stale' });
              continue;
            }
            const r = await this.appendWith(prepared, b.input).catch((err: unknown) => {
              b.reject(err);
              return null;
            });
            if (r) b.resolve(r);
            failed = r?.kind !== 'appended';
          }
        }),
      );
    }
  }

  /**
   * Runs `fn` in a transaction holding the lesson row's lock: nobody else appends to the lesson
   * until it commits. The fair path when optimistic appends keep losing to another instance.
   */
  withLock<T>(lessonId: string, fn: (log: LockedLessonLog) => Promise<T>): Promise<T> {
    return this.ds.transaction(async (m: EntityManager) => {
      const q: Query = (sql, params) => m.query(sql, params);
      const rows = await q<{ last_seq: string | number; status: LessonStatus }[]>(
        'SELECT last_seq, status FROM joint_lessons WHERE id = $1 FOR UPDATE',
        [lessonId],
      );
      if (!rows[0]) throw new Error(`lesson ${lessonId} vanished`);
      return fn({
        head: { lastSeq: Number(rows[0].last_seq), status: rows[0].status },
        eventsAfter: (afterSeq, limit) => this.eventsAfterWith(q, lessonId, afterSeq, limit),
        seqOfMessage: (msgKey) => this.seqOfMessageWith(q, lessonId, msgKey),
        append: (input) => this.appendWith(q, input),
      });
    });
  }

  private readonly q: Query = (sql, params) => this.ds.query(sql, params);

  /**
   * On PostgreSQL the hot append runs as a named prepared statement straight on the pool, so the
   * server parses and plans it once per connection instead of once per pen stroke.
   */
  private readonly prepared: Query | undefined = (() => {
    const pool = (this.ds.driver as unknown as { master?: unknown }).master as Partial<PgPool> | undefined;
    if (this.ds.options.type !== 'postgres' || typeof pool?.query !== 'function') return undefined;
    const query = pool.query.bind(pool);
    const names = new Map<string, string>();
    return async <T>(text: string, values: unknown[]) => {
      let name = names.get(text);
      if (!name) names.set(text, (name = `tongke_lesson_append_${names.size}`));
      return (await query({ name, text, values })).rows as T;
    };
  })();

  private async appendWith(q: Query, input: AppendInput): Promise<AppendResult> {
    const status = statusAfter(input);
    try {
      const rows = await q<{ seq: string | number }[]>(
        `WITH durability AS (SELECT set_config('synchronous_commit', $11, true)),
         head AS (
           UPDATE joint_lessons
              SET last_seq = last_seq + 1,
                  status = COALESCE($8::lesson_status, status),
                  started_at = CASE WHEN $8::text = 'live' THEN $9::timestamptz ELSE started_at END,
                  ended_at = CASE WHEN $8::text = 'ended' THEN $9::timestamptz ELSE ended_at END
            WHERE id = $1 AND last_seq = $2 AND status <> 'cancelled'
        RETURNING last_seq)
         INSERT INTO lesson_events (lesson_id, seq, type, actor_id, actor_role, classroom_id, client_msg_id, payload, created_at)
         SELECT $1, head.last_seq, $3, $4, $5, $6, $7, $10::jsonb, $9::timestamptz FROM head, durability
         RETURNING seq`,
        [
          input.lessonId,
          input.expectedSeq,
          input.draft.type,
          input.actorId,
          input.actorRole,
          input.classroomId,
          input.msgKey,
          status,
          new Date(input.at).toISOString(),
          JSON.stringify(input.draft.payload),
          ASYNC_EVENT_COMMIT ? 'off' : 'on',
        ],
      );
      const seq = rows[0]?.seq;
      return seq === undefined ? { kind: 'stale' } : { kind: 'appended', seq: Number(seq) };
    } catch (e) {
      // The whole statement rolled back: the head did not move.
      if (isUniqueViolation(e)) return { kind: 'duplicate' };
      throw e;
    }
  }

  /** The lesson's last `limit` message keys and their seqs, oldest first. */
  async recentMessages(lessonId: string, limit: number): Promise<[string, number][]> {
    const rows: { client_msg_id: string; seq: string | number }[] = await this.ds.query(
      `SELECT client_msg_id, seq FROM lesson_events
        WHERE lesson_id = $1 AND client_msg_id IS NOT NULL ORDER BY seq DESC LIMIT $2`,
      [lessonId, limit],
    );
    return rows.reverse().map((r) => [r.client_msg_id, Number(r.seq)]);
  }

  seqOfMessage(lessonId: string, msgKey: string): Promise<number | null> {
    return this.seqOfMessageWith(this.q, lessonId, msgKey);
  }

  /** Events after `afterSeq`, oldest first, at most `limit`. */
  eventsAfter(lessonId: string, afterSeq: number, limit: number): Promise<LessonEventEnvelope[]> {
    return this.eventsAfterWith(this.q, lessonId, afterSeq, limit);
  }

  private async seqOfMessageWith(q: Query, lessonId: string, msgKey: string): Promise<number | null> {
    const rows = await q<{ seq: string | number }[]>(
      `SELECT seq FROM lesson_events WHERE lesson_id = $1 AND client_msg_id = $2`,
      [lessonId, msgKey],
    );
    return rows[0] ? Number(rows[0].seq) : null;
  }

  private async eventsAfterWith(
    q: Query,
    lessonId: string,
    afterSeq: number,
    limit: number,
  ): Promise<LessonEventEnvelope[]> {
    const rows = await q<EventRow[]>(
      `SELECT seq, type, actor_id, actor_role, classroom_id, client_msg_id, payload, created_at
         FROM lesson_events WHERE lesson_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [lessonId, afterSeq, limit],
    );
    return rows.map(rowToEnvelope);
  }

  async latestSnapshot(lessonId: string): Promise<LessonState | null> {
    const rows: { state: LessonState }[] = await this.ds.query(
      `SELECT state FROM lesson_snapshots WHERE lesson_id = $1 ORDER BY seq DESC LIMIT 1`,
      [lessonId],
    );
    return rows[0]?.state ?? null;
  }

  /** `json` is the state serialised when its seq was reached (later events must not leak in). */
  async saveSnapshot(lessonId: string, seq: number, json: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO lesson_snapshots (lesson_id, seq, state) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING`,
      [lessonId, seq, json],
    );
  }
}
