import { pinyin } from 'pinyin-pro';
import { normalizeWithOffsets } from './normalize.js';
import { segmentHanRun } from './segment.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

export interface HighlightRequest {
  /** Folded terms to mark wherever they occur (Latin terms only at a word start). */
  terms: readonly string[];
  /** Latin-letter query words to match against the pinyin of Han words (yiyuanyici → 一元一次). */
  pinyinQueries?: readonly string[];
}

export interface SnippetOptions {
  /** Longest snippet, in source characters, for long fields; the whole text is used when shorter. */
  maxLength?: number;
}

const WORD_CHAR = /[a-z0-9]/;
const CHUNK = 2_000;

/** Marks (as [start, end) in normalized text) where terms occur. */
function markTerms(text: string, terms: readonly string[], marks: Uint8Array): void {
  const sorted = [...new Set(terms)].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
  for (const term of sorted) {
    const latin = WORD_CHAR.test(term[0] ?? '');
    let from = 0;
    for (;;) {
      const at = text.indexOf(term, from);
      if (at < 0) break;
      from = at + 1;
      if (latin && at > 0 && WORD_CHAR.test(text[at - 1] ?? '')) continue;
      let free = true;
      for (let k = at; k < at + term.length; k += 1) if (marks[k] === 1) free = false;
      if (!free) continue;
      marks.fill(1, at, at + term.length);
    }
  }
}

/** Marks Han words whose pinyin (full or initials) a Latin query word is a prefix of, or spans. */
function markPinyin(text: string, queries: readonly string[], marks: Uint8Array): void {
  if (queries.length === 0) return;
  for (const m of text.matchAll(/\p{Script=Han}+/gu)) {
    const run = m[0];
    const syllables = pinyin(run, { toneType: 'none', type: 'array', v: true });
    if (syllables.length !== run.length) continue;
    // Matches may start where a word or a search-mode sub-word starts (方程 inside 一元一次方程).
    const starts = new Set<number>();
    for (const w of segmentHanRun(run)) for (const t of w.subTokens) starts.add(t.start);
    for (const start of starts) {
      for (const query of queries) {
        let full = '';
        let initials = '';
        for (let c = start; c < run.length; c += 1) {
          const syllable = syllables[c] ?? '';
          full += syllable;
          initials += syllable.slice(0, 1);
          if (full.startsWith(query) || initials === query) {
            marks.fill(1, m.index + start, m.index + c + 1);
            break;
          }
          if (!query.startsWith(full) && !query.startsWith(initials)) break;
        }
      }
    }
  }
}

function render(source: string, ranges: [number, number][], from: number, to: number): string {
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const [s, e] of ranges) {
    if (e <= from || s >= to) continue;
    const start = Math.max(s, from);
    const end = Math.min(e, to);
    out += escapeHtml(source.slice(at, start)) + '<mark>' + escapeHtml(source.slice(start, end)) + '</mark>';
    at = end;
  }
  out += escapeHtml(source.slice(at, to));
  if (to < source.length) out += '…';
  return out;
}

/** Source ranges of all matches in `source` (no windowing). */
function sourceRanges(source: string, request: HighlightRequest): [number, number][] {
  const { text, sourceIndex } = normalizeWithOffsets(source);
  const marks = new Uint8Array(text.length);
  markTerms(text, request.terms, marks);
  markPinyin(text, request.pinyinQueries ?? [], marks);
  const ranges: [number, number][] = [];
  for (let i = 0; i < marks.length;) {
    if (marks[i] !== 1) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < marks.length && marks[j] === 1) j += 1;
    const start = sourceIndex[i] ?? 0;
    let end = (sourceIndex[j - 1] ?? start) + 1;
    const code = source.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end += 1;
    const last = ranges[ranges.length - 1];
    if (last && last[1] >= start) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
    i = j;
  }
  return ranges;
}

/**
 * The text with every match wrapped in <mark>…</mark> and everything else HTML-escaped, cut to a
 * window around the first match when longer than `maxLength`. Undefined when nothing matches.
 */
export function highlightText(
  source: string,
  request: HighlightRequest,
  options: SnippetOptions = {},
): string | undefined {
  if (source.length === 0) return undefined;
  const maxLength = options.maxLength ?? Number.POSITIVE_INFINITY;
  if (source.length <= maxLength) {
    const ranges = sourceRanges(source, request);
    return ranges.length === 0 ? undefined : render(source, ranges, 0, source.length);
  }
  // Long text. Most extracted text is already simplified Chinese, so first look for a term in the
  // merely lower-cased text (cheap) and fold only a window around it.
  const lower = source.toLowerCase();
  if (lower.length === source.length) {
    let matchAt = -1;
    for (const term of request.terms) {
      const at = term.length > 0 ? lower.indexOf(term) : -1;
      if (at >= 0 && (matchAt < 0 || at < matchAt)) matchAt = at;
    }
    if (matchAt >= 0) {
      const from = Math.max(0, Math.min(matchAt - Math.floor(maxLength / 4), source.length - maxLength));
      const to = Math.min(source.length, from + maxLength);
      const windowRanges = sourceRanges(source.slice(from, to), request).map(([s, e]): [number, number] => [
        s + from,
        e + from,
      ]);
      if (windowRanges.length > 0) return render(source, windowRanges, from, to);
    }
  }
  // Otherwise (traditional characters, full width): fold chunk by chunk until the first match.
  const overlap = Math.max(16, ...request.terms.map((t) => t.length));
  for (let chunkStart = 0; chunkStart < source.length; chunkStart += CHUNK - overlap) {
    const chunk = source.slice(chunkStart, chunkStart + CHUNK);
    const ranges = sourceRanges(chunk, request);
    const first = ranges[0];
    if (first === undefined) {
      if (chunkStart + CHUNK >= source.length) break;
      continue;
    }
    const matchAt = chunkStart + first[0];
    const from = Math.max(0, Math.min(matchAt - Math.floor(maxLength / 4), source.length - maxLength));
    const to = Math.min(source.length, from + maxLength);
    const window = source.slice(from, to);
    const windowRanges = sourceRanges(window, request).map(([s, e]): [number, number] => [
      s + from,
      e + from,
    ]);
    return render(source, windowRanges, from, to);
  }
  return undefined;
}
