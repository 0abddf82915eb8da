import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import type { ResourceDto, ResourceFileDto } from '@tongke/contracts';
import {
  Resource,
  ResourceFavourite,
  ResourceFile,
  ResourceRating,
  ResourceVersion,
  School,
  User,
} from '@tongke/database';
import { DataSource, In } from 'typeorm';
import { RenditionService } from '../downloads/rendition.service.js';
import { canManage, canRead, isAttachable, isReviewerOf } from './resource-access.js';
import { labelled, toFileDto, toVersionDto } from './resource.mappers.js';

const byId = <T extends { id: string }>(rows: T[]): Map<string, T> => new Map(rows.map((r) => [r.id, r]));
const unique = (values: (string | null | undefined)[]): string[] => [
  ...new Set(values.filter((v): v is string => typeof v === 'string')),
];

/**
 * Builds ResourceDtos for a viewer: loads the related rows (authors, schools, remix sources,
 * current versions and their files, the viewer's ratings and favourites) in a few batched
 * queries, then maps. Never call inside a transaction (it uses its own connection).
 */
@Injectable()
export class ResourceViews {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly renditions: RenditionService,
  ) {}

  async toDto(p: Principal, r: Resource): Promise<ResourceDto> {
    const [dto] = await this.toDtos(p, [r]);
    return dto;
  }

  async toDtos(p: Principal, resources: Resource[]): Promise<ResourceDto[]> {
    if (resources.length === 0) return [];
    const ids = resources.map((r) => r.id);
    const m = this.dataSource.manager;
    const sources = byId(
      await m.getRepository(Resource).find({
        where: { id: In(unique(resources.map((r) => r.sourceResourceId))) },
      }),
    );
    const versions = byId(
      await m.getRepository(ResourceVersion).find({
        where: { id: In(unique(resources.map((r) => r.currentVersionId))) },
      }),
    );
    const files = versions.size
      ? await m.getRepository(ResourceFile).find({
          where: { versionId: In([...versions.keys()]) },
          order: { position: 'ASC', createdAt: 'ASC' },
        })
      : [];
    const users = byId(
      await m.getRepository(User).find({
        where: {
          id: In(
            unique([
              ...resources.map((r) => r.authorId),
              ...[...sources.values()].map((s) => s.authorId),
              ...[...versions.values()].map((v) => v.createdById),
            ]),
          ),
        },
      }),
    );
    const schools = byId(
      await m.getRepository(School).find({ where: { id: In(unique(resources.map((r) => r.schoolId))) } }),
    );
    const ratings = new Map(
      (await m.getRepository(ResourceRating).find({ where: { userId: p.userId, resourceId: In(ids) } })).map(
        (r) => [r.resourceId, r.stars],
      ),
    );
    const favourites = new Set(
      (
        await m.getRepository(ResourceFavourite).find({ where: { userId: p.userId, resourceId: In(ids) } })
      ).map((f) => f.resourceId),
    );
    const filesByVersion = new Map<string, ResourceFileDto[]>();
    for (const f of files) {
      const list = filesByVersion.get(f.versionId) ?? [];
      list.push(toFileDto(f, this.renditions.available));
      filesByVersion.set(f.versionId, list);
    }

    return resources.map((r): ResourceDto => {
      const author = users.get(r.authorId);
      const school = schools.get(r.schoolId);
      const source = r.sourceResourceId ? sources.get(r.sourceResourceId) : undefined;
      const version = r.currentVersionId ? versions.get(r.currentVersionId) : undefined;
      const isAuthor = r.authorId === p.userId;
      const manager = canManage(p, r);
      return {
        id: r.id,
        title: r.title,
        description: r.description,
        subject: labelled('subjects', r.subject),
        stage: labelled('stages', r.stage),
        grade: r.grade,
        edition: labelled('editions', r.edition),
        volume: labelled('volumes', r.volume),
        unit: r.unit,
        lessonPeriod: r.lessonPeriod,
        resourceType: labelled('resourceTypes', r.resourceType),
        tags: r.tags,
        license: labelled('licenses', r.license),
        author: {
          id: r.authorId,
          displayName: author?.displayName ?? '',
          isMasterTeacher: author?.isMasterTeacher ?? false,
        },
        school: { id: r.schoolId, name: school?.name ?? '', locale: school?.locale ?? 'urban' },
        regionId: r.regionId,
        visibility: r.visibility,
        status: r.status,
        review:
          r.requestedVisibility !== null && r.reviewStage !== null
            ? { requestedVisibility: r.requestedVisibility, stage: r.reviewStage }
            : null,
        lastRejection: isAuthor || isReviewerOf(p, r) || manager ? r.lastRejection : null,
        remixOf: source
          ? {
              id: source.id,
              title: source.title,
              authorName: users.get(source.authorId)?.displayName ?? '',
              available: canRead(p, source),
            }
          : null,
        currentVersion: version
          ? toVersionDto(version, users.get(version.createdById), filesByVersion.get(version.id) ?? [])
          : null,
        counts: {
          views: r.views,
          downloads: r.downloads,
          ratingAvg: r.ratingCount > 0 ? Math.round((r.ratingSum / r.ratingCount) * 100) / 100 : 0,
          ratingCount: r.ratingCount,
        },
        myRating: ratings.get(r.id) ?? null,
        favourited: favourites.has(r.id),
        can: {
          edit: isAuthor && r.status !== 'pending_review',
          upload: isAuthor && isAttachable(r),
          submit: isAuthor && r.status !== 'pending_review',
          withdraw: (manager && r.status === 'published') || (isAuthor && r.status === 'pending_review'),
          review: !isAuthor && isReviewerOf(p, r),
          delete: manager,
        },
        createdAt: r.createdAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
        publishedAt: r.publishedAt?.toISOString() ?? null,
      };
    });
  }
}
