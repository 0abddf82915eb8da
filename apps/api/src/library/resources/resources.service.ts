import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import { DomainEvents } from '@tongke/common';
import {
  gradesOf,
  LIBRARY_LIMITS,
  subjectTaughtAt,
  type CreateResourceRequest,
  type CreateVersionRequest,
  type RemixResourceRequest,
  type ResourceDto,
  type ResourceListQuery,
  type ResourcePageDto,
  type ResourceVersionDto,
  type UpdateResourceRequest,
} from '@tongke/contracts';
import {
  LessonPackItem,
  Resource,
  ResourceFavourite,
  ResourceFile,
  ResourceRating,
  ResourceVersion,
  ReviewEvent,
  School,
  User,
} from '@tongke/database';
import { Brackets, DataSource, In, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { RenditionService } from '../downloads/rendition.service.js';
import { LibraryErrors } from '../library.errors.js';
import { canManage, canRead, isAttachable, visibleWhere } from './resource-access.js';
import { actorOf, resourceRefOf } from './resource-events.js';
import { enqueueResourceChange } from './resource-outbox.js';
import { toFileDto, toVersionDto } from './resource.mappers.js';
import { ResourceViews } from './resource-views.js';
import { EXTRACTABLE_KINDS } from './file-kinds.js';

type TaxonomyFields = Pick<Resource, 'subject' | 'stage' | 'grade'>;

/** The cross-field taxonomy rules the DTO cannot express (the DTO checks each code on its own). */
export function taxonomyProblems(r: TaxonomyFields): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  if (!subjectTaughtAt(r.subject, r.stage))
    fields.subject = [`subject ${r.subject} is not taught at stage ${r.stage}`];
  if (!gradesOf(r.stage).includes(r.grade))
    fields.grade = [`grade must be one of ${gradesOf(r.stage).join(', ')} for stage ${r.stage}`];
  return fields;
}

