import { SEARCH_SYNONYM_GROUPS, type SynonymGroup } from '../taxonomy-synonyms.js';
import { normalizeText } from './normalize.js';

export type SynonymMap = ReadonlyMap<string, readonly string[]>;

/** Every normalized word → the other normalized words of its groups. */
export function buildSynonymMap(groups: readonly SynonymGroup[] = SEARCH_SYNONYM_GROUPS): SynonymMap {
  const map = new Map<string, Set<string>>();
  for (const group of groups) {
    const words = [...new Set(group.words.map(normalizeText))];
    for (const word of words) {
      const others = map.get(word) ?? new Set<string>();
      for (const other of words) if (other !== word) others.add(other);
      map.set(word, others);
    }
  }
  return new Map([...map].map(([word, others]) => [word, [...others]]));
}

export const DEFAULT_SYNONYMS: SynonymMap = buildSynonymMap();
