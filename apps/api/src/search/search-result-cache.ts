import LRUCache from 'lru-cache';

/**
 * A small LRU of search answers. Entries die when the index changes (the indexer bumps the
 * generation after every write) or when older than the TTL (which bounds staleness when other API
 * instances write to a shared Meilisearch). Keys carry the whole viewer, so an answer is only
 * ever reused for someone with exactly the same visibility.
 */
export class SearchResultCache<T> {
  private readonly entries = new LRUCache<string, T>();

  /** Both are read on every call (the bench switches the cache off and on at run time); 0 is off. */
  constructor(
    private readonly maxEntries: () => number,
    private readonly ttlMs: () => number,
  ) {}

  get(key: string): T | undefined {
    if (this.maxEntries() <= 0 || this.ttlMs() <= 0) return undefined;
    return this.entries.get(key);
  }

  /** The answer lives for the TTL in effect now. */
  set(key: string, value: T): void {
    const max = this.maxEntries();
    const ttl = this.ttlMs();
    // lru-cache reads 0 as "no bound" and "no expiry", so 0 is handled here.
    if (max <= 0 || ttl <= 0) return;
    if (this.entries.max !== max) this.entries.max = max;
    this.entries.set(key, value, ttl);
  }

  clear(): void {
    this.entries.reset();
  }

  get size(): number {
    return this.entries.itemCount;
  }
}
