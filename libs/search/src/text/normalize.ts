import * as OpenCC from 'opencc-js/t2cn';

type ConvertText = (text: string) => string;
// opencc-js ships .d.ts files whose relative imports lack extensions, so under nodenext its
// option and function types do not resolve; state the one signature used here.
const makeConverter = OpenCC.Converter as unknown as (options: { from: 't'; to: 'cn' }) => ConvertText;
const toSimplified: ConvertText = makeConverter({ from: 't', to: 'cn' });

/**
 * Folds text so that variants compare equal: NFKC (full-width → half-width, ideographic space →
 * space, ① → 1), traditional → simplified (OpenCC t→cn), lower case, whitespace collapsed.
 */
export function normalizeText(text: string): string {
  if (text.length === 0) return '';
  return toSimplified(text.normalize('NFKC')).toLowerCase().replace(/\s+/g, ' ').trim();
}

/** NFKC + t→cn, case kept: for fields shown to people (e.g. what Meilisearch highlights). */
export function normalizeForDisplay(text: string): string {
  if (text.length === 0) return '';
  return toSimplified(text.normalize('NFKC'));
}

export interface NormalizedWithOffsets {
  /** The folded text (same folding as {@link normalizeText}, whitespace not collapsed). */
  text: string;
  /** For each UTF-16 unit of `text`, the index of the source unit it came from. */
  sourceIndex: Int32Array;
}

/**
 * Folds text like {@link normalizeText} but remembers where each folded character came from, so
 * matches found in folded text can be marked in the original (for highlighting).
 */
export function normalizeWithOffsets(source: string): NormalizedWithOffsets {
  // Fast path: the usual case where folding keeps every unit in place.
  const whole = toSimplified(source.normalize('NFKC')).toLowerCase();
  if (whole.length === source.length) {
    const sourceIndex = new Int32Array(whole.length);
    for (let i = 0; i < sourceIndex.length; i += 1) sourceIndex[i] = i;
    return { text: whole, sourceIndex };
  }
  let text = '';
  const indexes: number[] = [];
  let i = 0;
  for (const ch of source) {
    const folded = toSimplified(ch.normalize('NFKC')).toLowerCase();
    text += folded;
    for (let k = 0; k < folded.length; k += 1) indexes.push(i);
    i += ch.length;
  }
  return { text, sourceIndex: Int32Array.from(indexes) };
}

const HAN = /\p{Script=Han}/u;
const LATIN_ONLY = /^[a-z\s]+$/;

export function containsHan(text: string): boolean {
  return HAN.test(text);
}

/** True for normalized text made only of ASCII letters and spaces (a pinyin or English query). */
export function isLatinLettersOnly(normalized: string): boolean {
  return normalized.length > 0 && LATIN_ONLY.test(normalized);
}
