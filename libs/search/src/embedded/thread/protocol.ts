import type {
  ResourceSearchDocument,
  SearchFacetCounts,
  SearchHealth,
  SearchQuery,
  SearchResult,
  SearchSuggestion,
  SearchViewer,
} from '../../search.types.js';
import type { SearchErrorCode } from '../../search.errors.js';
import type { SearchAnswerOptions } from '../../search-engine.js';
import type { RenderedSearchAnswer } from '../../answer/search-response.js';

/**
 * The messages between `ThreadedSearchEngine` (the API's thread) and the search thread: one
 * call per message, answered in order of completion by id. Each operation names its arguments
 * and its answer, so both sides are checked against one table.
 */
export interface SearchThreadOps {
  init: { args: []; value: { loadedFromSnapshot: boolean } };
  upsert: { args: [docs: readonly ResourceSearchDocument[]]; value: void };
  delete: { args: [ids: readonly string[]]; value: void };
  search: { args: [query: SearchQuery, viewer: SearchViewer]; value: SearchResult };
  /** The search and its sidebar counts in one round trip (see `SearchEngine.searchWithFacets`). */
  searchWithFacets: {
    args: [query: SearchQuery, viewer: SearchViewer];
    value: { result: SearchResult; facets: SearchFacetCounts };
  };
  /**
   * The page rendered on the thread (see `SearchEngine.searchAnswer`): its body in a slot of the
   * shared answer slab (see AnswerSlab), or transferred when no slot was free or it did not fit.
   */
  searchAnswer: {
    args: [query: SearchQuery, viewer: SearchViewer, options: Omit<SearchAnswerOptions, 'bodyIn'>];
    value: RenderedSearchAnswer | SlabAnswer;
  };
  suggest: {
    args: [prefix: string, viewer: SearchViewer, limit: number | undefined];
    value: SearchSuggestion[];
  };
  count: { args: []; value: number };
  clear: { args: []; value: void };
  health: { args: []; value: SearchHealth };
  flush: { args: []; value: void };
  close: { args: []; value: void };
  memory: { args: []; value: { heapUsedBytes: number } };
}

/** An answer whose body the thread wrote into slot `slot` of the answer slab. */
export interface SlabAnswer {
  slot: number;
  length: number;
  etag: string;
}

export type SearchThreadOp = keyof SearchThreadOps;

export interface SearchThreadRequest<K extends SearchThreadOp = SearchThreadOp> {
  id: number;
  op: K;
  args: SearchThreadOps[K]['args'];
}

/** An error as it crosses the thread boundary; the API side rebuilds the matching class. */
export interface SearchThreadError {
  name: string;
  code: SearchErrorCode | null;
  message: string;
}

export type SearchThreadReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SearchThreadError };

/** What the thread is started with (`workerData`). */
export interface SearchThreadData {
  dataDir: string;
  flushDelayMs?: number;
  /** The answer slab's memory (see AnswerSlab), shared with the API thread. */
  answers: SharedArrayBuffer;
}
