import {
  SearchEngine,
  SearchUnavailableError,
  type EmbeddedSearchEngine,
  type ResourceSearchDocument,
  type SearchFacetCounts,
  type SearchHealth,
  type SearchQuery,
  type SearchResult,
  type SearchSuggestion,
  type SearchViewer,
} from '@tongke/search';

/**
 * A test double around a real embedded engine that can be "stopped": while down, every call
 * throws SearchUnavailableError (as the Meilisearch adapter does when the server is gone) and
 * health() says down. `stopAfter(n)` lets the next n calls through first, so a stop can land in
 * the middle of a batch (say, after the upsert and before the flush).
 */
export class SwitchableSearchEngine extends SearchEngine {
  readonly kind = 'embedded' as const;
  private down = false;
  private allowance: number | null = null;
  /** Calls refused while down. */
  refused = 0;

  constructor(
    readonly inner: EmbeddedSearchEngine,
    private readonly ownsInner = true,
  ) {
    super();
  }

  stop(): void {
    this.down = true;
    this.allowance = null;
  }

  /** Stays up for `calls` more calls (reads and writes), then stops. */
  stopAfter(calls: number): void {
    this.allowance = calls;
  }

  start(): void {
    this.down = false;
    this.allowance = null;
  }

  get isDown(): boolean {
    return this.down;
  }

  private gate(what: string): void {
    if (this.allowance !== null) {
      if (this.allowance <= 0) this.stop();
      else this.allowance -= 1;
    }
    if (this.down) {
      this.refused += 1;
      throw new SearchUnavailableError(`search engine stopped by the test (${what})`);
    }
  }

  async init(): Promise<void> {
    this.gate('init');
    await this.inner.init();
  }

  async upsert(docs: readonly ResourceSearchDocument[]): Promise<void> {
    this.gate('upsert');
    await this.inner.upsert(docs);
  }

  async delete(ids: readonly string[]): Promise<void> {
    this.gate('delete');
    await this.inner.delete(ids);
  }

  async search(query: SearchQuery, viewer: SearchViewer): Promise<SearchResult> {
    this.gate('search');
    return this.inner.search(query, viewer);
  }

  override async disjunctiveFacetCounts(
    query: SearchQuery,
    viewer: SearchViewer,
    result: SearchResult,
  ): Promise<SearchFacetCounts> {
    this.gate('search');
    return this.inner.disjunctiveFacetCounts(query, viewer, result);
  }

  async suggest(prefix: string, viewer: SearchViewer, limit?: number): Promise<SearchSuggestion[]> {
    this.gate('suggest');
    return this.inner.suggest(prefix, viewer, limit);
  }

  async count(): Promise<number> {
    this.gate('count');
    return this.inner.count();
  }

  async clear(): Promise<void> {
    this.gate('clear');
    await this.inner.clear();
  }

  async flush(): Promise<void> {
    this.gate('flush');
    await this.inner.flush();
  }

  async health(): Promise<SearchHealth> {
    if (this.down) return { kind: this.kind, status: 'down', error: 'stopped by the test' };
    return this.inner.health();
  }

  async close(): Promise<void> {
    if (this.ownsInner) await this.inner.close();
  }
}
