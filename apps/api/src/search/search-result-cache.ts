import { LRUCache, type Perf } from 'lru-cache';

/**
 * A small LRU of search answers. Entries die when the index changes (the indexer bumps the
 * generation after every write) or when older than the TTL (which bounds staleness when other API
 * instances write to a shared Meilisearch). Keys carry the whole viewer, so an answer is only
 * ever reused for someone with exactly the same visibility.
 */
export class SearchResultCache<T extends NonNullable<unknown>> {
  private entries: LRUCache<string, T>;

  /**
   * Both are read on every call (the bench switches the cache off and on at run time); 0 is off.
   * `clock` is for tests with fake timers (lru-cache reads `performance.now()` by default).
   */
  constructor(
    private readonly maxEntries: () => number,
    private readonly ttlMs: () => number,
    private readonly clock?: Perf,
  ) {
    this.entries = this.newEntries(1);
  }

  private newEntries(max: number): LRUCache<string, T> {
    return new LRUCache<string, T>(this.clock ? { max, perf: this.clock } : { max });
  }

  /** False while switched off (size or TTL 0). */
  get enabled(): boolean {
    return this.maxEntries() > 0 && this.ttlMs() > 0;
  }

  get(key: string): T | undefined {
    if (!this.enabled) return undefined;
    return this.entries.get(key);
  }

  /** The answer lives for the TTL in effect now. */
  set(key: string, value: T): void {
    const max = this.maxEntries();
    const ttl = this.ttlMs();
    if (max <= 0 || ttl <= 0) return;
    // lru-cache's bound is fixed at construction; a new size (the bench's, at run time) starts afresh.
    if (this.entries.max !== max) this.entries = this.newEntries(max);
    this.entries.set(key, value, { ttl });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
