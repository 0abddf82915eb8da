import { Readable } from 'node:stream';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import { DomainEvents } from '@tongke/common';
import { LIBRARY_LIMITS, type DomainEventMap } from '@tongke/contracts';
import { User } from '@tongke/database';
import { DataSource } from 'typeorm';
import { ReviewService } from '../review/review.service.js';
import { FileIngestService } from '../uploads/file-ingest.service.js';
import { ResourcesService } from './resources.service.js';

type PlanPublished = DomainEventMap['planning.version_published'];

/**
 * A teaching-research group's published lesson-plan version (集体备课) becomes a library resource:
 * a lesson_plan authored by the member who published it (at their school), crediting the group,
 * with the generated DOCX attached, submitted for review at district visibility (the group spans
 * the county's schools). Runs after the planning request; failures are logged, never thrown.
 */
@Injectable()
export class PlanningPublicationListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PlanningPublication');
  private off: (() => void) | undefined;

  constructor(
    private readonly events: DomainEvents,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly resources: ResourcesService,
    private readonly ingest: FileIngestService,
    private readonly review: ReviewService,
  ) {}

  onModuleInit(): void {
    this.off = this.events.on('planning.version_published', async (e) => {
      await this.publish(e);
    });
  }

  onModuleDestroy(): void {
    this.off?.();
  }

  async publish(e: PlanPublished): Promise<string | null> {
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: e.actor.userId } });
    if (!user || user.disabledAt !== null || !user.schoolId) {
      this.logger.warn(
        { planId: e.planId, versionId: e.versionId, userId: e.actor.userId },
        'plan version not added to the library: its publisher has no school to publish from',
      );
      return null;
    }
    const p: Principal = {
      userId: user.id,
      role: user.role,
      regionId: user.regionId,
      schoolId: user.schoolId,
      isMasterTeacher: user.isMasterTeacher,
      displayName: user.displayName,
    };
    const m = e.metadata;
    let resourceId: string | null = null;
    try {
      const resource = await this.resources.create(p, {
        title: m.title.slice(0, LIBRARY_LIMITS.titleMax),
        description: `${m.author.groupName} 集体备课 · ${m.versionName}`.slice(
          0,
          LIBRARY_LIMITS.descriptionMax,
        ),
        subject: m.subject,
        stage: m.stage,
        grade: m.grade,
        edition: m.edition,
        volume: m.volume,
        unit: m.unit.slice(0, LIBRARY_LIMITS.unitMax),
        lessonPeriod: m.lessonPeriod,
        resourceType: m.resourceType,
        tags: ['集体备课', m.author.groupName.slice(0, LIBRARY_LIMITS.tagMax)],
        license: 'cc-by-4.0',
        visibility: 'district',
      });
      resourceId = resource.id;
      await this.ingest.ingest(
        p,
        { resourceId: resource.id },
        e.fileName,
        Readable.from([Buffer.from(e.docx)]),
      );
      await this.review.submit(p, resource.id, 'district');
      this.logger.log({ planId: e.planId, resourceId: resource.id }, 'plan version submitted to the library');
      return resource.id;
    } catch (err) {
      this.logger.error(
        { err, planId: e.planId, versionId: e.versionId },
        'plan version could not be added to the library',
      );
      // No half-made resource is left behind (a draft without its file).
      if (resourceId) await this.resources.remove(p, resourceId).catch(() => undefined);
      return null;
    }
  }
}
