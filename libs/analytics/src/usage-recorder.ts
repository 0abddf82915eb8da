import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { applyUsageBatch } from './equity-aggregates.js';
import type { UsageRecord } from './usage-kinds.js';

const COLUMNS = [
  'kind',
  'occurred_at',
  'user_id',
  'school_id',
  'region_id',
  'resource_id',
  'lesson_id',
  'classroom_id',
  'plan_id',
  'pairing_id',
  'minutes',
  'quantity',
] as const;

export interface UsageRecorderOptions {
  /** Flush when this many events are waiting (at most 4,000: 12 parameters each). */
  batchSize?: number;
  /** Flush at least this often while events are waiting. */
  flushIntervalMs?: number;
  /** Waiting events beyond this are dropped (and logged) rather than growing memory without bound. */
  maxBuffered?: number;
}

/**
 * Buffers usage events in memory and writes them in batches: one transaction inserts the raw rows
 * and adds them to the equity aggregates. `record` never throws and never waits, so the request
 * that caused the event is neither slowed nor failed; a failed batch is logged and dropped (the
 * aggregates stay consistent with the raw table because both are in the same transaction).
 * `close()` flushes what is left (graceful shutdown).
 */
export class UsageRecorder {
  private readonly logger = new Logger('UsageRecorder');
  private buffer: UsageRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly dataSource: DataSource,
    options: UsageRecorderOptions = {},
  ) {
    this.batchSize = Math.min(options.batchSize ?? 500, 4000);
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxBuffered = options.maxBuffered ?? 100_000;
  }

  record(event: UsageRecord): void {
    if (this.closed) {
      this.logger.warn({ kind: event.kind }, 'usage event after shutdown dropped');
      return;
    }
    if (this.buffer.length >= this.maxBuffered) {
      this.logger.error({ kind: event.kind }, 'usage buffer full: event dropped');
      return;
    }
    this.buffer.push(event);
    if (this.buffer.length >= this.batchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes everything buffered so far; resolves when it is stored (or its failure logged). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing = this.flushing.then(async () => {
      while (this.buffer.length > 0) {
        const batch = this.buffer.splice(0, this.batchSize);
        try {
          await this.write(batch);
        } catch (err) {
          this.logger.error({ err, events: batch.length }, 'usage batch failed: events dropped');
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Inserts a batch and updates the aggregates in one transaction; returns the new ids. */
  async write(batch: UsageRecord[]): Promise<string[]> {
    if (batch.length === 0) return [];
    return this.dataSource.transaction(async (m) => {
      const params: unknown[] = [];
      const tuples = batch.map((e) => {
        const row = [
          e.kind,
          e.occurredAt.toISOString(),
          e.userId ?? null,
          e.schoolId ?? null,
          e.regionId ?? null,
          e.resourceId ?? null,
          e.lessonId ?? null,
          e.classroomId ?? null,
          e.planId ?? null,
          e.pairingId ?? null,
          e.minutes ?? null,
          e.quantity ?? null,
        ];
        const start = params.length;
        params.push(...row);
        return `(${row.map((_, i) => `$${start + i + 1}`).join(', ')})`;
      });
      const inserted: { id: string }[] = await m.query(
        `INSERT INTO usage_events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} RETURNING id`,
        params,
      );
      const ids = inserted.map((r) => String(r.id));
      await applyUsageBatch(m, ids);
      return ids;
    });
  }
}
