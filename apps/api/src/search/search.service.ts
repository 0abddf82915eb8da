import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Principal } from '@tongke/auth';
import {
  SEARCH_FACET_NAMES,
  SEARCH_LIMITS,
  type SearchReindexResponse,
  type SearchRequest,
  type SearchSortOrder,
  type SearchSuggestRequest,
  type SearchSuggestResponse,
} from '@tongke/contracts';
import {
  SearchEngine,
  SearchUnavailableError,
  toSuggestionDto,
  type SearchFilters,
  type SearchQuery,
  type SearchViewer,
} from '@tongke/search';
import { SearchIndexer } from './indexer/search-indexer.service.js';
import { answerOf, ownedAnswer, type SearchAnswer } from './search-answer.js';
import { SearchErrors } from './search.errors.js';
import { SearchResultCache } from './search-result-cache.js';
import { SearchSettings } from './search.settings.js';

/** The search engine's view of a caller: what they may open is decided from exactly these. */
export function viewerOf(p: Principal): SearchViewer {
  return {
    userId: p.userId,
    schoolId: p.schoolId,
    regionId: p.regionId,
    isPlatformAdmin: p.role === 'platform_admin',
  };
}

function filtersOf(req: SearchRequest): SearchFilters {
  const filters: SearchFilters = {};
  for (const facet of SEARCH_FACET_NAMES) {
    const values = req[facet];
    if (values !== undefined && values.length > 0) filters[facet] = [...values].sort();
  }
  return filters;
}

/** What the engine is asked for a request: filters sorted, newest first for a query without words. */
export function searchQueryOf(req: SearchRequest): SearchQuery {
  const q = req.q ?? '';
  const requested = req.sort ?? 'relevance';
  const sort: SearchSortOrder = q === '' && requested === 'relevance' ? 'newest' : requested;
  return {
    q,
    filters: filtersOf(req),
    sort,
    page: req.page ?? 1,
    pageSize: req.pageSize ?? SEARCH_LIMITS.pageSizeDefault,
  };
}

/** Engine errors a caller can do nothing about but wait. */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SearchUnavailableError) throw SearchErrors.unavailable();
    throw err;
  }
}

/**
 * Full-text search over the library for the calling user. Visibility is applied by the engine
 * inside the query (hits, totals and every facet count), from the caller's token alone.
 */
@Injectable()
export class SearchService implements OnModuleDestroy {
  private readonly cache: SearchResultCache<SearchAnswer>;
  /** Answers being computed, by cache key: the same question asked meanwhile waits for it. */
  private readonly inflight = new Map<string, Promise<SearchAnswer>>();
  /** Bumped by every index change that drops cached answers. */
  private generation = 0;
  private readonly stopListening: () => void;

  constructor(
    private readonly engine: SearchEngine,
    private readonly indexer: SearchIndexer,
    private readonly settings: SearchSettings,
  ) {
    this.cache = new SearchResultCache(
      () => this.settings.resultCacheSize,
      () => this.settings.resultCacheTtlMs,
    );
    // Answers whose only stale part would be counts are kept until they expire (a few seconds):
    // a busy library counts downloads all day, and dropping every answer on each would leave the
    // cache nearly always empty.
    this.stopListening = this.indexer.onIndexChange(({ countersOnly }) => {
      if (countersOnly) return;
      this.generation += 1;
      this.cache.clear();
      this.inflight.clear();
    });
  }

  onModuleDestroy(): void {
    this.stopListening();
  }

  /** The caller's answer, serialized; a question asked again is answered from the result cache. */
  search(p: Principal, req: SearchRequest): Promise<SearchAnswer> {
    const viewer = viewerOf(p);
    const query = searchQueryOf(req);
    const key = JSON.stringify([
      viewer.userId,
      viewer.schoolId,
      viewer.regionId,
      viewer.isPlatformAdmin,
      query,
    ]);
    const cached = this.cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    if (!this.cache.enabled) return this.answer(query, viewer);
    // The same question already on its way to the engine (a double submit, a retry, many
    // requests at once for a popular page) shares that answer instead of asking again.
    const pending = this.inflight.get(key);
    if (pending !== undefined) return pending;
    const generation = this.generation;
    // Kept (and shared by the requests waiting for it), so its bytes must be its own.
    const answer = this.answer(query, viewer).then((answered) => {
      const a = ownedAnswer(answered);
      // An answer computed before the index changed is not kept: it may miss the change.
      if (generation === this.generation) this.cache.set(key, a);
      return a;
    });
    this.inflight.set(key, answer);
    void answer.then(
      () => this.forget(key, answer),
      () => this.forget(key, answer),
    );
    return answer;
  }

  private forget(key: string, answer: Promise<SearchAnswer>): void {
    if (this.inflight.get(key) === answer) this.inflight.delete(key);
  }

  /** Asks the engine for the rendered page (on the search thread, for the embedded engine). */
  private async answer(query: SearchQuery, viewer: SearchViewer): Promise<SearchAnswer> {
    // A filtered facet is counted without its own filter (every other filter still applies), so
    // the sidebar keeps showing the values one could add or switch to.
    const rendered = await guarded(() =>
      this.engine.searchAnswer(query, viewer, { disjunctiveFacets: this.settings.disjunctiveFacets }),
    );
    return answerOf(rendered);
  }

  async suggest(p: Principal, req: SearchSuggestRequest): Promise<SearchSuggestResponse> {
    const suggestions = await guarded(() => this.engine.suggest(req.q, viewerOf(p), req.limit ?? 8));
    return { q: req.q, suggestions: suggestions.map(toSuggestionDto) };
  }

  async reindex(): Promise<SearchReindexResponse> {
    const r = await guarded(() => this.indexer.reindex());
    return { previous: r.previous, indexed: r.indexed, requeued: r.requeued, tookMs: r.tookMs };
  }
}
