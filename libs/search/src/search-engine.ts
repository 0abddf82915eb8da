import type {
  ResourceSearchDocument,
  SearchHealth,
  SearchQuery,
  SearchResult,
  SearchSuggestion,
  SearchViewer,
} from './search.types.js';

/**
 * The search port. Abstract (not an interface) so that Nest can use the class itself as the
 * injection token: `{ provide: SearchEngine, useFactory: () => createSearchEngine(config) }`.
 *
 * Writes resolve once they are applied and searchable. Reads enforce visibility inside the
 * engine query, so totals, pages and facet counts only ever count what the viewer may see.
 */
export abstract class SearchEngine {
  abstract readonly kind: 'meilisearch' | 'embedded';

  /** Creates or loads the index and applies settings; safe to call more than once. */
  abstract init(): Promise<void>;

  /** Inserts or fully replaces documents by id. */
  abstract upsert(docs: readonly ResourceSearchDocument[]): Promise<void>;

  abstract delete(ids: readonly string[]): Promise<void>;

  abstract search(query: SearchQuery, viewer: SearchViewer): Promise<SearchResult>;

  /** Resource titles matching a prefix (Chinese characters or pinyin), visible to the viewer. */
  abstract suggest(prefix: string, viewer: SearchViewer, limit?: number): Promise<SearchSuggestion[]>;

  /** Number of indexed documents, regardless of visibility. */
  abstract count(): Promise<number>;

  /** Removes every document (settings are kept). */
  abstract clear(): Promise<void>;

  abstract health(): Promise<SearchHealth>;

  /** Flushes pending state and releases resources. */
  abstract close(): Promise<void>;
}
