import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PlanLogStore } from '@tongke/database';
import { LivePlanDoc, type PlanRelay } from './live-plan-doc.js';

/** When the background work runs; the defaults suit production, tests and the bench may shorten them. */
export const PLAN_SYNC_TUNING = {
  /** How often documents held here look for log entries written elsewhere (the API's restores). */
  followIntervalMs: 1000,
  /** Snapshot after this many updates since the last one… */
  snapshotEveryUpdates: 500,
  /** …or after this long with any update. */
  snapshotEveryMs: 60_000,
  /** Keep a document this long after its last socket left (reconnects find it warm). */
  idleCloseMs: 30_000,
};

/**
 * The plan documents this instance holds: opened on the first join, closed when idle, compacted
 * (snapshot) in the background, followed (log entries from elsewhere) and flushed on shutdown.
 */
@Injectable()
export class PlanDocRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PlanDocRegistry');
  private readonly docs = new Map<string, LivePlanDoc>();
  private readonly opening = new Map<string, Promise<LivePlanDoc | null>>();
  private relay: PlanRelay | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  closing = false;

  constructor(private readonly store: PlanLogStore) {}

  attachRelay(relay: PlanRelay): void {
    this.relay = relay;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), PLAN_SYNC_TUNING.followIntervalMs);
    this.timer.unref();
  }

  /** Graceful shutdown: finish queued work and snapshot every document, so a restart loads fast. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.opening.values()]);
    await Promise.all(
      [...this.docs.values()].map(async (d) => {
        await d.drained();
        await d.snapshot();
        d.destroy();
      }),
    );
    this.docs.clear();
  }

  get(planId: string): LivePlanDoc | undefined {
    const doc = this.docs.get(planId);
    return doc && !doc.broken ? doc : undefined;
  }

  /** The live document (loading it from the log if needed), or null for an unknown plan. */
  async open(planId: string): Promise<LivePlanDoc | null> {
    const live = this.docs.get(planId);
    if (live && !live.broken) return live;
    if (live) this.drop(live);
    let pending = this.opening.get(planId);
    if (!pending) {
      if (!this.relay) throw new Error('planning relay not attached');
      pending = LivePlanDoc.load(planId, this.store, this.relay, (err, what) =>
        this.logger.error({ err, planId, what }, 'plan document problem'),
      ).then(
        (doc) => {
          if (doc) this.docs.set(planId, doc);
          return doc;
        },
        (err: unknown) => {
          this.logger.error({ err, planId }, 'plan document load failed');
          throw err;
        },
      );
      this.opening.set(planId, pending);
      void pending.finally(() => this.opening.delete(planId)).catch(() => undefined);
    }
    return pending;
  }

  /** Drops a document nobody here has open (after snapshotting it); false while sockets still use it. */
  async release(planId: string): Promise<boolean> {
    const doc = this.docs.get(planId);
    if (!doc) return true;
    if (doc.sockets.size > 0) return false;
    this.docs.delete(planId);
    await doc.drained();
    await doc.snapshot();
    doc.destroy();
    return true;
  }

  attach(planId: string, socketId: string): void {
    this.docs.get(planId)?.sockets.add(socketId);
  }

  detach(planId: string, socketId: string): void {
    const doc = this.docs.get(planId);
    if (!doc) return;
    doc.sockets.delete(socketId);
    if (doc.sockets.size === 0) doc.idleSince = Date.now();
  }

  private drop(doc: LivePlanDoc): void {
    if (this.docs.get(doc.planId) === doc) this.docs.delete(doc.planId);
    doc.destroy();
  }

  /** Follow the log, compact, close idle documents. */
  private async tick(): Promise<void> {
    if (this.ticking || this.closing) return;
    this.ticking = true;
    try {
      const now = Date.now();
      const docs = [...this.docs.values()];
      for (const d of docs) {
        if (d.broken && d.pending === 0) {
          this.drop(d);
          continue;
        }
        const behind = d.seq - d.snapshotSeq;
        if (
          behind >= PLAN_SYNC_TUNING.snapshotEveryUpdates ||
          (behind > 0 && now - d.lastSnapshotAt >= PLAN_SYNC_TUNING.snapshotEveryMs)
        ) {
          void d.snapshot();
        }
        if (d.sockets.size === 0 && d.pending === 0 && now - d.idleSince >= PLAN_SYNC_TUNING.idleCloseMs) {
          this.docs.delete(d.planId);
          await d.snapshot();
          d.destroy();
        }
      }
      const open = [...this.docs.values()].filter((d) => d.sockets.size > 0);
      if (open.length > 0) {
        const heads = await this.store.heads(open.map((d) => d.planId));
        for (const d of open) if ((heads.get(d.planId) ?? 0) > d.seq) d.catchUp();
      }
    } catch (err) {
      this.logger.error({ err }, 'planning maintenance failed');
    } finally {
      this.ticking = false;
    }
  }
}
