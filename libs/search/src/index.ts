export { SearchEngine, type SearchAnswerOptions } from './search-engine.js';
export { renderSearchAnswer, toSuggestionDto, type RenderedSearchAnswer } from './answer/search-response.js';
export * from './search.types.js';
export * from './search.errors.js';
export { isVisibleTo } from './visibility.js';
export {
  SEARCH_SYNONYM_GROUPS,
  RESOURCE_TYPE_SYNONYMS,
  CURATED_SYNONYMS,
  CURRICULUM_WORDS,
  type SynonymGroup,
} from './taxonomy-synonyms.js';
export * as searchText from './text/index.js';
export {
  EmbeddedSearchEngine,
  EMBEDDED_ANALYZER_VERSION,
  type EmbeddedSearchEngineOptions,
} from './embedded/embedded-search-engine.js';
export { MeilisearchEngine, type MeilisearchEngineOptions } from './meilisearch/meilisearch-search-engine.js';
export { ThreadedSearchEngine } from './embedded/threaded-search-engine.js';
export { createSearchEngine, type SearchEngineConfig } from './create-search-engine.js';
