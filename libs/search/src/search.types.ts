export type SchoolLocale = 'urban' | 'town' | 'rural';
export type ResourceVisibility = 'private' | 'school' | 'district' | 'public';
export type ResourceStatus = 'draft' | 'pending_review' | 'published' | 'withdrawn';

/** One teaching resource as the search index sees it (denormalised, flat). */
export interface ResourceSearchDocument {
  id: string;
  title: string;
  description: string;
  tags: string[];
  subject: string;
  subjectName: string;
  stage: string;
  stageName: string;
  /** Grade label, e.g. 七年级. */
  grade: string;
  edition: string;
  editionName: string;
  volume: string;
  volumeName: string;
  /** Free text, e.g. 第三单元 一元一次方程. */
  unit: string;
  lessonPeriod: string | null;
  resourceType: string;
  resourceTypeName: string;
  license: string;
  authorId: string;
  authorName: string;
  schoolId: string;
  schoolName: string;
  schoolLocale: SchoolLocale;
  regionId: string;
  visibility: ResourceVisibility;
  status: ResourceStatus;
  /** Text extracted from the files; only the first {@link EXTRACTED_TEXT_INDEX_LIMIT} characters are indexed and kept. */
  extractedText: string;
  /** Epoch milliseconds. */
  createdAt: number;
  downloads: number;
  ratingAvg: number;
  ratingCount: number;
}

/** How much of `extractedText` is indexed, stored and returned. */
export const EXTRACTED_TEXT_INDEX_LIMIT = 20_000;

export const SEARCH_FACETS = [
  'subject',
  'stage',
  'grade',
  'edition',
  'volume',
  'resourceType',
  'license',
  'schoolLocale',
] as const;
export type SearchFacetName = (typeof SEARCH_FACETS)[number];

export type SearchFilters = Partial<Record<SearchFacetName, string[]>>;

export type SearchSort = 'relevance' | 'newest' | 'downloads' | 'rating';

export interface SearchQuery {
  /** Free text; empty lists everything visible, ordered by `sort`. Text in "double quotes" must occur as a phrase. */
  q: string;
  filters?: SearchFilters;
  /** Defaults to relevance when `q` has words, to newest when it is empty. */
  sort?: SearchSort;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface SearchViewer {
  userId: string;
  schoolId: string | null;
  regionId: string | null;
  isPlatformAdmin: boolean;
}

export interface SearchHighlights {
  title?: string;
  description?: string;
  extractedText?: string;
}

/**
 * A document as a hit carries it: every field but the file text, which a result list shows only
 * as its highlighted snippet (`highlights.extractedText`). Up to 20k characters per hit would
 * otherwise cross the thread or the network with every page.
 */
export type SearchHitDocument = Omit<ResourceSearchDocument, 'extractedText'>;

export interface SearchHit {
  id: string;
  /** Engine-specific relevance score (higher is better); absent when the list is not ranked by text. */
  score?: number;
  /** HTML-safe snippets: everything is escaped except the <mark>…</mark> around matches. */
  highlights: SearchHighlights;
  doc: SearchHitDocument;
}

export type SearchFacetCounts = Record<SearchFacetName, Record<string, number>>;

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  page: number;
  pageSize: number;
  facets: SearchFacetCounts;
  /** A corrected query when a Latin-letter word looks misspelt (e.g. pythgoras → pythagoras). */
  didYouMean?: string;
}

export interface SearchSuggestion {
  /** The suggested text (a resource title). */
  text: string;
  /** The resource it came from. */
  id: string;
}

export interface SearchHealth {
  kind: 'meilisearch' | 'embedded';
  status: 'up' | 'down';
  documents?: number;
  error?: string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Deepest result reachable by paging (page × pageSize), as in Meilisearch's maxTotalHits. */
export const MAX_RESULT_WINDOW = 10_000;
