import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainEvents } from '@tongke/common';
import { AppConfig } from '@tongke/config';
import {
  SearchEngine,
  SearchInvalidDocumentError,
  SearchRequestError,
  SearchTaskFailedError,
} from '@tongke/search';
import { DataSource, type EntityManager } from 'typeorm';
import { ResourceSearchDocuments } from '../../library/search/resource-search-documents.service.js';
import { SearchErrors } from '../search.errors.js';
import { isFlushable } from '../search-engine.provider.js';
import { SearchSettings } from '../search.settings.js';
import { rebuildIndex, type RebuildProgress, type RebuildResult } from './rebuild-index.js';
import { ResourceOutboxRepository, type OutboxClaim } from './resource-outbox.repository.js';

/** What the health check shows about the indexer (besides the outbox lag). */
export interface IndexerStatus {
  lastError: string | null;
  lastErrorAt: string | null;
  lastSyncAt: string | null;
  /** Outbox rows synced by this process since it started. */
  synced: number;
  /** Rows set aside because the engine kept refusing their resource's document. */
  setAside: number;
  rebuilding: boolean;
  /** Set while backing off after a failure. */
  retryInMs: number | null;
}

interface BatchOutcome {
  /** Rows claimed (0: nothing to do now). */
  claimed: number;
  /** Some rows stay pending after a refusal: stop draining until the next poll. */
  retryLater: boolean;
}

interface Refused {
  rowIds: string[];
  error: string;
  setAside: boolean;
}

/** The engine refused a write (bad document, failed task, bad request): retrying at once will not help. */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof SearchTaskFailedError ||
    error instanceof SearchRequestError ||
    error instanceof SearchInvalidDocumentError
  );
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const HOUR = 60 * 60 * 1000;
const OUTBOX_RETENTION_MS = 7 * 24 * HOUR;

/**
 * Drains `resource_outbox` into the search engine so the index never drifts from the database.
 *
 * A batch claims the oldest pending rows (FOR UPDATE SKIP LOCKED, plus a per-resource advisory
 * lock, so API instances never sync one resource concurrently), coalesces them per resource,
 * rebuilds each resource's current document from the database (a deleted resource is removed),
 * writes to the engine, flushes the embedded engine's snapshot, and only then marks the rows
 * processed. Whatever fails leaves the rows pending: an unavailable engine backs the worker off
 * exponentially; a document the engine refuses is retried and, if other documents of its batch
 * went through, eventually set aside (marked processed with its error kept).
 *
 * On PostgreSQL the claim's transaction is held until the rows are marked, which is what makes
 * the locks mean something. PGlite is one session in one process: holding a transaction would
 * block every other query (and the document builder's own reads), so there the same claim runs
 * in a short transaction and this process's single worker loop is the only consumer.
 */
/** What an index change was: `countersOnly` when only downloads or ratings changed. */
export interface IndexChange {
  countersOnly: boolean;
}

