import type { Provider } from '@nestjs/common';
import { AppConfig, type SearchConfig } from '@tongke/config';
import { createSearchEngine, SearchEngine, type SearchEngineConfig } from '@tongke/search';

/** The adapter named by the config: Meilisearch when MEILI_URL is set, else embedded in the data dir. */
export function searchEngineConfigOf(config: SearchConfig): SearchEngineConfig {
  if (config.kind === 'meilisearch' && config.meili)
    return {
      kind: 'meilisearch',
      url: config.meili.url,
      apiKey: config.meili.apiKey,
      indexName: config.meili.index,
    };
  return { kind: 'embedded', dataDir: config.dataDir, thread: config.thread };
}

export const searchEngineProvider: Provider = {
  provide: SearchEngine,
  useFactory: (config: AppConfig): SearchEngine => createSearchEngine(searchEngineConfigOf(config.search)),
  inject: [AppConfig],
};

/** The embedded engine persists snapshots; the indexer flushes before it marks rows processed. */
export interface Flushable {
  flush(): Promise<void>;
}

export function isFlushable(engine: SearchEngine): engine is SearchEngine & Flushable {
  return typeof (engine as Partial<Flushable>).flush === 'function';
}
