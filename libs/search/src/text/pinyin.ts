import { pinyin } from 'pinyin-pro';
import { segmentHanRun, splitPieces } from './segment.js';

/** How many consecutive words one pinyin token may span (一元/一次方程 → yiyuanyicifangcheng). */
const MAX_WORDS_PER_TOKEN = 4;

function syllablesOf(run: string): string[] {
  const syllables = pinyin(run, { toneType: 'none', type: 'array', v: true });
  if (syllables.length === run.length) return syllables;
  // Characters outside the BMP make offsets differ; fall back to one character at a time.
  const perChar: string[] = [];
  for (let i = 0; i < run.length; i += 1) {
    const code = run.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) {
      perChar.push('');
      continue;
    }
    const ch = String.fromCodePoint(run.codePointAt(i) ?? code);
    perChar.push(pinyin(ch, { toneType: 'none', type: 'array', v: true })[0] ?? '');
  }
  return perChar;
}

export interface PinyinTokens {
  /** Toneless pinyin joined per word and per run of up to four words: shuxue, yiyuanyicifangcheng. */
  full: string[];
  /** Initials of the same spans: sx, yyycfc. */
  initials: string[];
}

/**
 * Pinyin tokens of the Han words in a normalized text, so that 「yiyuanyici」 (a prefix of
 * yiyuanyicifangcheng) and 「yyyc」 find 一元一次方程. Context-aware readings come from
 * pinyin-pro reading the whole run at once (重庆 → chongqing).
 */
export function pinyinTokens(normalized: string): PinyinTokens {
  const full = new Set<string>();
  const initials = new Set<string>();
  const add = (syllables: string[]): void => {
    if (syllables.length === 0 || syllables.some((s) => s.length === 0)) return;
    full.add(syllables.join(''));
    if (syllables.length >= 2) initials.add(syllables.map((s) => s[0]).join(''));
  };
  for (const piece of splitPieces(normalized)) {
    if (piece.kind !== 'han') continue;
    const syllables = syllablesOf(piece.text);
    const words = segmentHanRun(piece.text);
    for (let i = 0; i < words.length; i += 1) {
      const first = words[i];
      if (first === undefined) continue;
      for (const sub of first.subTokens) add(syllables.slice(sub.start, sub.start + sub.text.length));
      for (let j = i + 1; j < Math.min(words.length, i + MAX_WORDS_PER_TOKEN); j += 1) {
        const last = words[j];
        if (last === undefined) break;
        add(syllables.slice(first.start, last.start + last.word.length));
      }
    }
  }
  return { full: [...full], initials: [...initials] };
}
