/**
 * A small LRU of search answers. Entries die when the index changes (the indexer bumps the
 * generation after every write) or when older than the TTL (which bounds staleness when other API
 * instances write to a shared Meilisearch). Keys carry the whole viewer, so an answer is only
 * ever reused for someone with exactly the same visibility.
 */
export class SearchResultCache<T> {
  private readonly entries = new Map<string, { at: number; value: T }>();

  constructor(
    private readonly maxEntries: () => number,
    private readonly ttlMs: () => number,
  ) {}

  get(key: string): T | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    if (Date.now() - hit.at > this.ttlMs()) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert: Map keeps insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, value: T): void {
    const max = this.maxEntries();
    if (max <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { at: Date.now(), value });
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