/** Resources: records, versions, remixes, ratings, favourites. Review and publishing live in ReviewService. */
@Injectable()
export class ResourcesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly views: ResourceViews,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly renditions: RenditionService,
  ) {}

  async create(p: Principal, req: CreateResourceRequest): Promise<ResourceDto> {
    const school = await this.schoolOf(p);
    const fields = taxonomyProblems(req);
    if (Object.keys(fields).length) throw LibraryErrors.taxonomy(fields);
    const id = await this.dataSource.transaction(async (m) => {
      const resource = await m.getRepository(Resource).save(
        m.getRepository(Resource).create({
          title: req.title,
          description: req.description ?? '',
          subject: req.subject,
          stage: req.stage,
          grade: req.grade,
          edition: req.edition,
          volume: req.volume,
          unit: req.unit ?? '',
          lessonPeriod: req.lessonPeriod ?? null,
          resourceType: req.resourceType,
          tags: normaliseTags(req.tags),
          license: req.license,
          authorId: p.userId,
          schoolId: school.id,
          regionId: school.regionId,
          visibility: req.visibility ?? 'school',
          status: 'draft',
          requestedVisibility: null,
          reviewStage: null,
          lastRejection: null,
          sourceResourceId: null,
          currentVersionId: null,
          publishedAt: null,
          deletedAt: null,
        }),
      );
      await this.addVersion(m, resource.id, 1, '', p.userId);
      await enqueueResourceChange(m, resource.id);
      return resource.id;
    });
    return this.views.toDto(p, await this.loadLive(id));
  }

  async update(p: Principal, id: string, req: UpdateResourceRequest): Promise<ResourceDto> {
    const current = await this.loadReadable(p, id);
    if (current.authorId !== p.userId) throw LibraryErrors.notAuthor();
    if (current.status === 'pending_review') throw LibraryErrors.underReview();
    const merged = { ...current, ...definedOnly(req) };
    const fields = taxonomyProblems(merged);
    if (Object.keys(fields).length) throw LibraryErrors.taxonomy(fields);
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(Resource).update(
        { id },
        {
          title: merged.title,
          description: merged.description,
          subject: merged.subject,
          stage: merged.stage,
          grade: merged.grade,
          edition: merged.edition,
          volume: merged.volume,
          unit: merged.unit,
          lessonPeriod: merged.lessonPeriod ?? null,
          resourceType: merged.resourceType,
          tags: req.tags !== undefined ? normaliseTags(req.tags) : current.tags,
          license: merged.license,
        },
      );
      await enqueueResourceChange(m, id);
    });
    return this.views.toDto(p, await this.loadLive(id));
  }

  /** Detail; counts a view (not the author's own) and tells analytics. */
  async get(p: Principal, id: string): Promise<ResourceDto> {
    const r = await this.loadReadable(p, id);
    if (r.authorId !== p.userId) {
      await this.dataSource.query('UPDATE resources SET views = views + 1 WHERE id = $1', [id]);
      r.views += 1;
      const author = await this.dataSource.getRepository(User).findOne({ where: { id: r.authorId } });
      this.events.publish('resource.viewed', {
        resourceId: id,
        resource: resourceRefOf(r, author?.isMasterTeacher ?? false),
        actor: actorOf(p),
      });
    }
    return this.views.toDto(p, r);
  }

  async list(p: Principal, q: ResourceListQuery): Promise<ResourcePageDto> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const qb = this.dataSource.getRepository(Resource).createQueryBuilder('r');
    switch (q.scope ?? 'visible') {
      case 'mine':
        qb.where('r.deleted_at IS NULL AND r.author_id = :me', { me: p.userId });
        break;
      case 'favourites':
        qb.where(visibleWhere(p, 'r')).andWhere(
          'EXISTS (SELECT 1 FROM resource_favourites f WHERE f.resource_id = r.id AND f.user_id = :me)',
          { me: p.userId },
        );
        break;
      case 'visible':
        qb.where(visibleWhere(p, 'r'));
        break;
    }
    const exact = ['status', 'subject', 'stage', 'grade', 'edition', 'volume', 'resourceType'] as const;
    for (const key of exact) {
      const value = q[key];
      if (value !== undefined) qb.andWhere(`r.${key} = :f_${key}`, { [`f_${key}`]: value });
    }
    if (q.q) {
      const pattern = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        new Brackets((w) =>
          w.where('r.title ILIKE :pattern', { pattern }).orWhere(':tag = ANY(r.tags)', { tag: q.q }),
        ),
      );
    }
    switch (q.sort ?? 'newest') {
      case 'newest':
        qb.orderBy('COALESCE(r.publishedAt, r.createdAt)', 'DESC');
        break;
      case 'downloads':
        qb.orderBy('r.downloads', 'DESC');
        break;
      case 'rating':
        qb.orderBy('r.rating_sum::float / GREATEST(r.rating_count, 1)', 'DESC').addOrderBy(
          'r.ratingCount',
          'DESC',
        );
        break;
      case 'title':
        qb.orderBy('r.title', 'ASC');
        break;
    }
    qb.addOrderBy('r.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { items: await this.views.toDtos(p, rows), total, page, pageSize };
  }

  /** Soft delete: the record stays for history; its files' objects are collected once nothing live uses them. */
  async remove(p: Principal, id: string): Promise<void> {
    const r = await this.loadReadableOrManaged(p, id);
    if (!canManage(p, r)) throw LibraryErrors.notManager();
    await this.dataSource.transaction(async (m) => {
      await m
        .getRepository(Resource)
        .update({ id }, { deletedAt: this.clock.now(), requestedVisibility: null, reviewStage: null });
      await m.getRepository(LessonPackItem).delete({ resourceId: id });
      await enqueueResourceChange(m, id, 'delete');
    });
  }

  async versions(p: Principal, id: string): Promise<ResourceVersionDto[]> {
    await this.loadReadable(p, id);
    const versions = await this.dataSource
      .getRepository(ResourceVersion)
      .find({ where: { resourceId: id }, order: { number: 'DESC' } });
    const files = await this.dataSource.getRepository(ResourceFile).find({
      where: { resourceId: id },
      order: { position: 'ASC', createdAt: 'ASC' },
    });
    const creators = await this.dataSource
      .getRepository(User)
      .find({ where: { id: In([...new Set(versions.map((v) => v.createdById))]) } });
    return versions.map((v) =>
      toVersionDto(
        v,
        creators.find((u) => u.id === v.createdById),
        files.filter((f) => f.versionId === v.id).map((f) => toFileDto(f, this.renditions.available)),
      ),
    );
  }

  /**
   * A new version becomes current (history is kept). Revising content published to the district
   * or the public takes the resource back to draft: the new content goes through review again.
   */
  async createVersion(p: Principal, id: string, req: CreateVersionRequest): Promise<ResourceDto> {
    const r = await this.loadReadable(p, id);
    if (r.authorId !== p.userId) throw LibraryErrors.notAuthor();
    if (r.status === 'pending_review') throw LibraryErrors.underReview();
    await this.dataSource.transaction(async (m) => {
      const locked = await m
        .getRepository(Resource)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!locked || locked.deletedAt !== null) throw LibraryErrors.resourceNotFound();
      const last = await m.getRepository(ResourceVersion).findOne({
        where: { resourceId: id },
        order: { number: 'DESC' },
      });
      const previous = locked.currentVersionId;
      const version = await this.addVersion(m, id, (last?.number ?? 0) + 1, req.note, p.userId);
      if (req.copyFiles && previous) await this.copyFiles(m, previous, version.id, id, p.userId);
      if (!isAttachable(locked)) {
        await m.getRepository(Resource).update({ id }, { status: 'draft' });
        await m.getRepository(ReviewEvent).insert({
          resourceId: id,
          actorId: p.userId,
          action: 'revised',
          visibility: locked.visibility,
          stage: null,
          reason: req.note,
        });
      }
      await enqueueResourceChange(m, id);
    });
    return this.views.toDto(p, await this.loadLive(id));
  }

  /** A derived resource of the caller's that credits its source; starts with the source's current files. */
  async remix(p: Principal, id: string, req: RemixResourceRequest): Promise<ResourceDto> {
    const source = await this.loadReadable(p, id);
    if (source.license === 'all-rights-reserved' && source.authorId !== p.userId)
      throw LibraryErrors.remixNotPermitted();
    const school = await this.schoolOf(p);
    const newId = await this.dataSource.transaction(async (m) => {
      const created = await m.getRepository(Resource).save(
        m.getRepository(Resource).create({
          title: req.title ?? `${source.title}（改编）`.slice(0, LIBRARY_LIMITS.titleMax),
          description: source.description,
          subject: source.subject,
          stage: source.stage,
          grade: source.grade,
          edition: source.edition,
          volume: source.volume,
          unit: source.unit,
          lessonPeriod: source.lessonPeriod,
          resourceType: source.resourceType,
          tags: source.tags,
          // ShareAlike: derived works keep the licence.
          license: source.license,
          authorId: p.userId,
          schoolId: school.id,
          regionId: school.regionId,
          visibility: 'school',
          status: 'draft',
          requestedVisibility: null,
          reviewStage: null,
          lastRejection: null,
          sourceResourceId: source.id,
          currentVersionId: null,
          publishedAt: null,
          deletedAt: null,
        }),
      );
      const version = await this.addVersion(m, created.id, 1, `改编自《${source.title}》`, p.userId);
      if (source.currentVersionId)
        await this.copyFiles(m, source.currentVersionId, version.id, created.id, p.userId);
      await enqueueResourceChange(m, created.id);
      return created.id;
    });
    return this.views.toDto(p, await this.loadLive(newId));
  }

  /** One rating per teacher (changeable), 1–5; the average is kept on the resource for sorting. */
  async rate(p: Principal, id: string, stars: number): Promise<ResourceDto> {
    const r = await this.loadReadable(p, id);
    if (r.authorId === p.userId) throw LibraryErrors.selfRating();
    if (r.status !== 'published') throw LibraryErrors.notPublished();
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(Resource).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      const existing = await m
        .getRepository(ResourceRating)
        .findOne({ where: { resourceId: id, userId: p.userId } });
      if (existing) {
        await m.getRepository(ResourceRating).update({ resourceId: id, userId: p.userId }, { stars });
        await m.query('UPDATE resources SET rating_sum = rating_sum + $2 WHERE id = $1', [
          id,
          stars - existing.stars,
        ]);
      } else {
        await m.getRepository(ResourceRating).insert({ resourceId: id, userId: p.userId, stars });
        await m.query(
          'UPDATE resources SET rating_sum = rating_sum + $2, rating_count = rating_count + 1 WHERE id = $1',
          [id, stars],
        );
      }
      await enqueueResourceChange(m, id, 'counters');
    });
    return this.views.toDto(p, await this.loadLive(id));
  }

  async favourite(p: Principal, id: string, on: boolean): Promise<ResourceDto> {
    const r = await this.loadReadable(p, id);
    const repo = this.dataSource.getRepository(ResourceFavourite);
    if (on)
      await repo
        .createQueryBuilder()
        .insert()
        .values({ resourceId: id, userId: p.userId })
        .orIgnore()
        .execute();
    else await repo.delete({ resourceId: id, userId: p.userId });
    return this.views.toDto(p, r);
  }

  /** Removes a file from the current version (while files may be added to it). */
  async removeFile(p: Principal, fileId: string): Promise<void> {
    const file = await this.dataSource.getRepository(ResourceFile).findOne({ where: { id: fileId } });
    if (!file) throw LibraryErrors.fileNotFound();
    const r = await this.loadReadable(p, file.resourceId).catch(() => {
      throw LibraryErrors.fileNotFound();
    });
    if (r.authorId !== p.userId) throw LibraryErrors.notAuthor();
    if (!isAttachable(r)) throw LibraryErrors.notAttachable(r.status);
    if (r.currentVersionId !== file.versionId) throw LibraryErrors.versionNotCurrent();
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(ResourceFile).delete({ id: fileId });
      await enqueueResourceChange(m, r.id);
    });
  }

  // ---------------------------------------------------------------------------------------------

  /** 404 unless the caller may read it (the same answer whether it does not exist or is hidden). */
  async loadReadable(p: Principal, id: string): Promise<Resource> {
    const r = await this.dataSource.getRepository(Resource).findOne({ where: { id } });
    if (!r || !canRead(p, r)) throw LibraryErrors.resourceNotFound();
    return r;
  }

  /** Readable, or manageable by an administrator of the author's school (who may withdraw or delete it). */
  async loadReadableOrManaged(p: Principal, id: string): Promise<Resource> {
    const r = await this.dataSource.getRepository(Resource).findOne({ where: { id } });
    if (!r || r.deletedAt !== null) throw LibraryErrors.resourceNotFound();
    if (canRead(p, r)) return r;
    if (canManage(p, r) && r.visibility !== 'private' && r.status === 'published') return r;
    throw LibraryErrors.resourceNotFound();
  }

  private async loadLive(id: string): Promise<Resource> {
    const r = await this.dataSource.getRepository(Resource).findOne({ where: { id } });
    if (!r || r.deletedAt !== null) throw LibraryErrors.resourceNotFound();
    return r;
  }

  private async schoolOf(p: Principal): Promise<School> {
    if (!p.schoolId) throw LibraryErrors.noSchool();
    const school = await this.dataSource.getRepository(School).findOne({ where: { id: p.schoolId } });
    if (!school) throw LibraryErrors.noSchool();
    return school;
  }

  private async addVersion(
    m: EntityManager,
    resourceId: string,
    number: number,
    note: string,
    userId: string,
  ): Promise<ResourceVersion> {
    const version = await m
      .getRepository(ResourceVersion)
      .save(m.getRepository(ResourceVersion).create({ resourceId, number, note, createdById: userId }));
    await m.getRepository(Resource).update({ id: resourceId }, { currentVersionId: version.id });
    return version;
  }

  /** New rows for the same stored objects (content-addressed: nothing is copied in the store). */
  private async copyFiles(
    m: EntityManager,
    fromVersionId: string,
    toVersionId: string,
    resourceId: string,
    userId: string,
  ): Promise<void> {
    const files = await m
      .getRepository(ResourceFile)
      .createQueryBuilder('f')
      .addSelect('f.extractedText')
      .where('f.version_id = :v AND f.purged_at IS NULL', { v: fromVersionId })
      .orderBy('f.position', 'ASC')
      .getMany();
    for (const f of files) {
      await m.getRepository(ResourceFile).insert({
        versionId: toVersionId,
        resourceId,
        position: f.position,
        objectKey: f.objectKey,
        sha256: f.sha256,
        size: f.size,
        kind: f.kind,
        mime: f.mime,
        originalName: f.originalName,
        createdById: userId,
        extractionStatus:
          f.extractionStatus === 'done' || f.extractionStatus === 'skipped'
            ? f.extractionStatus
            : EXTRACTABLE_KINDS.has(f.kind)
              ? 'pending'
              : 'skipped',
        extractionAttempts: 0,
        extractionError: null,
        extractedText: f.extractedText,
        outline: f.outline,
        textTruncated: f.textTruncated,
        extractedAt: f.extractedAt,
        renditionKey: f.renditionKey,
        purgedAt: null,
      });
    }
  }
}

function normaliseTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim()).filter(Boolean))];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
