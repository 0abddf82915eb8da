import {
  SEARCH_FACETS,
  type ResourceSearchDocument,
  type SearchFacetCounts,
  type SearchFacetName,
  type SearchHealth,
  type SearchQuery,
  type SearchResult,
  type SearchSuggestion,
  type SearchViewer,
} from './search.types.js';
import { renderSearchAnswer, type RenderedSearchAnswer } from './answer/search-response.js';

export interface SearchAnswerOptions {
  /** Count each filtered facet without its own filter (see `disjunctiveFacetCounts`). */
  disjunctiveFacets: boolean;
  /**
   * Where to write the body: memory of `length` bytes, or undefined for a buffer of its own.
   * The search thread passes a slot of the memory it shares with the API thread (see AnswerSlab);
   * it is never sent between threads.
   */
  bodyIn?: (length: number) => Uint8Array | undefined;
}

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

  /**
   * `search()` together with the counts a facet sidebar shows: disjunctive (see
   * `disjunctiveFacetCounts`) when the query filters on a facet, the result's own otherwise. One
   * call, so an adapter whose index lives elsewhere (a thread, a server) can answer both at once.
   */
  async searchWithFacets(
    query: SearchQuery,
    viewer: SearchViewer,
  ): Promise<{ result: SearchResult; facets: SearchFacetCounts }> {
    const result = await this.search(query, viewer);
    const filtered = SEARCH_FACETS.some((facet) => (query.filters?.[facet]?.length ?? 0) > 0);
    const facets = filtered ? await this.disjunctiveFacetCounts(query, viewer, result) : result.facets;
    return { result, facets };
  }

  /**
   * The page as the REST API sends it (`SearchResponseDto` as JSON bytes, with its ETag): with
   * the sidebar's disjunctive counts when asked, the result's own counts otherwise. An adapter
   * whose index lives on another thread renders it there and hands over one buffer.
   */
  async searchAnswer(
    query: SearchQuery,
    viewer: SearchViewer,
    options: SearchAnswerOptions,
  ): Promise<RenderedSearchAnswer> {
    if (options.disjunctiveFacets) {
      const { result, facets } = await this.searchWithFacets(query, viewer);
      return renderSearchAnswer(query, result, facets, options.bodyIn);
    }
    const result = await this.search(query, viewer);
    return renderSearchAnswer(query, result, result.facets, options.bodyIn);
  }

  /**
   * The facet counts of `result` (the answer to `search(query, viewer)`), except that each
   * filtered facet is counted without its own filter (every other filter still applies), so a
   * sidebar can offer the values one could add or switch to. By default one more search per
   * filtered facet; adapters may do it in one pass.
   */
  async disjunctiveFacetCounts(
    query: SearchQuery,
    viewer: SearchViewer,
    result: SearchResult,
  ): Promise<SearchFacetCounts> {
    const out: SearchFacetCounts = { ...result.facets };
    for (const facet of SEARCH_FACETS) {
      if ((query.filters?.[facet]?.length ?? 0) > 0)
        out[facet] = await this.facetWithoutItsFilter(query, viewer, facet);
    }
    return out;
  }

  /** One facet's counts for `query` with every filter but that facet's own. */
  protected async facetWithoutItsFilter(
    query: SearchQuery,
    viewer: SearchViewer,
    facet: SearchFacetName,
  ): Promise<Record<string, number>> {
    const others = { ...query.filters };
    delete others[facet];
    // Newest order skips scoring; one hit is the least an engine returns.
    const r = await this.search(
      { q: query.q, filters: others, sort: 'newest', page: 1, pageSize: 1 },
      viewer,
    );
    return r.facets[facet];
  }

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
