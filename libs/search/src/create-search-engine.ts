import { EmbeddedSearchEngine, type EmbeddedSearchEngineOptions } from './embedded/embedded-search-engine.js';
import { ThreadedSearchEngine } from './embedded/threaded-search-engine.js';
import { MeilisearchEngine, type MeilisearchEngineOptions } from './meilisearch/meilisearch-search-engine.js';
import type { SearchEngine } from './search-engine.js';

export type SearchEngineConfig =
  | ({
      kind: 'embedded';
      /** On a worker thread of its own (default), else on the caller's. */
      thread?: boolean;
    } & EmbeddedSearchEngineOptions)
  | ({ kind: 'meilisearch' } & MeilisearchEngineOptions);

/** Builds the configured adapter, e.g. in a Nest provider: `{ provide: SearchEngine, useFactory: () => createSearchEngine(cfg) }`. */
export function createSearchEngine(config: SearchEngineConfig): SearchEngine {
  switch (config.kind) {
    case 'embedded':
      return config.thread === false ? new EmbeddedSearchEngine(config) : new ThreadedSearchEngine(config);
    case 'meilisearch':
      return new MeilisearchEngine(config);
  }
}
