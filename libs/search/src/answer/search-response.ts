import { createHash } from 'node:crypto';
import {
  labelOf,
  SEARCH_FACET_NAMES,
  SEARCH_LIMITS,
  type LabelledCode,
  type SearchFacet,
  type SearchFacetBucketDto,
  type SearchHitDto,
  type SearchResponseDto,
  type SearchSuggestionDto,
} from '@tongke/contracts';
import type {
  SearchFacetCounts,
  SearchHit,
  SearchQuery,
  SearchResult,
  SearchSuggestion,
} from '../search.types.js';

/**
 * A search page as the REST API sends it: the JSON bytes of a `SearchResponseDto` and their ETag.
 * Rendered where the answer is found (on the search thread, for the embedded engine), so the API
 * receives one buffer instead of an object graph to copy, map and serialize.
 */
export interface RenderedSearchAnswer {
  /**
   * UTF-8 JSON: in an ArrayBuffer of its own (it can be transferred between threads), or in
   * memory the engine reuses, when `release` is set.
   */
  readonly body: Uint8Array;
  readonly etag: string;
  /**
   * Set when the body lies in memory the engine reuses (the search thread's shared slots): call
   * it once, when the body has been sent or copied. Until then that memory is the caller's.
   */
  readonly release?: () => void;
}

type TaxonomyKind = Parameters<typeof labelOf>[0];

const FACET_TAXONOMY: Record<SearchFacet, TaxonomyKind | null> = {
  subject: 'subjects',
  stage: 'stages',
  grade: null,
  edition: 'editions',
  volume: 'volumes',
  resourceType: 'resourceTypes',
  license: 'licenses',
  schoolLocale: 'schoolLocales',
};

const DESCRIPTION_MAX = 200;

function facetLabel(facet: SearchFacet, value: string): string {
  const kind = FACET_TAXONOMY[facet];
  return kind === null ? value : (labelOf(kind, value) ?? value);
}

const coded = (code: string, name: string, kind: TaxonomyKind): LabelledCode => ({
  code,
  name: name || (labelOf(kind, code) ?? code),
});

export function toSearchHitDto(hit: SearchHit): SearchHitDto {
  const d = hit.doc;
  const highlights = hit.highlights;
  return {
    id: d.id,
    title: d.title,
    highlights,
    // The highlighted snippet replaces the plain text rather than repeating it.
    ...(highlights.description === undefined
      ? {
          description:
            d.description.length > DESCRIPTION_MAX
              ? `${d.description.slice(0, DESCRIPTION_MAX)}…`
              : d.description,
        }
      : {}),
    subject: coded(d.subject, d.subjectName, 'subjects'),
    stage: coded(d.stage, d.stageName, 'stages'),
    grade: d.grade,
    edition: coded(d.edition, d.editionName, 'editions'),
    volume: coded(d.volume, d.volumeName, 'volumes'),
    resourceType: coded(d.resourceType, d.resourceTypeName, 'resourceTypes'),
    author: { id: d.authorId, displayName: d.authorName },
    school: { id: d.schoolId, name: d.schoolName, locale: coded(d.schoolLocale, '', 'schoolLocales') },
    status: d.status,
    counts: {
      downloads: d.downloads,
      ratingAvg: Math.round(d.ratingAvg * 10) / 10,
      ratingCount: d.ratingCount,
    },
    createdAt: new Date(d.createdAt).toISOString(),
  };
}

const byLabel = new Intl.Collator('zh-CN');

/** Counts as labelled buckets, most frequent first; selected values are always listed. */
export function toFacetBuckets(
  counts: SearchFacetCounts,
  selected: Partial<Record<SearchFacet, string[]>>,
): Record<SearchFacet, SearchFacetBucketDto[]> {
  const out = {} as Record<SearchFacet, SearchFacetBucketDto[]>;
  for (const facet of SEARCH_FACET_NAMES) {
    const chosen = new Set(selected[facet] ?? []);
    const values = { ...counts[facet] };
    for (const v of chosen) values[v] ??= 0;
    out[facet] = Object.entries(values)
      .filter(([value, count]) => count > 0 || chosen.has(value))
      .map(([value, count]) => ({
        value,
        label: facetLabel(facet, value),
        count,
        selected: chosen.has(value),
      }))
      .sort((a, b) => b.count - a.count || byLabel.compare(a.label, b.label));
  }
  return out;
}