@Injectable()
export class SearchIndexer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SearchIndexer');
  private readonly holdClaims: boolean;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private kicked = false;
  private stopped = false;
  private failures = 0;
  private engineReady = false;
  private checkedEmptyIndex = false;
  private lastPrune = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly generationListeners = new Set<(change: IndexChange) => void>();
  private firstTick!: () => void;
  /** Settles after the worker's first round (the empty-index check and a first drain), done or failed. */
  readonly started = new Promise<void>((resolve) => (this.firstTick = resolve));

  readonly status: IndexerStatus = {
    lastError: null,
    lastErrorAt: null,
    lastSyncAt: null,
    synced: 0,
    setAside: 0,
    rebuilding: false,
    retryInMs: null,
  };

  constructor(
    private readonly engine: SearchEngine,
    private readonly documents: ResourceSearchDocuments,
    private readonly outbox: ResourceOutboxRepository,
    private readonly settings: SearchSettings,
    private readonly events: DomainEvents,
    config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.holdClaims = config.database.kind === 'postgres';
  }

  onApplicationBootstrap(): void {
    // Outbox rows are committed before these events fire: a kick saves waiting for the next poll.
    this.unsubscribe.push(
      this.events.on('resource.uploaded', () => this.kick()),
      this.events.on('resource.published', () => this.kick()),
    );
    if (this.settings.backgroundJobs) this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    if (this.timer) clearTimeout(this.timer);
    await this.tail.catch(() => undefined);
  }

  /** Called after the index changed (the search endpoint drops cached answers unless only counts changed). */
  onIndexChange(listener: (change: IndexChange) => void): () => void {
    this.generationListeners.add(listener);
    return () => this.generationListeners.delete(listener);
  }

  /** Look at the outbox now instead of at the next poll (ignored while backing off). */
  kick(): void {
    if (this.stopped || !this.settings.backgroundJobs || this.failures > 0) return;
    if (this.ticking) {
      this.kicked = true;
      return;
    }
    this.schedule(0);
  }

  /**
   * Syncs every pending outbox row now; resolves with the number of rows handled. Throws what
   * stopped it (e.g. SearchUnavailableError), leaving the rows pending.
   */
  drain(): Promise<number> {
    return this.exclusive(async () => {
      let handled = 0;
      while (!this.stopped) {
        const outcome = await this.processBatch();
        handled += outcome.claimed;
        if (outcome.claimed === 0 || outcome.retryLater) break;
      }
      return handled;
    });
  }

  /** Rebuilds the whole index from the database (see rebuildIndex); the worker pauses meanwhile. */
  reindex(onProgress?: (p: RebuildProgress) => void): Promise<RebuildResult> {
    if (this.status.rebuilding) return Promise.reject(SearchErrors.reindexRunning());
    this.status.rebuilding = true;
    return this.exclusive(async () => {
      try {
        const result = await rebuildIndex(
          { engine: this.engine, documents: this.documents, outbox: this.outbox },
          { batchSize: this.settings.reindexBatchSize, onProgress },
        );
        this.engineReady = true;
        this.changed();
        this.logger.log(
          { indexed: result.indexed, requeued: result.requeued, tookMs: result.tookMs },
          'search index rebuilt',
        );
        return result;
      } finally {
        this.status.rebuilding = false;
        this.changed();
      }
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.ticking) return;
    this.ticking = true;
    this.kicked = false;
    let delay = this.settings.pollMs;
    try {
      await this.rebuildIfEmpty();
      await this.drain();
      if (this.failures > 0) this.logger.log({ after: this.failures }, 'search indexer recovered');
      this.failures = 0;
      this.status.retryInMs = null;
      await this.pruneHourly();
      if (this.kicked) delay = 0;
    } catch (err) {
      this.failures += 1;
      delay = this.backoff();
      this.status.retryInMs = delay;
      this.noteError(err);
      if (this.failures === 1)
        this.logger.warn({ err, retryInMs: delay }, 'search indexing failed; backing off');
      else
        this.logger.debug(
          { err, failures: this.failures, retryInMs: delay },
          'search indexing still failing',
        );
    } finally {
      this.ticking = false;
      this.firstTick();
    }
    this.schedule(delay);
  }

  private backoff(): number {
    const { backoffMinMs, backoffMaxMs } = this.settings;
    const base = Math.min(backoffMaxMs, backoffMinMs * 2 ** Math.min(this.failures - 1, 20));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private noteError(err: unknown): void {
    this.status.lastError = message(err).slice(0, 500);
    this.status.lastErrorAt = new Date().toISOString();
  }

  private changed(change: IndexChange = { countersOnly: false }): void {
    for (const listener of this.generationListeners) listener(change);
  }

  private async ensureEngine(): Promise<void> {
    if (this.engineReady) return;
    await this.engine.init();
    this.engineReady = true;
  }

  /** An index that starts empty (first run, a new Meilisearch, an embedded snapshot of another analyzer version) is rebuilt. */
  private async rebuildIfEmpty(): Promise<void> {
    if (this.checkedEmptyIndex) return;
    await this.ensureEngine();
    if ((await this.engine.count()) === 0 && (await this.outbox.liveResourceCount()) > 0) {
      this.logger.warn('search index is empty but the library is not: rebuilding it from the database');
      await this.reindex();
    }
    this.checkedEmptyIndex = true;
  }

  private async pruneHourly(): Promise<void> {
    if (Date.now() - this.lastPrune < HOUR) return;
    this.lastPrune = Date.now();
    const removed = await this.outbox.prune(OUTBOX_RETENTION_MS);
    if (removed > 0) this.logger.log({ removed }, 'pruned processed search outbox rows');
  }

  private async processBatch(): Promise<BatchOutcome> {
    await this.ensureEngine();
    const held: { claim: OutboxClaim | null } = { claim: null };
    try {
      if (this.holdClaims) {
        return await this.dataSource.transaction(async (m) => {
          held.claim = await this.outbox.claim(m, this.settings.batchSize);
          return this.syncClaim(m, held.claim);
        });
      }
      held.claim = await this.dataSource.transaction((m) => this.outbox.claim(m, this.settings.batchSize));
      return await this.syncClaim(this.dataSource.manager, held.claim);
    } catch (err) {
      const rowIds = held.claim?.rows.map((r) => r.id) ?? [];
      await this.outbox.recordFailure(this.dataSource.manager, rowIds, message(err)).catch(() => undefined);
      throw err;
    }
  }

  /** Syncs a claim's resources and records the outcome with `m` (the claim's transaction on PostgreSQL). */
  private async syncClaim(m: EntityManager, claim: OutboxClaim | null): Promise<BatchOutcome> {
    if (claim === null || claim.rows.length === 0) return { claimed: 0, retryLater: false };
    const byResource = new Map<string, OutboxClaim['rows']>();
    for (const row of claim.rows)
      byResource.set(row.resourceId, [...(byResource.get(row.resourceId) ?? []), row]);
    const rowIdsOf = (id: string): string[] => (byResource.get(id) ?? []).map((r) => r.id);
    const resourceIds = [...byResource.keys()];

    const refused: Refused[] = [];
    let done: string[];
    // Only when every row of the batch says so: one edit or deletion among them is a change.
    const countersOnly = claim.rows.every((r) => r.op === 'counters');
    try {
      await this.apply(resourceIds, countersOnly);
      done = claim.rows.map((r) => r.id);
    } catch (err) {
      if (!isRefusal(err) || resourceIds.length === 1) throw err;
      // One document may spoil the batch: try each resource on its own.
      done = [];
      for (const id of resourceIds) {
        try {
          await this.apply([id], countersOnly);
          done.push(...rowIdsOf(id));
        } catch (single) {
          if (!isRefusal(single)) throw single;
          const attempts = Math.max(...(byResource.get(id) ?? []).map((r) => r.attempts)) + 1;
          refused.push({
            rowIds: rowIdsOf(id),
            error: message(single),
            setAside: attempts >= this.settings.maxAttempts,
          });
        }
      }
      // Everything refused: the engine refuses, not the documents. Back off and keep the rows.
      if (done.length === 0) throw err;
    }
    // Rows are marked only once the engine has the changes durably.
    if (isFlushable(this.engine)) await this.engine.flush();
    await this.outbox.markProcessed(m, done);
    for (const r of refused) {
      if (r.setAside) {
        await this.outbox.deadLetter(m, r.rowIds, r.error);
        this.status.setAside += r.rowIds.length;
        this.logger.error(
          { rows: r.rowIds, error: r.error },
          'search engine keeps refusing a document; set aside',
        );
      } else {
        await this.outbox.recordFailure(m, r.rowIds, r.error);
      }
      this.noteError(new Error(r.error));
    }
    this.status.synced += done.length;
    this.status.lastSyncAt = new Date().toISOString();
    return { claimed: claim.rows.length, retryLater: refused.some((r) => !r.setAside) };
  }

  /** Brings the engine to the database's current state of these resources. */
  private async apply(resourceIds: string[], countersOnly: boolean): Promise<void> {
    const docs = await this.documents.buildMany(resourceIds);
    const live = new Set(docs.map((d) => d.id));
    const gone = resourceIds.filter((id) => !live.has(id));
    try {
      if (docs.length > 0) await this.engine.upsert(docs);
      if (gone.length > 0) await this.engine.delete(gone);
    } finally {
      // A resource that is gone is more than a count, whatever its rows said.
      this.changed({ countersOnly: countersOnly && gone.length === 0 });
    }
  }
}
