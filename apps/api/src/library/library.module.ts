import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ObjectStore } from '@tongke/storage';
import { HealthService } from '../health/health.service.js';
import { DownloadsService } from './downloads/downloads.service.js';
import { FileAccessGuard, FileLinkService } from './downloads/file-links.js';
import { FilesController } from './downloads/files.controller.js';
import { RenditionService } from './downloads/rendition.service.js';
import { ExtractionWorker } from './jobs/extraction.worker.js';
import { LibraryGcService } from './jobs/library-gc.service.js';
import { LibrarySettings } from './library.settings.js';
import { PacksController } from './packs/packs.controller.js';
import { PacksService } from './packs/packs.service.js';
import { PlanningPublicationListener } from './resources/planning-publication.listener.js';
import { ResourceViews } from './resources/resource-views.js';
import { ResourcesController } from './resources/resources.controller.js';
import { ResourcesService } from './resources/resources.service.js';
import { NotificationsService } from './review/notifications.service.js';
import { NotificationsController, ReviewController } from './review/review.controller.js';
import { ReviewService } from './review/review.service.js';
import { ResourceSearchDocuments } from './search/resource-search-documents.service.js';
import { objectStoreProvider } from './storage/object-store.provider.js';
import { FileIngestService } from './uploads/file-ingest.service.js';
import { MultipartUploadService } from './uploads/multipart-upload.service.js';
import { TusUploadService } from './uploads/tus-upload.service.js';
import { UploadStaging } from './uploads/upload-staging.js';
import { UploadsController } from './uploads/uploads.controller.js';

/**
 * The course-material library (资源库): resources with versions and remixes, resumable and
 * multipart uploads into the object store, review and publishing, downloads and previews, lesson
 * packs, background text extraction and storage garbage collection; published plan versions of
 * teaching-research groups arrive here (planning.version_published) as lesson-plan resources. Exports the services other
 * domains use: resources, the search-document builder (for the search worker) and the store.
 */
@Module({
  controllers: [
    ResourcesController,
    FilesController,
    ReviewController,
    NotificationsController,
    UploadsController,
    PacksController,
  ],
  providers: [
    LibrarySettings,
    objectStoreProvider,
    RenditionService,
    FileLinkService,
    FileAccessGuard,
    ResourceViews,
    ResourcesService,
    ReviewService,
    NotificationsService,
    UploadStaging,
    ExtractionWorker,
    LibraryGcService,
    FileIngestService,
    TusUploadService,
    MultipartUploadService,
    DownloadsService,
    PacksService,
    ResourceSearchDocuments,
    PlanningPublicationListener,
  ],
  exports: [
    ResourcesService,
    ResourceSearchDocuments,
    ObjectStore,
    // The demo seed fills the library through the same services as the API.
    FileIngestService,
    ReviewService,
    PacksService,
  ],
})
export class LibraryModule implements OnModuleInit {
  private readonly logger = new Logger('LibraryModule');

  constructor(
    private readonly store: ObjectStore,
    private readonly health: HealthService,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await this.store.init();
    } catch (err) {
      // Start anyway: reads and uploads answer 503 until the store is back, and health says so.
      this.logger.error({ err }, 'object store unavailable at start-up');
    }
    this.health.register('storage', async () => {
      const h = await this.store.health();
      if (!h.ok) {
        this.logger.warn({ detail: h.detail }, 'object store unhealthy');
        return { status: 'down', detail: 'object store unavailable' };
      }
      return { status: this.store.kind === 'local' ? 'embedded' : 'up' };
    });
  }
}
