import { Injectable, Logger } from '@nestjs/common';
import { docFromLog } from '@tongke/contracts';
import { PlanLogStore } from '@tongke/database';
import * as Y from 'yjs';
import { PlanningErrors } from './planning.errors.js';

interface Cached {
  doc: Y.Doc;
  seq: number;
}

const CACHE_SIZE = 16;

/**
 * Plan documents as the API sees them: read from the log (latest snapshot + tail), kept in a small
 * cache that is brought up to date from the log on every use — the log is the source of truth,
 * edits arrive through the classroom service. Server-made changes (starting text, restores) are
 * appended to the same log; the classroom instances holding the plan read them from there.
 */
@Injectable()
export class PlanDocumentsService {
  private readonly logger = new Logger('PlanDocumentsService');
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly store: PlanLogStore) {}

  /** The current document. Read-only for callers: copy it (`Y.encodeStateAsUpdate`) to change anything. */
  async current(planId: string): Promise<{ doc: Y.Doc; seq: number }> {
    const cached = this.cache.get(planId);
    if (cached) {
      const head = (await this.store.heads([planId])).get(planId);
      if (head === undefined) throw PlanningErrors.planNotFound();
      if (head > cached.seq) {
        const tail = await this.store.between(planId, cached.seq, head);
        // Pruned by a snapshot since we last looked: reload.
        if (tail.length === head - cached.seq) {
          for (const t of tail) Y.applyUpdate(cached.doc, t.update);
          cached.seq = head;
        } else {
          return this.reload(planId);
        }
      }
      this.touch(planId, cached);
      return cached;
    }
    return this.reload(planId);
  }

  /** Appends a server-made change by `authorId`; returns its sequence number. */
  async append(
    planId: string,
    update: Uint8Array,
    authorId: string,
    clientId: number | null,
  ): Promise<number> {
    const stored = await this.store.append(planId, [{ update, authorId, clientId }]);
    if (!stored) throw PlanningErrors.planNotFound();
    return stored.headSeq;
  }

  private async reload(planId: string): Promise<{ doc: Y.Doc; seq: number }> {
    const state = await this.store.load(planId);
    if (!state) throw PlanningErrors.planNotFound();
    const doc = docFromLog(
      state.snapshot?.state ?? null,
      state.tail.map((t) => t.update),
      {
        onSkip: (i) =>
          this.logger.error({ planId, seq: state.tail[i].seq }, 'skipped an update that does not apply'),
      },
    );
    const entry = { doc, seq: state.headSeq };
    this.touch(planId, entry);
    return entry;
  }

  private touch(planId: string, entry: Cached): void {
    this.cache.delete(planId);
    this.cache.set(planId, entry);
    while (this.cache.size > CACHE_SIZE) {
      // Not destroyed: a request may still be reading it; the garbage collector takes it.
      this.cache.delete(this.cache.keys().next().value as string);
    }
  }
}
