import {
  Meilisearch,
  MeilisearchApiError,
  MeilisearchRequestError,
  MeilisearchRequestTimeOutError,
  MeilisearchTaskTimeOutError,
  type EnqueuedTaskPromise,
  type Index,
  type MatchingStrategies,
  type SearchParams,
  type Task,
} from 'meilisearch';
import { SearchEngine } from '../search-engine.js';
import { SearchRequestError, SearchTaskFailedError, SearchUnavailableError } from '../search.errors.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  SEARCH_FACETS,
  type ResourceSearchDocument,
  type SearchFacetCounts,
  type SearchHealth,
  type SearchHighlights,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
  type SearchSort,
  type SearchSuggestion,
  type SearchViewer,
} from '../search.types.js';
import { titleMatchesLatinPrefixes } from '../text/did-you-mean.js';
import { highlightText } from '../text/highlight.js';
import { containsHan } from '../text/normalize.js';
import { prepareQuery, type PreparedQuery } from '../text/prepare-query.js';
import {
  fromMeiliHit,
  RESOURCE_FIELDS,
  toMeiliDocument,
  type MeiliResourceDocument,
} from './meilisearch-document.js';
import {
  didYouMeanFromHits,
  facetFilters,
  formatHighlight,
  highlightedWords,
  phraseFilters,
  POST_TAG,
  PRE_TAG,
  queryString,
  sortParam,
  visibilityFilter,
} from './meilisearch-query.js';
import {
  desiredSettings,
  NON_PINYIN_ATTRIBUTES,
  settingsDiff,
  SUGGEST_ATTRIBUTES,
} from './meilisearch-settings.js';

export interface MeilisearchEngineOptions {
  url: string;
  apiKey?: string;
  indexName: string;
  /** How long a write waits for its task (default 60 s). */
  taskTimeoutMs?: number;
  /** HTTP request timeout (default 10 s). */
  requestTimeoutMs?: number;
}

/** Documents per addDocuments call: extractedText makes documents large (up to ~80 kB each). */
const UPSERT_BATCH = 200;

type Hit = Record<string, unknown> & { _formatted?: Record<string, unknown>; _rankingScore?: number };

