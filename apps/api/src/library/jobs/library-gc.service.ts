import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UploadSession } from '@tongke/database';
import { CONTENT_ADDRESSED_PREFIX, DEFAULT_TEMP_PREFIX, ObjectStore } from '@tongke/storage';
import { DataSource, In, LessThan, type EntityManager } from 'typeorm';
import { RENDITION_PREFIX } from '../downloads/rendition.service.js';
import { LibrarySettings } from '../library.settings.js';
import { UploadStaging } from '../uploads/upload-staging.js';

export interface GcOptions {
  /** Unreferenced objects younger than this are kept (an upload may be between store and commit). */
  objectGraceMs?: number;
  /** Unfinished uploads untouched for this long are abandoned. */
  stagingMaxAgeMs?: number;
}

export interface GcReport {
  objectsDeleted: number;
  filesPurged: number;
  tempObjectsDeleted: number;
  renditionsDeleted: number;
  uploadsAbandoned: number;
  stagingFilesDeleted: number;
}

/** Serialises the "is this object used?" decision per key between uploads and the collector. */
export async function lockObjectKey(m: EntityManager, key: string): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}

const LIVE_REFERENCE = `SELECT DISTINCT f.object_key AS key FROM resource_files f JOIN resources r ON r.id = f.resource_id
   WHERE f.object_key = ANY($1) AND f.purged_at IS NULL AND r.deleted_at IS NULL`;

/**
 * Garbage collection of the library's storage, on an interval and on demand (`run`):
 *  - content-addressed objects (sha256/…) that no live resource's file row references — files of
 *    soft-deleted resources keep their rows (history) but lose their bytes, marked `purged_at`;
 *    every version of a live resource keeps its objects;
 *  - PDF renderings of content that is no longer referenced, and leftover temp objects;
 *  - abandoned tus uploads (their staged bytes on local disk) and staging files with no session.
 * An object is deleted only under the per-key advisory lock that uploads also take before they
 * commit a row pointing at it, so an upload that reuses existing content can never lose it.
 */
@Injectable()
export class LibraryGcService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LibraryGc');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<GcReport> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ObjectStore,
    private readonly settings: LibrarySettings,
    private readonly staging: UploadStaging,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.backgroundJobs) return;
    this.timer = setInterval(() => {
      this.run().catch((err: unknown) => this.logger.error({ err }, 'garbage collection failed'));
    }, this.settings.gcIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One collection pass (concurrent calls share the pass in progress). */
  run(options: GcOptions = {}): Promise<GcReport> {
    this.running ??= this.pass(options).finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Deletes `key` if no live file row references it (rows of deleted resources are marked purged).
   * Used by the collector and by an upload whose commit failed after it stored a new object.
   */
  async collectIfUnreferenced(key: string): Promise<{ deleted: boolean; purged: number }> {
    return this.dataSource.transaction(async (m) => {
      await lockObjectKey(m, key);
      const live: unknown[] = await m.query(LIVE_REFERENCE, [[key]]);
      if (live.length > 0) return { deleted: false, purged: 0 };
      await this.store.delete(key);
      const purged: unknown = await m.query(
        'UPDATE resource_files SET purged_at = now() WHERE object_key = $1 AND purged_at IS NULL',
        [key],
      );
      return {
        deleted: true,
        purged: Array.isArray(purged) && typeof purged[1] === 'number' ? purged[1] : 0,
      };
    });
  }

  private async pass(options: GcOptions): Promise<GcReport> {
    const graceMs = options.objectGraceMs ?? this.settings.objectGraceMs;
    const stagingMaxAgeMs = options.stagingMaxAgeMs ?? this.settings.stagingMaxAgeMs;
    const report: GcReport = {
      objectsDeleted: 0,
      filesPurged: 0,
      tempObjectsDeleted: 0,
      renditionsDeleted: 0,
      uploadsAbandoned: 0,
      stagingFilesDeleted: 0,
    };
    await this.collectStaging(stagingMaxAgeMs, report);
    const cutoff = Date.now() - graceMs;

    let batch: string[] = [];
    const flush = async (): Promise<void> => {
      const live = new Set(
        (await this.dataSource.query<{ key: string }[]>(LIVE_REFERENCE, [batch])).map((r) => r.key),
      );
      for (const key of batch.filter((k) => !live.has(k))) {
        const { deleted, purged } = await this.collectIfUnreferenced(key);
        if (deleted) report.objectsDeleted += 1;
        report.filesPurged += purged;
      }
      batch = [];
    };
    for await (const entry of this.store.listEntries(CONTENT_ADDRESSED_PREFIX)) {
      if (entry.lastModified.getTime() > cutoff) continue;
      batch.push(entry.key);
      if (batch.length >= 500) await flush();
    }
    if (batch.length) await flush();

    for await (const entry of this.store.listEntries(DEFAULT_TEMP_PREFIX)) {
      if (entry.lastModified.getTime() > cutoff) continue;
      await this.store.delete(entry.key);
      report.tempObjectsDeleted += 1;
    }

    for await (const entry of this.store.listEntries(RENDITION_PREFIX)) {
      if (entry.lastModified.getTime() > cutoff) continue;
      const sha = /([0-9a-f]{64})\.pdf$/.exec(entry.key)?.[1];
      const used: unknown[] = sha
        ? await this.dataSource.query(
            `SELECT 1 FROM resource_files f JOIN resources r ON r.id = f.resource_id
             WHERE f.sha256 = $1 AND f.purged_at IS NULL AND r.deleted_at IS NULL LIMIT 1`,
            [sha],
          )
        : [];
      if (used.length === 0) {
        await this.store.delete(entry.key);
        report.renditionsDeleted += 1;
      }
    }
    if (Object.values(report).some((n) => n > 0)) this.logger.log(report, 'library garbage collected');
    return report;
  }

  /** Abandoned tus uploads and staging files that belong to no receiving upload. */
  private async collectStaging(maxAgeMs: number, report: GcReport): Promise<void> {
    const sessions = this.dataSource.getRepository(UploadSession);
    const stale = await sessions.find({
      where: {
        status: In(['receiving', 'processing']),
        updatedAt: LessThan(new Date(Date.now() - maxAgeMs)),
      },
    });
    for (const s of stale) {
      await this.staging.remove(s.id);
      await sessions.update(
        { id: s.id, status: s.status },
        {
          status: 'aborted',
          errorCode: 'LIBRARY_UPLOAD_ABANDONED',
          errorMessage: 'The upload was not finished in time',
        },
      );
      report.uploadsAbandoned += 1;
    }
    let names: string[];
    try {
      names = await readdir(this.staging.directory);
    } catch {
      return;
    }
    const ids = [...new Set(names.map((n) => n.replace(/\.json$/, '')))];
    const receiving = new Set(
      ids.length
        ? (await sessions.find({ where: { id: In(ids), status: In(['receiving', 'processing']) } })).map(
            (s) => s.id,
          )
        : [],
    );
    for (const name of names) {
      const id = name.replace(/\.json$/, '');
      if (receiving.has(id)) continue;
      const path = join(this.staging.directory, name);
      const st = await stat(path).catch(() => null);
      // A staging file with no receiving session: an upload that was just created may not have
      // its session row yet, so only files older than a minute go.
      if (!st || Date.now() - st.mtimeMs < Math.min(maxAgeMs, 60_000)) continue;
      await rm(path, { force: true });
      report.stagingFilesDeleted += 1;
    }
  }
}
