import { Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import { AppError } from '@tongke/common';
import type {
  CreateLessonPackRequest,
  LessonPackDto,
  ResourceVisibility,
  UpdateLessonPackRequest,
} from '@tongke/contracts';
import { LessonPack, LessonPackItem, Resource, ResourceFile, User } from '@tongke/database';
import { sanitizeFileName } from '@tongke/files';
import { ObjectStore } from '@tongke/storage';
import { ZipArchive } from 'archiver';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { DownloadsService } from '../downloads/downloads.service.js';
import { LibraryErrors } from '../library.errors.js';
import { COMPRESSIBLE_KINDS } from '../resources/file-kinds.js';
import { canRead, visibilityAdmits } from '../resources/resource-access.js';
import { ResourceViews } from '../resources/resource-views.js';

export interface ZipEntry {
  resourceId: string;
  name: string;
  key: string;
  kind: string;
  size: number;
  date: Date;
}

export interface ZipPlan {
  fileName: string;
  entries: ZipEntry[];
  resources: Resource[];
  packId: string;
}

/** Unique entry names: "name (2).ext" for repeats (case-insensitive, as Windows sees them). */
export function dedupeName(name: string, taken: Set<string>): string {
  let candidate = name;
  const dot = name.lastIndexOf('.');
  const slash = name.lastIndexOf('/');
  const hasExt = dot > slash + 1;
  for (let n = 2; taken.has(candidate.toLowerCase()); n += 1) {
    candidate = hasExt ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
  }
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Opens the object only when the zip writer gets to it (one open object at a time). */
function lazyObject(store: ObjectStore, key: string): Readable {
  async function* bytes(): AsyncGenerator<Buffer, void, undefined> {
    const stream = await store.get(key);
    for await (const chunk of stream) yield chunk as Buffer;
  }
  return Readable.from(bytes(), { objectMode: false });
}

/**
 * Lesson packs (课时资源包): an owner's ordered list of resources. A pack holds no content of its
 * own, so it needs no review; its visibility decides who may open it, and each viewer sees (and
 * downloads) only the items they may see. The zip is streamed on the fly, one object at a time.
 */
@Injectable()
export class PacksService {
  private readonly logger = new Logger('LessonPacks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly views: ResourceViews,
    private readonly downloads: DownloadsService,
    private readonly store: ObjectStore,
    private readonly clock: Clock,
  ) {}

  async create(p: Principal, req: CreateLessonPackRequest): Promise<LessonPackDto> {
    if (!p.regionId) throw LibraryErrors.noRegion();
    const regionId = p.regionId;
    const ids = req.resourceIds ?? [];
    await this.checkItems(p, ids);
    const id = await this.dataSource.transaction(async (m) => {
      const pack = await m.getRepository(LessonPack).save(
        m.getRepository(LessonPack).create({
          title: req.title,
          description: req.description ?? '',
          ownerId: p.userId,
          schoolId: p.schoolId,
          regionId,
          visibility: req.visibility ?? 'private',
          deletedAt: null,
        }),
      );
      await this.writeItems(m, pack.id, ids);
      return pack.id;
    });
    return this.get(p, id);
  }

  async list(p: Principal, scope: 'mine' | 'visible'): Promise<LessonPackDto[]> {
    const qb = this.dataSource
      .getRepository(LessonPack)
      .createQueryBuilder('k')
      .where('k.deleted_at IS NULL');
    if (scope === 'mine') {
      qb.andWhere('k.owner_id = :me', { me: p.userId });
    } else {
      const visible = ['k.owner_id = :me', "k.visibility = 'public'"];
      if (p.role === 'platform_admin') visible.push("k.visibility <> 'private'");
      if (p.regionId) visible.push("(k.visibility = 'district' AND k.region_id = :rid)");
      if (p.schoolId) visible.push("(k.visibility = 'school' AND k.school_id = :sid)");
      qb.andWhere(`(${visible.join(' OR ')})`, { me: p.userId, rid: p.regionId, sid: p.schoolId });
    }
    const packs = await qb.orderBy('k.updatedAt', 'DESC').take(100).getMany();
    const out: LessonPackDto[] = [];
    for (const pack of packs) out.push(await this.toDto(p, pack));
    return out;
  }

  async get(p: Principal, id: string): Promise<LessonPackDto> {
    return this.toDto(p, await this.loadVisible(p, id));
  }

  async update(p: Principal, id: string, req: UpdateLessonPackRequest): Promise<LessonPackDto> {
    const pack = await this.loadOwned(p, id);
    await this.dataSource.getRepository(LessonPack).update(
      { id },
      {
        title: req.title ?? pack.title,
        description: req.description ?? pack.description,
        visibility: req.visibility ?? pack.visibility,
      },
    );
    return this.get(p, id);
  }

  async setItems(p: Principal, id: string, resourceIds: string[]): Promise<LessonPackDto> {
    await this.loadOwned(p, id);
    await this.checkItems(p, resourceIds);
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(LessonPackItem).delete({ packId: id });
      await this.writeItems(m, id, resourceIds);
      await m.query('UPDATE lesson_packs SET updated_at = now() WHERE id = $1', [id]);
    });
    return this.get(p, id);
  }

  async remove(p: Principal, id: string): Promise<void> {
    await this.loadOwned(p, id);
    await this.dataSource.getRepository(LessonPack).update({ id }, { deletedAt: this.clock.now() });
  }

  /** What the caller's zip of the pack holds: the current files of the items they may see, in order. */
  async zipPlan(p: Principal, id: string): Promise<ZipPlan> {
    const pack = await this.loadVisible(p, id);
    const resources = await this.visibleItems(p, pack.id);
    const versionIds = resources.map((r) => r.currentVersionId).filter((v): v is string => v !== null);
    const files = versionIds.length
      ? await this.dataSource.getRepository(ResourceFile).find({
          where: { versionId: In(versionIds) },
          order: { position: 'ASC', createdAt: 'ASC' },
        })
      : [];
    const taken = new Set<string>();
    const entries: ZipEntry[] = [];
    const withFiles: Resource[] = [];
    resources.forEach((r, index) => {
      const own = files.filter((f) => f.versionId === r.currentVersionId && f.purgedAt === null);
      if (own.length === 0) return;
      withFiles.push(r);
      const folder = `${String(index + 1).padStart(2, '0')} ${sanitizeFileName(r.title, 120).replace(/\./g, '_')}`;
      for (const f of own) {
        entries.push({
          resourceId: r.id,
          name: dedupeName(`${folder}/${sanitizeFileName(f.originalName)}`, taken),
          key: f.objectKey,
          kind: f.kind,
          size: f.size,
          date: f.createdAt,
        });
      }
    });
    if (entries.length === 0)
      throw new AppError('LIBRARY_PACK_EMPTY', 409, 'This lesson pack has no files you can download');
    return {
      fileName: `${sanitizeFileName(pack.title)}.zip`,
      entries,
      resources: withFiles,
      packId: pack.id,
    };
  }

  /**
   * Streams the zip into `out` (stored, not deflated: office files and media are compressed
   * already), appending the next entry only when the previous one is written, so at most one
   * object is open and nothing is buffered whole. A storage failure mid-way destroys `out`: the
   * client sees a failed download, never a truncated zip that looks complete.
   */
  async writeZip(p: Principal, plan: ZipPlan, out: Writable): Promise<void> {
    for (const r of plan.resources) {
      const bytes = plan.entries.filter((e) => e.resourceId === r.id).reduce((sum, e) => sum + e.size, 0);
      await this.downloads.countDownload(p, r, null, plan.packId, bytes);
    }
    const archive = new ZipArchive({ store: true });
    let index = 0;
    const appendNext = (): void => {
      const entry = plan.entries[index];
      index += 1;
      if (!entry) {
        archive.finalize().catch((err: unknown) => archive.emit('error', err));
        return;
      }
      archive.append(lazyObject(this.store, entry.key), {
        name: entry.name,
        date: entry.date,
        store: !COMPRESSIBLE_KINDS.has(entry.kind),
      });
    };
    archive.on('entry', appendNext);
    archive.on('warning', (err: unknown) => this.logger.warn({ err }, 'zip warning'));
    archive.on('error', (err: unknown) => {
      this.logger.error({ err, packId: plan.packId }, 'pack zip failed');
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    });
    out.on('close', () => {
      if (!out.writableFinished) archive.abort();
    });
    archive.pipe(out);
    appendNext();
    await finished(out).catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------

  private async toDto(p: Principal, pack: LessonPack): Promise<LessonPackDto> {
    const total = await this.dataSource.getRepository(LessonPackItem).count({ where: { packId: pack.id } });
    const resources = await this.visibleItems(p, pack.id);
    const dtos = await this.views.toDtos(p, resources);
    const owner = await this.dataSource.getRepository(User).findOne({ where: { id: pack.ownerId } });
    return {
      id: pack.id,
      title: pack.title,
      description: pack.description,
      visibility: pack.visibility,
      owner: { id: pack.ownerId, displayName: owner?.displayName ?? '' },
      schoolId: pack.schoolId ?? '',
      regionId: pack.regionId,
      items: dtos.map((resource, position) => ({ position, resource })),
      hiddenItems: total - dtos.length,
      totalBytes: dtos.reduce(
        (sum, r) => sum + (r.currentVersion?.files ?? []).reduce((s, f) => s + f.size, 0),
        0,
      ),
      downloadUrl: `/api/packs/${pack.id}/download.zip`,
      can: { edit: pack.ownerId === p.userId },
      createdAt: pack.createdAt.toISOString(),
      updatedAt: pack.updatedAt.toISOString(),
    };
  }

  private async visibleItems(p: Principal, packId: string): Promise<Resource[]> {
    const items = await this.dataSource
      .getRepository(LessonPackItem)
      .find({ where: { packId }, order: { position: 'ASC' } });
    if (items.length === 0) return [];
    const resources = await this.dataSource
      .getRepository(Resource)
      .find({ where: { id: In(items.map((i) => i.resourceId)) } });
    return items
      .map((i) => resources.find((r) => r.id === i.resourceId))
      .filter((r): r is Resource => r !== undefined && canRead(p, r));
  }

  private async checkItems(p: Principal, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.dataSource.getRepository(Resource).find({ where: { id: In(ids) } });
    const bad = ids.filter((id) => {
      const r = found.find((x) => x.id === id);
      return !r || !canRead(p, r);
    });
    if (bad.length) throw LibraryErrors.packItemsInvalid(bad);
  }

  private async writeItems(m: EntityManager, packId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await m
      .getRepository(LessonPackItem)
      .insert(ids.map((resourceId, position) => ({ packId, resourceId, position })));
  }

  private async loadVisible(p: Principal, id: string): Promise<LessonPack> {
    const pack = await this.dataSource.getRepository(LessonPack).findOne({ where: { id } });
    if (!pack || pack.deletedAt !== null) throw LibraryErrors.packNotFound();
    if (pack.ownerId === p.userId) return pack;
    const visibility: ResourceVisibility = pack.visibility;
    if (p.role === 'platform_admin' && visibility !== 'private') return pack;
    if (visibilityAdmits(p, visibility, pack)) return pack;
    throw LibraryErrors.packNotFound();
  }

  private async loadOwned(p: Principal, id: string): Promise<LessonPack> {
    const pack = await this.loadVisible(p, id);
    if (pack.ownerId !== p.userId) throw LibraryErrors.notPackOwner();
    return pack;
  }
}
