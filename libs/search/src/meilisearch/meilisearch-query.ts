import { SEARCH_FACETS, type SearchFilters, type SearchSort, type SearchViewer } from '../search.types.js';
import { editBudget, editDistance, pickCorrection, replaceLatinWord } from '../text/did-you-mean.js';
import { escapeHtml } from '../text/highlight.js';
import type { PreparedQuery } from '../text/prepare-query.js';
import { cutPrecise, splitAlnum, splitPieces } from '../text/segment.js';

/** A string literal for a Meilisearch filter expression. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The visibility rule of isVisibleTo() as a Meilisearch filter, so totals and facets respect it. */
export function visibilityFilter(viewer: SearchViewer): string {
  const own = `authorId = ${quote(viewer.userId)}`;
  if (viewer.isPlatformAdmin) return `(${own}) OR (status = "published")`;
  const shared = ['visibility = "public"'];
  if (viewer.regionId !== null)
    shared.push(`(visibility = "district" AND regionId = ${quote(viewer.regionId)})`);
  if (viewer.schoolId !== null)
    shared.push(`(visibility = "school" AND schoolId = ${quote(viewer.schoolId)})`);
  return `(${own}) OR (status = "published" AND (${shared.join(' OR ')}))`;
}

export function facetFilters(filters: SearchFilters | undefined): string[] {
  const out: string[] = [];
  for (const facet of SEARCH_FACETS) {
    const values = filters?.[facet];
    if (values === undefined || values.length === 0) continue;
    out.push(`${facet} IN [${values.map(quote).join(', ')}]`);
  }
  return out;
}

/**
 * Quoted phrases become filters on phrase_terms (the pre-segmented tokens of title, tags, labels
 * and description): every word of the phrase must be one of the document's tokens. Meilisearch's
 * own phrase search works on its own segmentation, which does not split 一元一次方程组 at 方程,
 * and a post-check on the returned page would make totals, pages and facets wrong. The filter
 * does not check word order; single characters are left to the text query.
 */
export function phraseFilters(pq: PreparedQuery): string[] {
  const out: string[] = [];
  for (const phrase of pq.phrases) {
    const words: string[] = [];
    for (const piece of splitPieces(phrase)) {
      if (piece.kind === 'han') words.push(...cutPrecise(piece.text).filter((w) => w.length >= 2));
      else if (piece.kind === 'alnum') words.push(...splitAlnum(piece.text));
      else words.push(piece.text);
    }
    for (const word of new Set(words)) out.push(`phrase_terms = ${quote(word)}`);
  }
  return out;
}

export function sortParam(sort: SearchSort): string[] | undefined {
  switch (sort) {
    case 'relevance':
      return undefined;
    case 'newest':
      return ['createdAt:desc'];
    case 'downloads':
      return ['downloads:desc', 'createdAt:desc'];
    case 'rating':
      return ['ratingAvg:desc', 'ratingCount:desc', 'createdAt:desc'];
  }
}

/** The query string sent to Meilisearch: the folded words, mixed runs split (unit3 → unit 3). */
export function queryString(pq: PreparedQuery): string {
  return pq.words.join(' ');
}

/** Sentinels for Meilisearch's highlight tags: they cannot occur in text, so escaping stays ours. */
export const PRE_TAG = '\u0002';
export const POST_TAG = '\u0003';
const TAG_SPLIT = new RegExp(`([${PRE_TAG}${POST_TAG}])`);
const TAGS = new RegExp(`[${PRE_TAG}${POST_TAG}]`, 'g');

interface Segment {
  text: string;
  marked: boolean;
}

function segments(formatted: string): Segment[] {
  const out: Segment[] = [];
  let marked = false;
  for (const part of formatted.split(TAG_SPLIT)) {
    if (part === PRE_TAG) marked = true;
    else if (part === POST_TAG) marked = false;
    else if (part.length > 0) out.push({ text: part, marked });
  }
  return out;
}

/**
 * Meilisearch's highlighted text (with sentinel tags) as an HTML-safe snippet with <mark>, cut to
 * a window around the first match when longer than `maxLength`. Undefined when nothing is marked.
 */
export function formatHighlight(
  formatted: string | undefined,
  maxLength = Number.POSITIVE_INFINITY,
): string | undefined {
  if (formatted === undefined || !formatted.includes(PRE_TAG)) return undefined;
  const parts = segments(formatted);
  const plainLength = parts.reduce((n, p) => n + p.text.length, 0);
  let firstMark = 0;
  for (const p of parts) {
    if (p.marked) break;
    firstMark += p.text.length;
  }
  const from =
    plainLength <= maxLength
      ? 0
      : Math.max(0, Math.min(firstMark - Math.floor(maxLength / 4), plainLength - maxLength));
  const to = Math.min(plainLength, from + maxLength);
  let out = from > 0 ? '…' : '';
  let at = 0;
  for (const p of parts) {
    const start = Math.max(at, from);
    const end = Math.min(at + p.text.length, to);
    if (end > start) {
      const text = escapeHtml(p.text.slice(start - at, end - at));
      out += p.marked ? `<mark>${text}</mark>` : text;
    }
    at += p.text.length;
  }
  if (to < plainLength) out += '…';
  return out;
}

/** Whole words around each highlighted span (a prefix match marks only part of a word). */
export function highlightedWords(formatted: string | undefined): string[] {
  if (formatted === undefined) return [];
  const words: string[] = [];
  const plain = formatted.replace(TAGS, '');
  let offset = 0;
  let at = 0;
  for (const part of formatted.split(TAG_SPLIT)) {
    if (part === PRE_TAG) at = offset;
    else if (part === POST_TAG) {
      let start = at;
      let end = offset;
      while (start > 0 && /[a-z]/i.test(plain[start - 1] ?? '')) start -= 1;
      while (end < plain.length && /[a-z]/i.test(plain[end] ?? '')) end += 1;
      words.push(plain.slice(start, end).toLowerCase());
    } else offset += part.length;
  }
  return words;
}

/**
 * Did-you-mean from what Meilisearch's typo tolerance and prefix search matched: for each Latin
 * query word that no hit contains as typed, the matched word closest to it (see pickCorrection).
 */
export function didYouMeanFromHits(pq: PreparedQuery, matchedWords: readonly string[]): string | undefined {
  if (pq.latinWords.length === 0 || matchedWords.length === 0) return undefined;
  const freq = new Map<string, number>();
  for (const w of matchedWords) freq.set(w, (freq.get(w) ?? 0) + 1);
  let corrected = pq.normalized;
  for (const word of pq.latinWords) {
    const budget = editBudget(word);
    if (budget === 0 || freq.has(word)) continue;
    const candidates = [...freq].map(([term, count]) => ({
      term,
      freq: count,
      distance: editDistance(word, term, budget),
    }));
    const startsIndexedWord = [...freq.keys()].some((t) => t.startsWith(word) && t !== word);
    const fix = pickCorrection(
      word,
      candidates.filter((c) => c.distance <= budget),
      startsIndexedWord,
    );
    if (fix !== undefined) corrected = replaceLatinWord(corrected, word, fix);
  }
  return corrected === pq.normalized ? undefined : corrected;
}