export function toSuggestionDto(s: SearchSuggestion): SearchSuggestionDto {
  return { text: s.text, resourceId: s.id };
}

const utf8 = new TextEncoder();

/** The response to `query` (as the API normalized it: sort, sorted filters) from the engine's answer. */
export function toSearchResponse(
  query: SearchQuery,
  result: SearchResult,
  facets: SearchFacetCounts,
): SearchResponseDto {
  return { q: query.q, hits: result.hits.map(toSearchHitDto), ...pageParts(query, result, facets) };
}

/** Everything in the response after the hits, in the order `SearchResponseDto` lists it. */
function pageParts(
  query: SearchQuery,
  result: SearchResult,
  facets: SearchFacetCounts,
): Omit<SearchResponseDto, 'q' | 'hits'> {
  const pageSize = result.pageSize;
  return {
    total: result.total,
    page: result.page,
    pageSize,
    pageCount: Math.min(
      Math.ceil(result.total / pageSize),
      Math.floor(SEARCH_LIMITS.resultWindow / pageSize),
    ),
    sort: query.sort ?? 'relevance',
    facets: toFacetBuckets(facets, query.filters ?? {}),
    didYouMean: result.didYouMean ?? null,
  };
}

/**
 * Each hit's JSON as UTF-8, by the document and the highlights it was made from. The embedded
 * engine hands out the same objects until the document changes (a write replaces it) and keeps
 * highlights per document and matched terms, so a hit shown again is not mapped, serialized or
 * encoded again; objects no longer held drop out on their own.
 */
const hitJson = new WeakMap<object, WeakMap<object, RenderedHit>>();

/** A hit's JSON as UTF-8 and the SHA-1 of it (what the page's ETag is made from). */
interface RenderedHit {
  json: Uint8Array;
  digest: Buffer;
}

function hitJsonOf(hit: SearchHit): RenderedHit {
  let byHighlights = hitJson.get(hit.doc);
  if (byHighlights === undefined) hitJson.set(hit.doc, (byHighlights = new WeakMap()));
  let rendered = byHighlights.get(hit.highlights);
  if (rendered === undefined) {
    const json = utf8.encode(JSON.stringify(toSearchHitDto(hit)));
    rendered = { json, digest: createHash('sha1').update(json).digest() };
    byHighlights.set(hit.highlights, rendered);
  }
  return rendered;
}

const COMMA = utf8.encode(',');

/**
 * The response's bytes (exactly `JSON.stringify(toSearchResponse(…))`, hits joined from their
 * kept UTF-8) and ETag. The body is written where `bodyIn` says (see SearchAnswerOptions.bodyIn),
 * else into a buffer of its own, so the search thread can hand it over without a copy.
 *
 * The ETag is weak: the body's length and a SHA-1 over the parts before and after the hits and
 * each hit's kept SHA-1, so it changes whenever a byte of the body does, while a page hashes only
 * its few new bytes (hashing every byte of a 22 kB page was a tenth of the engine's time).
 */
export function renderSearchAnswer(
  query: SearchQuery,
  result: SearchResult,
  facets: SearchFacetCounts,
  bodyIn?: (length: number) => Uint8Array | undefined,
): RenderedSearchAnswer {
  const head = utf8.encode(`${JSON.stringify({ q: query.q }).slice(0, -1)},"hits":[`);
  const hits = result.hits.map(hitJsonOf);
  const tail = utf8.encode(`],${JSON.stringify(pageParts(query, result, facets)).slice(1)}`);
  let length = head.byteLength + tail.byteLength + Math.max(0, hits.length - 1) * COMMA.byteLength;
  for (const hit of hits) length += hit.json.byteLength;
  const body = bodyIn?.(length) ?? new Uint8Array(length);
  const hash = createHash('sha1').update(head);
  body.set(head, 0);
  let at = head.byteLength;
  hits.forEach((hit, i) => {
    if (i > 0) {
      body.set(COMMA, at);
      at += COMMA.byteLength;
    }
    body.set(hit.json, at);
    at += hit.json.byteLength;
    hash.update(hit.digest);
  });
  body.set(tail, at);
  hash.update(tail);
  return { body, etag: `W/"${body.length.toString(16)}-${hash.digest('base64').slice(0, 27)}"` };
}
