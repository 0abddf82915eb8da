import type { Settings } from 'meilisearch';
import { MAX_RESULT_WINDOW, SEARCH_FACETS } from '../search.types.js';
import { SEARCH_SYNONYM_GROUPS, type SynonymGroup } from '../taxonomy-synonyms.js';
import { normalizeText } from '../text/normalize.js';

/** Searchable attributes, most important first (Meilisearch's `attribute` ranking rule). */
export const SEARCHABLE_ATTRIBUTES = [
  'seg_title',
  'n_title',
  'seg_tags',
  'py_title',
  'seg_labels',
  'py_labels',
  'seg_description',
  'n_description',
  'seg_people',
  'latin_text',
  'seg_text',
] as const;

/** What a query that is not all Latin letters searches: everything but the pinyin fields. */
export const NON_PINYIN_ATTRIBUTES: string[] = SEARCHABLE_ATTRIBUTES.filter((a) => !a.startsWith('py_'));

/** Attributes a suggestion (title autocomplete) searches. */
export const SUGGEST_ATTRIBUTES = {
  han: ['seg_title', 'n_title', 'seg_tags'],
  latin: ['py_title', 'seg_title'],
};

export const FILTERABLE_ATTRIBUTES = [
  ...SEARCH_FACETS,
  'visibility',
  'status',
  'authorId',
  'schoolId',
  'regionId',
  'phrase_terms',
];

export const SORTABLE_ATTRIBUTES = ['createdAt', 'downloads', 'ratingAvg', 'ratingCount'];

/** Mutual synonyms from the taxonomy aliases, folded like queries are. */
export function synonymSettings(
  groups: readonly SynonymGroup[] = SEARCH_SYNONYM_GROUPS,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const group of groups) {
    const words = [...new Set(group.words.map(normalizeText))];
    for (const word of words) {
      const others = new Set(out[word] ?? []);
      for (const other of words) if (other !== word) others.add(other);
      out[word] = [...others].sort();
    }
  }
  return out;
}

export function desiredSettings(): Settings {
  return {
    searchableAttributes: [...SEARCHABLE_ATTRIBUTES],
    filterableAttributes: FILTERABLE_ATTRIBUTES,
    sortableAttributes: SORTABLE_ATTRIBUTES,
    // `sort` first: an explicit sort (newest, downloads, rating) orders the matches outright, as
    // in the embedded engine; without a sort parameter the rule does nothing and relevance ranks.
    rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness', 'downloads:desc'],
    // Chinese fields are segmented as Mandarin; without this, short all-Han strings can be
    // detected as Japanese and cut differently at index and query time.
    localizedAttributes: [
      { attributePatterns: ['seg_*', 'n_*', 'title', 'description', 'tags', 'unit'], locales: ['cmn'] },
    ],
    synonyms: synonymSettings(),
    typoTolerance: {
      enabled: true,
      minWordSizeForTypos: { oneTypo: 4, twoTypos: 8 },
      // Only Latin words may be "misspelt" (see MeiliResourceDocument); numbers never (3.1 ≠ 3.2).
      disableOnAttributes: SEARCHABLE_ATTRIBUTES.filter((a) => a !== 'latin_text' && !a.startsWith('py_')),
      disableOnNumbers: true,
    },
    faceting: { maxValuesPerFacet: 500, sortFacetValuesBy: { '*': 'count' } },
    pagination: { maxTotalHits: MAX_RESULT_WINDOW },
  };
}

/** Only these settings are lists whose order means something; any other list is a set. */
const ORDERED: ReadonlySet<string> = new Set(['searchableAttributes', 'rankingRules']);

function canonical(value: unknown, ordered: boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v, false));
    return ordered ? items : items.map((v) => JSON.stringify(v)).sort();
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v, false)]),
    );
  }
  return value;
}

/** True when every key set in `desired` has the same value in `actual` (extra keys in actual are ignored). */
function covers(desired: unknown, actual: unknown): boolean {
  if (desired !== null && typeof desired === 'object' && !Array.isArray(desired)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) =>
      covers(v, (actual as Record<string, unknown>)[k]),
    );
  }
  return JSON.stringify(desired) === JSON.stringify(actual);
}

/**
 * The settings that differ from what the index has, so init() only enqueues an update (and a
 * reindex) when something changed: applying settings is idempotent and cheap on restart.
 */
export function settingsDiff(desired: Settings, actual: Settings): Settings {
  const diff: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(desired)) {
    const ordered = ORDERED.has(key);
    const have = (actual as Record<string, unknown>)[key];
    if (!covers(canonical(value, ordered), canonical(have, ordered))) diff[key] = value;
  }
  return diff;
}
