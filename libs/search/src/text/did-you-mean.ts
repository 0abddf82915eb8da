import { normalizeText } from './normalize.js';
import { pinyinTokens } from './pinyin.js';
import { indexTokens } from './segment.js';

/** Typos tolerated in a Latin word: none below 4 letters, 1 up to 7, 2 from 8. */
export function editBudget(word: string): number {
  if (word.length >= 8) return 2;
  if (word.length >= 4) return 1;
  return 0;
}

/** Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length] ?? 0;
}

export interface CorrectionCandidate {
  term: string;
  distance: number;
  /** How many documents (or hits) have the term: the tie-break. */
  freq: number;
}

/**
 * The correction for a Latin word that is not itself indexed: fewest edits, then most frequent.
 * A word that starts indexed words (yyyc, yiyuanyici) is a prefix search, not a typo, unless one
 * more letter completes it (fangchen → fangcheng: the en/eng slip pinyin typists make most).
 */
export function pickCorrection(
  word: string,
  candidates: Iterable<CorrectionCandidate>,
  startsIndexedWord: boolean,
): string | undefined {
  let best: CorrectionCandidate | undefined;
  for (const c of candidates) {
    if (c.distance === 0 || c.term === word) continue;
    if (startsIndexedWord && !(c.term.startsWith(word) && c.term.length === word.length + 1)) continue;
    if (
      best === undefined ||
      c.distance < best.distance ||
      (c.distance === best.distance && c.freq > best.freq)
    )
      best = c;
  }
  return best?.term;
}

/** Replaces whole Latin words in folded query text. */
export function replaceLatinWord(text: string, word: string, replacement: string): string {
  return text.replace(new RegExp(`(^|[^a-z])${word}(?![a-z])`, 'g'), `$1${replacement}`);
}

/** True when every Latin word starts a pinyin or Latin token of the title itself. */
export function titleMatchesLatinPrefixes(title: string, words: readonly string[]): boolean {
  const normalized = normalizeText(title);
  const { full, initials } = pinyinTokens(normalized);
  const tokens = [...full, ...initials, ...indexTokens(normalized)];
  return words.every((w) => tokens.some((t) => t.startsWith(w)));
}
