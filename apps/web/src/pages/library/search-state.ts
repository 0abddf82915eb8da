import {
  SEARCH_FACET_NAMES,
  SEARCH_SORTS,
  type SearchFacet,
  type SearchRequest,
  type SearchSortOrder,
} from '@tongke/contracts';

/** What the library page searches for; it lives in the URL, so a search can be shared or bookmarked. */
export interface SearchState {
  q: string;
  filters: Partial<Record<SearchFacet, string[]>>;
  sort?: SearchSortOrder;
  page: number;
}

/** The order of the facet groups in the sidebar. */
export const FACET_ORDER: readonly SearchFacet[] = [
  'stage',
  'subject',
  'grade',
  'edition',
  'volume',
  'resourceType',
  'schoolLocale',
  'license',
];

const list = (raw: string | null): string[] =>
  raw === null
    ? []
    : [
        ...new Set(
          raw
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean),
        ),
      ];

export function readSearchState(params: URLSearchParams): SearchState {
  const filters: SearchState['filters'] = {};
  for (const facet of SEARCH_FACET_NAMES) {
    const values = params.getAll(facet).flatMap((v) => list(v));
    if (values.length) filters[facet] = [...new Set(values)];
  }
  const sort = params.get('sort');
  const page = Number(params.get('page') ?? '1');
  return {
    q: (params.get('q') ?? '').trim(),
    filters,
    sort: (SEARCH_SORTS as readonly string[]).includes(sort ?? '') ? (sort as SearchSortOrder) : undefined,
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** Defaults are left out (page 1, the default order), so equal searches have equal URLs. */
export function writeSearchState(state: SearchState): URLSearchParams {
  const out = new URLSearchParams();
  if (state.q) out.set('q', state.q);
  for (const facet of FACET_ORDER) {
    const values = state.filters[facet];
    if (values?.length) out.set(facet, values.join(','));
  }
  if (state.sort) out.set('sort', state.sort);
  if (state.page > 1) out.set('page', String(state.page));
  return out;
}

export function toRequest(state: SearchState, pageSize: number): SearchRequest {
  return { q: state.q || undefined, ...state.filters, sort: state.sort, page: state.page, pageSize };
}

export function toggleFilter(state: SearchState, facet: SearchFacet, value: string): SearchState {
  const current = state.filters[facet] ?? [];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  const filters = { ...state.filters, [facet]: next };
  if (next.length === 0) delete filters[facet];
  return { ...state, filters, page: 1 };
}