function translate(error: unknown, what: string): Error {
  if (
    error instanceof SearchTaskFailedError ||
    error instanceof SearchUnavailableError ||
    error instanceof SearchRequestError
  )
    return error;
  if (error instanceof MeilisearchRequestTimeOutError || error instanceof MeilisearchRequestError) {
    return new SearchUnavailableError(`Meilisearch unreachable during ${what}: ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof MeilisearchTaskTimeOutError) {
    return new SearchUnavailableError(`Meilisearch did not finish ${what} in time`, { cause: error });
  }
  if (error instanceof MeilisearchApiError) {
    return new SearchRequestError(
      error.cause?.code ?? null,
      `Meilisearch rejected ${what}: ${error.message}`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Search backed by a Meilisearch server (production); see MeiliResourceDocument for the text model. */
export class MeilisearchEngine extends SearchEngine {
  readonly kind = 'meilisearch' as const;

  private readonly client: Meilisearch;
  private readonly index: Index<MeiliResourceDocument>;
  private readonly taskTimeoutMs: number;

  constructor(private readonly options: MeilisearchEngineOptions) {
    super();
    this.client = new Meilisearch({
      host: options.url,
      apiKey: options.apiKey,
      timeout: options.requestTimeoutMs ?? 10_000,
    });
    this.index = this.client.index<MeiliResourceDocument>(options.indexName);
    this.taskTimeoutMs = options.taskTimeoutMs ?? 60_000;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw translate(error, what);
    }
  }

  /** Resolves once the task has succeeded; throws SearchTaskFailedError for any other end state. */
  private async run(what: string, enqueue: () => EnqueuedTaskPromise): Promise<Task> {
    return this.call(what, async () => {
      const task = await enqueue().waitTask({ timeout: this.taskTimeoutMs });
      if (task.status !== 'succeeded') {
        throw new SearchTaskFailedError(
          task.uid,
          task.status,
          task.error?.code ?? null,
          `Meilisearch task ${task.uid} (${what}) ended ${task.status}${task.error ? `: ${task.error.message}` : ''}`,
        );
      }
      return task;
    });
  }

  async init(): Promise<void> {
    const exists = await this.call('index lookup', async () => {
      try {
        await this.index.getRawInfo();
        return true;
      } catch (error) {
        if (error instanceof MeilisearchApiError && error.cause?.code === 'index_not_found') return false;
        throw error;
      }
    });
    if (!exists) {
      await this.run('index creation', () =>
        this.client.createIndex(this.options.indexName, { primaryKey: 'id' }),
      );
    }
    const current = await this.call('settings read', () => this.index.getSettings());
    const diff = settingsDiff(desiredSettings(), current);
    if (Object.keys(diff).length > 0)
      await this.run('settings update', () => this.index.updateSettings(diff));
  }

  async upsert(docs: readonly ResourceSearchDocument[]): Promise<void> {
    for (let i = 0; i < docs.length; i += UPSERT_BATCH) {
      const batch = docs.slice(i, i + UPSERT_BATCH).map(toMeiliDocument);
      await this.run('document upsert', () => this.index.addDocuments(batch, { primaryKey: 'id' }));
    }
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.run('document deletion', () => this.index.deleteDocuments([...ids]));
  }

  async clear(): Promise<void> {
    await this.run('clear', () => this.index.deleteAllDocuments());
  }

  async count(): Promise<number> {
    const stats = await this.call('stats', () => this.index.getStats());
    return stats.numberOfDocuments;
  }

  async health(): Promise<SearchHealth> {
    try {
      await this.client.health();
      const documents = await this.count().catch(() => undefined);
      return { kind: this.kind, status: 'up', ...(documents !== undefined ? { documents } : {}) };
    } catch (error) {
      return { kind: this.kind, status: 'down', error: translate(error, 'health check').message };
    }
  }

  async close(): Promise<void> {
    // Stateless HTTP client: nothing to release.
  }

  private baseParams(pq: PreparedQuery): SearchParams {
    return {
      q: queryString(pq),
      // Only a query of Latin letters alone may be pinyin.
      ...(pq.latinOnly ? {} : { attributesToSearchOn: NON_PINYIN_ATTRIBUTES }),
      ...(containsHan(pq.normalized) ? { locales: ['cmn'] } : {}),
    };
  }

  async search(query: SearchQuery, viewer: SearchViewer): Promise<SearchResult> {
    const pq = prepareQuery(query.q);
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize ?? DEFAULT_PAGE_SIZE)));
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const requested = query.sort ?? 'relevance';
    const sort: SearchSort = pq.isEmpty && requested === 'relevance' ? 'newest' : requested;
    const sortBy = sortParam(sort);
    const wantWords = pq.latinWords.length > 0;
    const params = {
      ...this.baseParams(pq),
      filter: [visibilityFilter(viewer), ...facetFilters(query.filters), ...phraseFilters(pq)],
      facets: [...SEARCH_FACETS],
      page,
      hitsPerPage: pageSize,
      ...(sortBy ? { sort: sortBy } : {}),
      attributesToRetrieve: [...RESOURCE_FIELDS],
      attributesToHighlight: [
        'n_title',
        'n_description',
        ...(wantWords ? ['py_title', 'py_labels', 'latin_text'] : []),
      ],
      highlightPreTag: PRE_TAG,
      highlightPostTag: POST_TAG,
      matchingStrategy: 'all' as MatchingStrategies,
      showRankingScore: true,
    } satisfies SearchParams;
    type Params = typeof params;
    let response = await this.call('search', () => this.index.search<Hit, Params>(params.q, params));
    // Nothing has every word: drop the most common words until something matches.
    if (response.totalHits === 0 && pq.groups.length > 1 && pq.phrases.length === 0) {
      const relaxed: Params = { ...params, matchingStrategy: 'frequency' };
      response = await this.call('search', () => this.index.search<Hit, Params>(params.q, relaxed));
    }
    const hits: SearchHit[] = response.hits.map((hit) => {
      const doc = fromMeiliHit(hit);
      // The file text is retrieved for its snippet only; the hit carries the rest.
      const { extractedText: _text, ...listed } = doc;
      return {
        id: doc.id,
        ...(sort === 'relevance' && !pq.isEmpty && hit._rankingScore !== undefined
          ? { score: hit._rankingScore }
          : {}),
        highlights: pq.isEmpty ? {} : this.highlights(doc, hit, pq),
        doc: listed,
      };
    });
    const didYouMean = wantWords
      ? didYouMeanFromHits(
          pq,
          response.hits.flatMap((h) =>
            ['py_title', 'py_labels', 'latin_text'].flatMap((f) =>
              highlightedWords(h._formatted?.[f] as string | undefined),
            ),
          ),
        )
      : undefined;
    return {
      hits,
      total: response.totalHits,
      page,
      pageSize,
      facets: this.facets(response.facetDistribution),
      ...(didYouMean !== undefined ? { didYouMean } : {}),
    };
  }

  private facets(distribution: Record<string, Record<string, number>> | undefined): SearchFacetCounts {
    const out = {} as SearchFacetCounts;
    for (const facet of SEARCH_FACETS) out[facet] = { ...(distribution?.[facet] ?? {}) };
    return out;
  }

  private highlights(doc: ResourceSearchDocument, hit: Hit, pq: PreparedQuery): SearchHighlights {
    const formatted = hit._formatted ?? {};
    const request = { terms: pq.highlightTerms, pinyinQueries: pq.latinOnly ? pq.latinWords : [] };
    const out: SearchHighlights = {};
    // Meilisearch marks what its own segmentation matched; for words it matched only through the
    // pre-segmented fields (方程 inside 一元一次方程) the shared highlighter marks the original.
    const title =
      formatHighlight(formatted['n_title'] as string | undefined) ?? highlightText(doc.title, request);
    if (title !== undefined) out.title = title;
    const description =
      formatHighlight(formatted['n_description'] as string | undefined, 160) ??
      highlightText(doc.description, { terms: pq.highlightTerms }, { maxLength: 160 });
    if (description !== undefined) out.description = description;
    const text = highlightText(doc.extractedText, { terms: pq.highlightTerms }, { maxLength: 120 });
    if (text !== undefined) out.extractedText = text;
    return out;
  }

  async suggest(prefix: string, viewer: SearchViewer, limit = 8): Promise<SearchSuggestion[]> {
    const pq = prepareQuery(prefix);
    if (pq.groups.length === 0) return [];
    const response = await this.call('suggest', () =>
      this.index.search<Hit>(queryString(pq), {
        ...this.baseParams(pq),
        attributesToSearchOn: pq.latinOnly ? SUGGEST_ATTRIBUTES.latin : SUGGEST_ATTRIBUTES.han,
        filter: visibilityFilter(viewer),
        limit: Math.max(limit * 4, 32),
        attributesToRetrieve: ['id', 'title'],
        matchingStrategy: 'all',
      }),
    );
    const out: SearchSuggestion[] = [];
    const seen = new Set<string>();
    for (const hit of response.hits) {
      const title = String(hit['title']);
      if (seen.has(title)) continue;
      if (pq.latinOnly && !titleMatchesLatinPrefixes(title, pq.latinWords)) continue;
      seen.add(title);
      out.push({ text: title, id: String(hit['id']) });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Deletes the whole index (tests use a throw-away index per run). */
  async dropIndex(): Promise<void> {
    await this.run('index deletion', () => this.client.deleteIndex(this.options.indexName));
  }
}
