import { EmbeddedSearchEngine, type EmbeddedSearchEngineOptions } from './embedded/embedded-search-engine.js';
import { MeilisearchEngine, type MeilisearchEngineOptions } from './meilisearch/meilisearch-search-engine.js';
import type { SearchEngine } from './search-engine.js';

export type SearchEngineConfig =
  ({ kind: 'embedded' } & EmbeddedSearchEngineOptions) | ({ kind: 'meilisearch' } & MeilisearchEngineOptions);

/** Builds the configured adapter, e.g. in a Nest provider: `{ provide: SearchEngine, useFactory: () => createSearchEngine(cfg) }`. */
export function createSearchEngine(config: SearchEngineConfig): SearchEngine {
  switch (config.kind) {
    case 'embedded':
      return new EmbeddedSearchEngine(config);
    case 'meilisearch':
      return new MeilisearchEngine(config);
  }
}
