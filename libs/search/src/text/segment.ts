import { createRequire } from 'node:module';
import type { Jieba as JiebaInstance } from '@node-rs/jieba';
import { CURRICULUM_WORDS, SEARCH_SYNONYM_GROUPS } from '../taxonomy-synonyms.js';

// @node-rs/jieba is CommonJS without an exports map; createRequire keeps the import identical
// under Node ESM and the test runner.
const require = createRequire(import.meta.url);

interface JiebaModule {
  Jieba: { withDict(dict: Uint8Array): JiebaInstance };
}
interface JiebaDictModule {
  dict: Uint8Array;
}

let jieba: JiebaInstance | undefined;

function getJieba(): JiebaInstance {
  if (jieba === undefined) {
    const { Jieba } = require('@node-rs/jieba') as JiebaModule;
    const { dict } = require('@node-rs/jieba/dict') as JiebaDictModule;
    const instance = Jieba.withDict(dict);
    const extra = new Set<string>(CURRICULUM_WORDS);
    for (const group of SEARCH_SYNONYM_GROUPS)
      for (const word of group.words) if (/\p{Script=Han}/u.test(word)) extra.add(word);
    // A moderate frequency makes these words win over single characters without out-ranking
    // longer dictionary words that contain them.
    instance.loadDict(Buffer.from([...extra].map((w) => `${w} 3000 n`).join('\n') + '\n'));
    jieba = instance;
  }
  return jieba;
}

/** Words dropped from documents and queries: they carry no meaning on their own. */
const STOP_WORDS = new Set([
  '的',
  '了',
  '和',
  '与',
  '及',
  '之',
  '在',
  '是',
  '或',
  '等',
  '对',
  '把',
  '被',
  '地',
  '得',
  '着',
  '也',
  '而',
  'the',
  'a',
  'an',
  'of',
  'and',
  'or',
  'to',
  'in',
  'on',
  'for',
  'is',
  'are',
  'with',
]);

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

export interface HanWord {
  /** A word of jieba's precise cut. */
  word: string;
  /** Offset of the word inside its run. */
  start: number;
  /** Search-mode tokens of the word (its dictionary 2- and 3-grams, then the word), with offsets inside the run. */
  subTokens: { text: string; start: number }[];
}

/**
 * Precise cut of a run of Han characters, each word with its search-mode sub-tokens. This is
 * jieba's cut_for_search, kept per word so callers also know where each token sits.
 */
export function segmentHanRun(run: string): HanWord[] {
  const j = getJieba();
  const words = j.cut(run, false);
  // cut_for_search emits, for each word of the precise cut, the word's dictionary 2- and 3-grams
  // and then the word itself; walking both lists together gives each token its word and offset.
  const search = j.cutForSearch(run, false);
  const out: HanWord[] = [];
  let offset = 0;
  let k = 0;
  for (const word of words) {
    const start = offset;
    offset += word.length;
    const subTokens: { text: string; start: number }[] = [];
    while (k < search.length) {
      const token = search[k] ?? '';
      k += 1;
      if (token === word) break;
      const at = word.indexOf(token);
      if (at < 0) return segmentWordByWord(words);
      subTokens.push({ text: token, start: start + at });
    }
    subTokens.push({ text: word, start });
    out.push({ word, start, subTokens });
  }
  return out;
}

/**
 * Every dictionary word of two or more characters found anywhere in a Han run (jieba's full
 * mode), e.g. 一次方程 inside 一元一次方程组, which precise and search-mode cuts split across.
 */
export function dictionaryWords(run: string): string[] {
  return getJieba()
    .cutAll(run)
    .filter((w) => w.length >= 2);
}

/** Fallback if the two cuts ever disagree: search-mode cut of each word on its own. */
function segmentWordByWord(words: string[]): HanWord[] {
  const j = getJieba();
  let offset = 0;
  return words.map((word) => {
    const start = offset;
    offset += word.length;
    const subTokens =
      word.length <= 2
        ? [{ text: word, start }]
        : j
            .cutForSearch(word, false)
            .map((text) => ({ text, start: start + Math.max(0, word.indexOf(text)) }));
    return { word, start, subTokens };
  });
}

/** Precise-mode cut (the words a person meant), used for query words. */
export function cutPrecise(run: string): string[] {
  return getJieba().cut(run, false);
}

export type TextPieceKind = 'han' | 'latin' | 'number' | 'alnum' | 'other';

export interface TextPiece {
  kind: TextPieceKind;
  text: string;
  start: number;
}

// Han runs; dotted numbers such as 3.1 or 2.3.4 kept whole; other letter/digit runs.
const PIECE = /(\p{Script=Han}+)|(\d+(?:\.\d+)+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+)/gu;

/** Splits normalized text into Han runs, dotted numbers and other letter/digit runs. */
export function splitPieces(normalized: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  for (const m of normalized.matchAll(PIECE)) {
    const start = m.index;
    if (m[1] !== undefined) pieces.push({ kind: 'han', text: m[1], start });
    else if (m[2] !== undefined) pieces.push({ kind: 'number', text: m[2], start });
    else if (m[3] !== undefined) pieces.push({ kind: classifyRun(m[3]), text: m[3], start });
  }
  return pieces;
}

function classifyRun(run: string): TextPieceKind {
  const hasDigit = /\p{N}/u.test(run);
  const hasLetter = /\p{L}/u.test(run);
  if (hasDigit && hasLetter) return 'alnum';
  if (hasDigit) return 'number';
  return /^[a-z]+$/.test(run) ? 'latin' : 'other';
}

/** unit3 → [unit, 3]; letters and digits of a mixed run, so 「Unit 3」 and 「unit3」 meet. */
export function splitAlnum(run: string): string[] {
  return run.match(/\p{L}+|\p{N}+/gu) ?? [run];
}

/**
 * Tokens to index for a normalized text: jieba search-mode tokens for Han runs (so 方程 is a
 * token of 一元一次方程 and of 方程组), numbers like 3.1 whole, mixed runs whole plus their parts.
 * With `allDictionaryWords` (short fields), also every dictionary word inside a run, so a query
 * word is found even where the document's own cut ran across it. Stop words are dropped;
 * repeats are kept (they are term frequency).
 */
export function indexTokens(normalized: string, options: { allDictionaryWords?: boolean } = {}): string[] {
  const tokens: string[] = [];
  for (const piece of splitPieces(normalized)) {
    switch (piece.kind) {
      case 'han': {
        const seen = new Set<string>();
        for (const w of segmentHanRun(piece.text)) {
          for (const t of w.subTokens) {
            if (STOP_WORDS.has(t.text)) continue;
            tokens.push(t.text);
            seen.add(t.text);
          }
        }
        if (options.allDictionaryWords)
          for (const w of dictionaryWords(piece.text)) if (!seen.has(w)) tokens.push(w);
        break;
      }
      case 'alnum':
        tokens.push(piece.text, ...splitAlnum(piece.text));
        break;
      case 'latin':
      case 'number':
      case 'other':
        if (!STOP_WORDS.has(piece.text)) tokens.push(piece.text);
    }
  }
  return tokens;
}
