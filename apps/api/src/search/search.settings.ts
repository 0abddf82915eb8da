import { Injectable } from '@nestjs/common';

/**
 * Tunables of the search indexer and the search endpoint. Defaults suit production; tests and the
 * bench adjust the instance they get from the app (it is a plain mutable object).
 */
@Injectable()
export class SearchSettings {
  /** Run the outbox worker on its timer (tests may switch it off and call drain()). */
  backgroundJobs = true;
  /** How often an idle worker looks for new outbox rows. */
  pollMs = 500;
  /** Outbox rows claimed per batch (all pending rows of the same resources are claimed with them). */
  batchSize = 200;
  /** Back-off after a failed batch: doubles from min to max (±20 % jitter). */
  backoffMinMs = 250;
  backoffMaxMs = 30_000;
  /** A resource the engine keeps refusing (not unavailable: refusing) is set aside after this many attempts. */
  maxAttempts = 8;
  /** Resources per batch when rebuilding the whole index. */
  reindexBatchSize = 500;
  /**
   * Count a facet's values without that facet's own filter (one more engine query per filtered
   * facet), so the sidebar keeps offering alternatives.
   */
  disjunctiveFacets = true;
  /** Answers kept per (viewer, query) until the index changes or they are this old; 0 switches it off. */
  resultCacheSize = 500;
  resultCacheTtlMs = 5_000;
}
