import { isLatinLettersOnly, normalizeText } from './normalize.js';
import { cutPrecise, isStopWord, splitAlnum, splitPieces, type TextPieceKind } from './segment.js';
import { DEFAULT_SYNONYMS, type SynonymMap } from './synonyms.js';

/** One way to satisfy a query word: all of `terms` must match. */
export interface QueryAlternative {
  terms: string[];
  /** From the synonym table rather than typed by the user (ranked a little lower). */
  synonym: boolean;
}

/** One word of the query; a document must satisfy at least one alternative of every group. */
export interface QueryGroup {
  word: string;
  kind: Exclude<TextPieceKind, 'other'> | 'other';
  alternatives: QueryAlternative[];
}

export interface PreparedQuery {
  raw: string;
  /** Folded query text, phrases included without their quotes. */
  normalized: string;
  groups: QueryGroup[];
  /** Folded quoted phrases, each required to occur as written in title, tags, labels or description. */
  phrases: string[];
  /** The query is Latin letters only: it is also matched against the pinyin fields. */
  latinOnly: boolean;
  /** Latin-letter words, candidates for did-you-mean. */
  latinWords: string[];
  /** The words as typed (one per group), for engines that take a query string. */
  words: string[];
  /** Every term that may appear in a matching document (words and synonyms), for highlighting. */
  highlightTerms: string[];
  isEmpty: boolean;
}

const PHRASE = /"([^"]+)"|“([^”]+)”|「([^」]+)」/g;

function termsOfSynonym(synonym: string): string[] {
  const terms: string[] = [];
  for (const piece of splitPieces(synonym)) {
    if (piece.kind === 'han') terms.push(...cutPrecise(piece.text).filter((w) => !isStopWord(w)));
    else if (piece.kind === 'alnum') terms.push(...splitAlnum(piece.text));
    else terms.push(piece.text);
  }
  return terms;
}

function groupsOf(normalized: string, synonyms: SynonymMap): QueryGroup[] {
  const groups: QueryGroup[] = [];
  const withSynonyms = (word: string, kind: QueryGroup['kind'], primary: QueryAlternative[]): QueryGroup => {
    const alternatives = [...primary];
    for (const synonym of synonyms.get(word) ?? [])
      alternatives.push({ terms: termsOfSynonym(synonym), synonym: true });
    return { word, kind, alternatives };
  };
  for (const piece of splitPieces(normalized)) {
    switch (piece.kind) {
      case 'han':
        for (const word of cutPrecise(piece.text)) {
          if (isStopWord(word)) continue;
          groups.push(withSynonyms(word, 'han', [{ terms: [word], synonym: false }]));
        }
        break;
      case 'alnum':
        groups.push({
          word: piece.text,
          kind: 'alnum',
          alternatives: [{ terms: splitAlnum(piece.text), synonym: false }],
        });
        break;
      case 'latin':
      case 'number':
      case 'other':
        if (isStopWord(piece.text)) continue;
        groups.push(withSynonyms(piece.text, piece.kind, [{ terms: [piece.text], synonym: false }]));
    }
  }
  return groups;
}

/** Parses, folds and segments a user query the same way documents are. */
export function prepareQuery(raw: string, synonyms: SynonymMap = DEFAULT_SYNONYMS): PreparedQuery {
  const phrases: string[] = [];
  const unquoted = raw.replace(PHRASE, (_m: string, a?: string, b?: string, c?: string) => {
    const phrase = normalizeText(a ?? b ?? c ?? '');
    if (phrase.length > 0) phrases.push(phrase);
    return ` ${a ?? b ?? c ?? ''} `;
  });
  const normalized = normalizeText(unquoted);
  const groups = groupsOf(normalized, synonyms);
  const highlight = new Set<string>();
  for (const g of groups) for (const alt of g.alternatives) for (const t of alt.terms) highlight.add(t);
  return {
    raw,
    normalized,
    groups,
    phrases,
    latinOnly: isLatinLettersOnly(normalized),
    latinWords: groups.filter((g) => g.kind === 'latin').map((g) => g.word),
    words: groups.flatMap((g) => (g.kind === 'alnum' ? (g.alternatives[0]?.terms ?? []) : [g.word])),
    highlightTerms: [...highlight],
    isEmpty: groups.length === 0 && phrases.length === 0,
  };
}

/** True when the folded text contains the phrase (whitespace-insensitive). */
export function containsPhrase(haystack: string, phrase: string): boolean {
  return haystack.replace(/ /g, '').includes(phrase.replace(/ /g, ''));
}
