/**
 * Library search (资源检索): query parameters and response shapes of `GET /api/search` and
 * `GET /api/search/suggest`, shared by the API and the web app. Browser-safe: no decorators.
 */
import type { LabelledCode, ResourceStatus } from './library.js';

export const SEARCH_SORTS = ['relevance', 'newest', 'downloads', 'rating'] as const;
export type SearchSortOrder = (typeof SEARCH_SORTS)[number];

/** The facets a search can be filtered by and counts values of (same names as the query parameters). */
export const SEARCH_FACET_NAMES = [
  'subject',
  'stage',
  'grade',
  'edition',
  'volume',
  'resourceType',
  'license',
  'schoolLocale',
] as const;
export type SearchFacet = (typeof SEARCH_FACET_NAMES)[number];

export const SEARCH_LIMITS = {
  queryMax: 200,
  suggestQueryMax: 100,
  suggestLimitMax: 10,
  valuesPerFacetMax: 20,
  pageSizeMax: 100,
  pageSizeDefault: 20,
  /** Deepest result reachable by paging (page × pageSize). */
  resultWindow: 10_000,
} as const;

/**
 * `GET /api/search` parameters. Each facet takes one or more values, as repeated parameters
 * (`subject=math&subject=physics`) or a comma list (`subject=math,physics`); values of one facet
 * are alternatives (OR), different facets all apply (AND).
 */
export interface SearchRequest {
  /** Free text; words are all required; "quoted text" must occur as a phrase. Empty lists everything. */
  q?: string;
  subject?: string[];
  stage?: string[];
  /** Grade labels, e.g. 七年级. */
  grade?: string[];
  edition?: string[];
  volume?: string[];
  resourceType?: string[];
  license?: string[];
  schoolLocale?: string[];
  /** Default: relevance with words, newest without. */
  sort?: SearchSortOrder;
  page?: number;
  pageSize?: number;
}

/**
 * One result as the list shows it. Only what a result card needs: the resource page has the rest
 * (tags, unit, licence, files), so pages of results stay small.
 */
export interface SearchHitDto {
  id: string;
  title: string;
  /**
   * HTML snippets around the matched words: everything is escaped except `<mark>…</mark>`.
   * Absent fields had no match (show the plain value).
   */
  highlights: { title?: string; description?: string; extractedText?: string };
  /** Plain description, cut to 200 characters; absent when `highlights.description` shows it. */
  description?: string;
  subject: LabelledCode;
  stage: LabelledCode;
  grade: string;
  edition: LabelledCode;
  volume: LabelledCode;
  resourceType: LabelledCode;
  author: { id: string; displayName: string };
  school: { id: string; name: string; locale: LabelledCode };
  status: ResourceStatus;
  counts: { downloads: number; ratingAvg: number; ratingCount: number };
  createdAt: string;
}

export interface SearchFacetBucketDto {
  value: string;
  /** Display name (the code's Chinese taxonomy name; the grade label itself for grades). */
  label: string;
  count: number;
  /** The value is one of the active filters (always listed, even with no match left). */
  selected: boolean;
}

export interface SearchResponseDto {
  q: string;
  hits: SearchHitDto[];
  /** Matches the caller may open (what they may not open is never counted). */
  total: number;
  page: number;
  pageSize: number;
  /** Pages reachable (capped by the result window). */
  pageCount: number;
  /** The order actually applied. */
  sort: SearchSortOrder;
  /**
   * Values with counts, most frequent first. A facet's counts ignore that facet's own filter
   * (so other values of it stay selectable) but apply every other filter.
   */
  facets: Record<SearchFacet, SearchFacetBucketDto[]>;
  /** A corrected query when a Latin-letter word looks misspelt (pythgoras → pythagoras). */
  didYouMean: string | null;
}

export interface SearchSuggestRequest {
  q: string;
  limit?: number;
}

export interface SearchSuggestionDto {
  /** A resource title matching the typed prefix (characters or pinyin). */
  text: string;
  resourceId: string;
}

export interface SearchSuggestResponse {
  q: string;
  suggestions: SearchSuggestionDto[];
}

/** `POST /api/search/reindex` (platform admins): rebuild the index from the database. */
export interface SearchReindexResponse {
  /** Documents in the index before it was cleared. */
  previous: number;
  indexed: number;
  /** Changes made while it ran, handed to the indexer again. */
  requeued: number;
  tookMs: number;
}
