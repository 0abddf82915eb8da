import {
  EXTRACTED_TEXT_INDEX_LIMIT,
  type ResourceSearchDocument,
  type SearchHitDocument,
} from '../search.types.js';
import { normalizeText } from './normalize.js';
import { pinyinTokens } from './pinyin.js';
import { indexTokens } from './segment.js';

/** The searchable text fields every adapter indexes, in order of weight. */
export const TEXT_FIELDS = [
  'title',
  'tags',
  'labels',
  'pinyinTitle',
  'pinyinLabels',
  'description',
  'people',
  'text',
] as const;
/** Fields holding pinyin (full and initials), searched only by Latin-letter queries. */
export const PINYIN_FIELDS: readonly TextField[] = ['pinyinTitle', 'pinyinLabels'];
export type TextField = (typeof TEXT_FIELDS)[number];

export type PreparedDocument = Record<TextField, string[]> & {
  /** Distinct Latin-letter terms (English words and pinyin): the vocabulary for did-you-mean. */
  latinTerms: string[];
  /** Distinct tokens of title, tags, labels and description: what a quoted phrase is checked against. */
  phraseTerms: string[];
};

/** Curriculum labels as one text: 数学 初中 七年级 人教版 上册 教学设计 第三单元 一元一次方程 第1课时. */
export function labelText(doc: SearchHitDocument): string {
  return [
    doc.subjectName,
    doc.stageName,
    doc.grade,
    doc.editionName,
    doc.volumeName,
    doc.resourceTypeName,
    doc.unit,
    doc.lessonPeriod ?? '',
  ].join(' ');
}

/** extractedText as indexed, stored and returned: the first 20k characters. */
export function capExtractedText(text: string): string {
  return text.length > EXTRACTED_TEXT_INDEX_LIMIT ? text.slice(0, EXTRACTED_TEXT_INDEX_LIMIT) : text;
}

/** Normalized title, tags, labels and description: where a quoted phrase must occur. */
export function phraseHaystack(doc: SearchHitDocument): string {
  return normalizeText([doc.title, doc.tags.join(' '), labelText(doc), doc.description].join(' \u0000 '));
}

/**
 * Whether two versions of a document index the same text: every field prepareDocument() and
 * phraseHaystack() read is equal (`b.extractedText` already capped). A new version that differs
 * only in counts, status, visibility or dates can then keep its postings.
 */
export function sameIndexedText(a: SearchHitDocument, aText: string, b: ResourceSearchDocument): boolean {
  return (
    a.title === b.title &&
    a.description === b.description &&
    a.tags.length === b.tags.length &&
    a.tags.every((t, i) => t === b.tags[i]) &&
    labelText(a) === labelText(b) &&
    a.authorName === b.authorName &&
    a.schoolName === b.schoolName &&
    aText === b.extractedText
  );
}

const LATIN_TERM = /^[a-z]{2,}$/;
// Short fields also get every dictionary word inside them; extractedText (long) only search mode.
const FULL = { allDictionaryWords: true };

/** Normalizes and segments a document once; both adapters index the result. */
export function prepareDocument(doc: ResourceSearchDocument): PreparedDocument {
  const title = normalizeText(doc.title);
  const tags = normalizeText(doc.tags.join(' '));
  const labels = normalizeText(labelText(doc));
  const titlePinyin = pinyinTokens(`${title} ${tags}`);
  const labelPinyin = pinyinTokens(labels);
  const prepared: PreparedDocument = {
    title: indexTokens(title, FULL),
    tags: indexTokens(tags, FULL),
    labels: indexTokens(labels, FULL),
    pinyinTitle: [...titlePinyin.full, ...titlePinyin.initials],
    pinyinLabels: [...labelPinyin.full, ...labelPinyin.initials],
    description: indexTokens(normalizeText(doc.description), FULL),
    people: indexTokens(normalizeText(`${doc.authorName} ${doc.schoolName}`)),
    text: indexTokens(normalizeText(capExtractedText(doc.extractedText))),
    latinTerms: [],
    phraseTerms: [],
  };
  const latin = new Set<string>();
  for (const field of TEXT_FIELDS) for (const t of prepared[field]) if (LATIN_TERM.test(t)) latin.add(t);
  prepared.latinTerms = [...latin];
  prepared.phraseTerms = [
    ...new Set([...prepared.title, ...prepared.tags, ...prepared.labels, ...prepared.description]),
  ];
  return prepared;
}
