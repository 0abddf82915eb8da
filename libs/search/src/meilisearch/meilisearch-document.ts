import type { ResourceSearchDocument } from '../search.types.js';
import { normalizeForDisplay } from '../text/normalize.js';
import { capExtractedText, prepareDocument } from '../text/prepare-document.js';

/**
 * What is sent to Meilisearch: the resource as given (returned in hits) plus derived fields.
 *
 * Meilisearch segments Chinese itself (charabia, jieba's default mode) but only matches a word
 * inside a longer compound when it is the query's last word (prefix search): 方程 would miss
 * 一元一次方程 in the middle of a query. So the searchable fields are pre-segmented here with the
 * same jieba search-mode cut the embedded engine uses, space-joined (seg_*), after the same
 * folding (traditional → simplified, full width → half width, lower case). n_title and
 * n_description are the folded text with case kept, searchable too so Meilisearch can highlight
 * them. Latin-letter tokens also go to latin_text, the only text field with typo tolerance:
 * Meilisearch counts typos per character, and one character off in Chinese is another word
 * (一元二次方程 is not a typo of 一元一次方程).
 */
export interface MeiliResourceDocument extends ResourceSearchDocument {
  n_title: string;
  n_description: string;
  seg_title: string;
  seg_tags: string;
  seg_labels: string;
  seg_description: string;
  seg_people: string;
  seg_text: string;
  py_title: string;
  py_labels: string;
  latin_text: string;
  /** Distinct tokens of title, tags, labels and description: quoted phrases filter on these. */
  phrase_terms: string[];
}

/** The original resource fields, retrieved for hits. */
export const RESOURCE_FIELDS: readonly (keyof ResourceSearchDocument)[] = [
  'id',
  'title',
  'description',
  'tags',
  'subject',
  'subjectName',
  'stage',
  'stageName',
  'grade',
  'edition',
  'editionName',
  'volume',
  'volumeName',
  'unit',
  'lessonPeriod',
  'resourceType',
  'resourceTypeName',
  'license',
  'authorId',
  'authorName',
  'schoolId',
  'schoolName',
  'schoolLocale',
  'regionId',
  'visibility',
  'status',
  'extractedText',
  'createdAt',
  'downloads',
  'ratingAvg',
  'ratingCount',
];

const LATIN = /^[a-z]{2,}$/;

export function toMeiliDocument(input: ResourceSearchDocument): MeiliResourceDocument {
  const doc: ResourceSearchDocument = { ...input, extractedText: capExtractedText(input.extractedText) };
  const p = prepareDocument(doc);
  const latin = new Set<string>();
  for (const field of ['title', 'tags', 'labels', 'description', 'people', 'text'] as const) {
    for (const t of p[field]) if (LATIN.test(t)) latin.add(t);
  }
  return {
    ...doc,
    n_title: normalizeForDisplay(doc.title),
    n_description: normalizeForDisplay(doc.description),
    seg_title: p.title.join(' '),
    seg_tags: p.tags.join(' '),
    seg_labels: p.labels.join(' '),
    seg_description: p.description.join(' '),
    seg_people: p.people.join(' '),
    seg_text: p.text.join(' '),
    py_title: p.pinyinTitle.join(' '),
    py_labels: p.pinyinLabels.join(' '),
    latin_text: [...latin].join(' '),
    phrase_terms: p.phraseTerms,
  };
}

/** The resource part of a stored Meilisearch document. */
export function fromMeiliHit(hit: Record<string, unknown>): ResourceSearchDocument {
  const doc: Record<string, unknown> = {};
  for (const field of RESOURCE_FIELDS) doc[field] = hit[field];
  return doc as unknown as ResourceSearchDocument;
}
