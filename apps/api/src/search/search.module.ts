import { Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SearchEngine } from '@tongke/search';
import { HealthService, type ComponentCheck } from '../health/health.service.js';
import { LibraryModule } from '../library/library.module.js';
import { ResourceOutboxRepository } from './indexer/resource-outbox.repository.js';
import { SearchIndexer } from './indexer/search-indexer.service.js';
import { SearchController } from './search.controller.js';
import { searchEngineProvider } from './search-engine.provider.js';
import { SearchService } from './search.service.js';
import { SearchSettings } from './search.settings.js';

/**
 * Library search: the configured engine (embedded, or Meilisearch when MEILI_URL is set), the
 * outbox worker that keeps it in step with the database, the search endpoints and the health
 * check (engine state plus indexing lag).
 */
@Module({
  imports: [LibraryModule],
  controllers: [SearchController],
  providers: [searchEngineProvider, SearchSettings, ResourceOutboxRepository, SearchIndexer, SearchService],
  exports: [SearchService],
})
export class SearchModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SearchModule');

  constructor(
    private readonly engine: SearchEngine,
    private readonly indexer: SearchIndexer,
    private readonly outbox: ResourceOutboxRepository,
    private readonly health: HealthService,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await this.engine.init();
    } catch (err) {
      // Start anyway: changes queue up in the outbox and the indexer retries init until it works.
      this.logger.error({ err }, 'search engine unavailable at start-up');
    }
    this.health.register('search', () => this.check());
  }

  async onApplicationShutdown(): Promise<void> {
    // The indexer has stopped by now (onModuleDestroy); the embedded engine writes its snapshot.
    await this.engine
      .close()
      .catch((err: unknown) => this.logger.error({ err }, 'closing the search engine failed'));
  }

  private async check(): Promise<ComponentCheck> {
    const [engine, lag] = await Promise.all([this.engine.health(), this.outbox.lag().catch(() => null)]);
    const s = this.indexer.status;
    const detail = {
      engine: engine.kind,
      ...(engine.documents !== undefined ? { documents: engine.documents } : {}),
      ...(engine.error !== undefined ? { error: engine.error } : {}),
      backlog: lag?.backlog ?? null,
      lagMs: lag?.oldestPendingMs ?? null,
      lastSyncAt: s.lastSyncAt,
      lastError: s.lastError,
      lastErrorAt: s.lastErrorAt,
      retryInMs: s.retryInMs,
      setAside: s.setAside,
      rebuilding: s.rebuilding,
    };
    if (engine.status === 'down') return { status: 'down', detail };
    return { status: engine.kind === 'embedded' ? 'embedded' : 'up', detail };
  }
}
