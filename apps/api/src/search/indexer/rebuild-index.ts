import type { ResourceSearchDocument, SearchEngine } from '@tongke/search';
import type { ResourceOutboxRepository } from './resource-outbox.repository.js';
import { isFlushable } from '../search-engine.provider.js';

export interface RebuildProgress {
  indexed: number;
  total: number;
  elapsedMs: number;
}

export interface RebuildResult {
  previous: number;
  indexed: number;
  requeued: number;
  tookMs: number;
}

export interface RebuildDeps {
  engine: SearchEngine;
  documents: { buildMany(ids: string[]): Promise<ResourceSearchDocument[]> };
  outbox: Pick<ResourceOutboxRepository, 'now' | 'liveResourceIds' | 'liveResourceCount' | 'requeueSince'>;
}

/**
 * Rebuilds the index from the database: clear, then every live resource in keyset batches
 * (documents built exactly as the indexer builds them), then a flush. Changes committed while it
 * runs are handed back to the outbox worker afterwards, because a batch read before such a change
 * may have been written after the worker synced it. Searches see a partial index meanwhile.
 */
export async function rebuildIndex(
  deps: RebuildDeps,
  opts: { batchSize: number; onProgress?: (p: RebuildProgress) => void },
): Promise<RebuildResult> {
  const started = Date.now();
  const since = await deps.outbox.now();
  await deps.engine.init();
  const previous = await deps.engine.count();
  const total = await deps.outbox.liveResourceCount();
  await deps.engine.clear();
  let indexed = 0;
  let after: string | null = null;
  for (;;) {
    const ids = await deps.outbox.liveResourceIds(after, opts.batchSize);
    if (ids.length === 0) break;
    after = ids[ids.length - 1] ?? null;
    const docs = await deps.documents.buildMany(ids);
    if (docs.length > 0) await deps.engine.upsert(docs);
    indexed += docs.length;
    opts.onProgress?.({ indexed, total: Math.max(total, indexed), elapsedMs: Date.now() - started });
  }
  if (isFlushable(deps.engine)) await deps.engine.flush();
  const requeued = await deps.outbox.requeueSince(since);
  return { previous, indexed, requeued, tookMs: Date.now() - started };
}
