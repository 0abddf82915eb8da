import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import { AppConfig } from '@tongke/config';
import { DomainEvents } from '@tongke/common';
import { LIBRARY_LIMITS, type ResourceFileDto } from '@tongke/contracts';
import { Resource, ResourceFile } from '@tongke/database';
import { inspectStream, sanitizeFileName, type InspectResult, type SniffResult } from '@tongke/files';
import {
  ContentDigestMismatchError,
  ObjectSizeMismatchError,
  ObjectStore,
  streamingSha256,
  type ContentAddressedPutResult,
  type StreamingSha256,
} from '@tongke/storage';
import { DataSource } from 'typeorm';
import { coalesce } from '../storage/coalesce.js';
import { RenditionService } from '../downloads/rendition.service.js';
import { ExtractionWorker } from '../jobs/extraction.worker.js';
import { LibraryGcService, lockObjectKey } from '../jobs/library-gc.service.js';
import { LibraryErrors, toLibraryError } from '../library.errors.js';
import { EXTRACTABLE_KINDS } from '../resources/file-kinds.js';
import { canRead, isAttachable } from '../resources/resource-access.js';
import { actorOf } from '../resources/resource-events.js';
import { toFileDto } from '../resources/resource.mappers.js';
import { hydrate } from './hydrate.js';

export interface IngestTarget {
  resourceId: string;
  /** The version the client expects to be current (optional guard against a race). */
  versionId?: string | null;
}

export interface IngestOptions {
  /** Declared length (tus Upload-Length): verified against the bytes. */
  declaredSize?: number;
  /** Re-reads the input from the start (staged uploads), for one retry after a lost race with GC. */
  reopen?: () => Readable;
  /** The tus upload being finished (see commitPrepared). */
  session?: SessionCommit;
}

/**
 * A tus upload session to mark completed in the commit's transaction, once the write that marked
 * it processing (`processing`, started earlier, not necessarily finished) has ended.
 */
export interface SessionCommit {
  uploadId: string;
  processing: Promise<unknown>;
}

export interface IngestResult {
  file: ResourceFileDto;
  deduplicated: boolean;
}

/** Stored and hashed, not yet recorded. */
export interface PreparedFile {
  versionId: string;
  name: string;
  type: SniffResult;
  put: ContentAddressedPutResult;
}

/** Sniffed and hashed from a copy of the bytes, not stored yet (see FileIngestService.inspect). */
export interface InspectedFile {
  versionId: string;
  name: string;
  type: SniffResult;
  sha256: string;
  size: number;
}

/** The object vanished between store and commit (collected as unreferenced): store it again. */
export class ObjectVanishedError extends Error {}

/** A file name that ends in the extension of what the bytes are. */
export function withKindExtension(name: string, type: SniffResult): string {
  if (type.declaredExtMatches) return name;
  const dot = name.lastIndexOf('.');
  const base = dot > 0 ? name.slice(0, dot) : name;
  return sanitizeFileName(`${base}.${type.ext}`);
}

/**
 * The one upload pipeline behind tus and multipart: sniff the type from the first bytes (never
 * the name or Content-Type), stream into the object store while hashing (content-addressed, so
 * identical content is stored once), then in ONE transaction insert the file row, touch the
 * resource and write the outbox row. Nothing is held in memory beyond a chunk and the 64 KiB
 * sniffing window. If the store fails nothing is recorded (503); if the transaction fails, the
 * object this upload created is removed unless another row references the same content.
 */
@Injectable()
export class FileIngestService {
  private readonly logger = new Logger('FileIngest');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ObjectStore,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
    private readonly extraction: ExtractionWorker,
    private readonly gc: LibraryGcService,
    private readonly renditions: RenditionService,
  ) {}

  get maxBytes(): number {
    return this.config.uploadMaxBytes;
  }

  /**
   * Whether `p` may add a file to the resource now; returns the version it would go to. Cheap
   * (one query: the resource and how many files its current version has); call before reading
   * bytes. The commit checks all of it again, under the resource's lock.
   */
  async checkTarget(p: Principal, target: IngestTarget): Promise<{ resource: Resource; versionId: string }> {
    const { entities, raw } = await this.dataSource
      .getRepository(Resource)
      .createQueryBuilder('r')
      .addSelect(
        '(SELECT COUNT(*) FROM resource_files f WHERE f.version_id = r.current_version_id)',
        'file_count',
      )
      .where('r.id = :id', { id: target.resourceId })
      .getRawAndEntities<{ file_count: string | number }>();
    const resource = entities[0];
    if (!resource || !canRead(p, resource)) throw LibraryErrors.resourceNotFound();
    const versionId = this.checkAttach(p, resource, target.versionId);
    if (Number(raw[0]?.file_count ?? 0) >= LIBRARY_LIMITS.filesPerVersionMax)
      throw LibraryErrors.tooManyFiles(LIBRARY_LIMITS.filesPerVersionMax);
    return { resource, versionId };
  }

  /**
   * The whole pipeline on one input. `reopen` (staged uploads) allows one retry when the object
   * was collected between store and commit.
   */
  async ingest(
    p: Principal,
    target: IngestTarget,
    fileName: string,
    source: Readable,
    opts: IngestOptions = {},
  ): Promise<IngestResult> {
    let input = source;
    for (let attempt = 0; ; attempt += 1) {
      const prepared = await this.prepare(p, target, fileName, input, opts.declaredSize);
      try {
        return await this.commitPrepared(p, target, prepared, opts.session);
      } catch (err) {
        if (err instanceof ObjectVanishedError && attempt === 0 && opts.reopen) {
          input = opts.reopen();
          continue;
        }
        if (err instanceof ObjectVanishedError) throw LibraryErrors.storageInconsistent();
        throw err;
      }
    }
  }

  /**
   * Phase 1: checks the target, sniffs the type from the first bytes and streams the input into
   * the store (hashing, deduplicating). Nothing is recorded yet; the caller commits or discards.
   */
  async prepare(
    p: Principal,
    target: IngestTarget,
    fileName: string,
    source: Readable,
    declaredSize?: number,
  ): Promise<PreparedFile> {
    const { versionId, declaredName, inspected } = await this.open(p, target, fileName, source);
    try {
      const put = await this.store.putContentAddressed(coalesce(inspected.stream), {
        contentType: inspected.type.mime,
        maxBytes: this.maxBytes,
        size: declaredSize,
      });
      return { versionId, name: withKindExtension(declaredName, inspected.type), type: inspected.type, put };
    } catch (err) {
      source.destroy();
      throw toLibraryError(err, this.maxBytes);
    }
  }

  /**
   * Whether staged uploads are best handed to the store as files (adopt) rather than streamed
   * into it (prepare): true for local disk, which takes a file by rename instead of writing every
   * byte a second time.
   */
  get adoptsStagedFiles(): boolean {
    return this.store.kind === 'local';
  }

  /**
   * Phase 1 without the store: checks the target, sniffs the type from the first bytes and
   * hashes the input to its end (a copy of a file being staged, or the staged file itself), so
   * that adopt() can then take the staged file as it is.
   */
  async inspect(
    p: Principal,
    target: IngestTarget,
    fileName: string,
    source: Readable,
    declaredSize?: number,
  ): Promise<InspectedFile> {
    // The target is checked while the bytes are sniffed and hashed, not before: its query would
    // hold up the copy of a PATCH that is being staged. A refusal stops the reading at once, and
    // is the answer even if the bytes failed too (as when it was checked first).
    let refusal: unknown;
    const checking = this.checkTarget(p, target).then(
      ({ versionId }) => versionId,
      (err: unknown) => {
        refusal = err;
        source.destroy(err instanceof Error ? err : new Error(String(err)));
        return undefined;
      },
    );
    let hash: StreamingSha256 | undefined;
    try {
      const declaredName = sanitizeFileName(fileName);
      const inspected = await inspectStream(source, { maxBytes: this.maxBytes, declaredName });
      // Hashed on a helper thread: this loop runs on the event loop that also receives the bytes.
      hash = streamingSha256();
      let size = 0;
      for await (const chunk of inspected.stream) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        await hash.update(buffer);
      }
      if (declaredSize !== undefined && size !== declaredSize)
        throw new ObjectSizeMismatchError(declaredSize, size);
      const sha256 = await hash.digest();
      const versionId = await checking;
      if (versionId === undefined) throw refusal;
      const name = withKindExtension(declaredName, inspected.type);
      return { versionId, name, type: inspected.type, sha256, size };
    } catch (err) {
      hash?.abort();
      source.destroy();
      await checking;
      throw toLibraryError(refusal ?? err, this.maxBytes);
    }
  }

  /**
   * Stores the inspected file at `path` under its content address (on local disk by rename: the
   * file is gone from `path` afterwards unless its content was already stored). Nothing is
   * recorded yet; commitPrepared() follows.
   */
  async adopt(path: string, inspected: InspectedFile): Promise<PreparedFile> {
    const { versionId, name, type, sha256, size } = inspected;
    try {
      const put = await this.store.putContentAddressedFile(
        path,
        { sha256, size },
        { contentType: type.mime },
      );
      return { versionId, name, type, put };
    } catch (err) {
      if (err instanceof ContentDigestMismatchError) {
        this.logger.error({ expected: err.expected, actual: err.actual }, 'a staged upload changed under us');
        if (err.stored && !err.stored.deduplicated) {
          await this.gc.collectIfUnreferenced(err.stored.key).catch(() => undefined);
        }
        throw LibraryErrors.storageInconsistent();
      }
      throw toLibraryError(err, this.maxBytes);
    }
  }

  /**
   * Phase 2: one transaction (file row, resource touched, outbox row and, with `session`, the tus
   * upload session marked completed), then the domain event.
   * On failure the object this upload created is removed unless something references it.
   * Throws ObjectVanishedError (after cleaning up) when the object was collected meanwhile.
   */
  async commitPrepared(
    p: Principal,
    target: IngestTarget,
    prepared: PreparedFile,
    session?: SessionCommit,
  ): Promise<IngestResult> {
    const { put } = prepared;
    try {
      await session?.processing;
      const file = await this.commit(
        p,
        target.resourceId,
        prepared.versionId,
        prepared.name,
        prepared.type,
        put,
        session?.uploadId,
      );
      this.events.publish('resource.uploaded', {
        resourceId: file.resourceId,
        versionId: file.versionId,
        fileId: file.id,
        kind: file.kind,
        size: file.size,
        sha256: file.sha256,
        deduplicated: put.deduplicated,
        actor: actorOf(p),
      });
      if (file.extractionStatus === 'pending') this.extraction.kick();
      return { file: toFileDto(file, this.renditions.available), deduplicated: put.deduplicated };
    } catch (err) {
      await this.discard(prepared);
      if (err instanceof ObjectVanishedError) throw err;
      throw toLibraryError(err, this.maxBytes);
    }
  }

  /** Drops a prepared file that will not be committed (its object goes unless referenced). */
  async discard(prepared: PreparedFile): Promise<void> {
    if (prepared.put.deduplicated) return;
    await this.gc
      .collectIfUnreferenced(prepared.put.key)
      .catch((err: unknown) =>
        this.logger.warn({ err, key: prepared.put.key }, 'could not remove the object of a failed upload'),
      );
  }

  /**
   * The start of both pipelines: the target is checked, then the type sniffed from the first
   * bytes. On any refusal the input is destroyed and the domain error thrown.
   */
  private async open(
    p: Principal,
    target: IngestTarget,
    fileName: string,
    source: Readable,
  ): Promise<{ versionId: string; declaredName: string; inspected: InspectResult }> {
    try {
      const { versionId } = await this.checkTarget(p, target);
      const declaredName = sanitizeFileName(fileName);
      const inspected = await inspectStream(source, { maxBytes: this.maxBytes, declaredName });
      return { versionId, declaredName, inspected };
    } catch (err) {
      source.destroy();
      throw toLibraryError(err, this.maxBytes);
    }
  }

  private async commit(
    p: Principal,
    resourceId: string,
    versionId: string,
    name: string,
    type: SniffResult,
    put: ContentAddressedPutResult,
    uploadId: string | undefined,
  ): Promise<ResourceFile> {
    return this.dataSource.transaction(async (m) => {
      await lockObjectKey(m, put.key);
      // Under the key's lock the collector cannot remove the object any more; it must exist now.
      // Asked while the resource row is being locked (its answer is looked at after the checks).
      const statting = this.store.stat(put.key);
      statting.catch(() => undefined);
      const resource = await m
        .getRepository(Resource)
        .findOne({ where: { id: resourceId }, lock: { mode: 'pessimistic_write' } });
      if (!resource || !canRead(p, resource)) throw LibraryErrors.resourceNotFound();
      this.checkAttach(p, resource, versionId);
      const stored = await statting;
      if (stored === null || stored.size !== put.size) throw new ObjectVanishedError();
      // One statement, run after the resource row is locked (so it counts every file committed
      // before): the file row at the next position unless the version is full, the resource
      // touched, the search outbox row (same transaction, as enqueueResourceChange would), and
      // the tus session marked completed with it.
      const params: unknown[] = [
        versionId,
        resourceId,
        put.key,
        put.sha256,
        put.size,
        type.kind,
        type.mime,
        name,
        p.userId,
        EXTRACTABLE_KINDS.has(type.kind) ? 'pending' : 'skipped',
        LIBRARY_LIMITS.filesPerVersionMax,
      ];
      const session =
        uploadId === undefined
          ? ''
          : `, s AS (UPDATE upload_sessions SET status = 'completed', file_id = f.id, declared_size = f.size,
                       updated_at = now() FROM f WHERE upload_sessions.id = $${params.push(uploadId)})`;
      const rows: Record<string, unknown>[] = await m.query(
        `WITH n AS (SELECT COUNT(*)::int AS files FROM resource_files WHERE version_id = $1::uuid),
              f AS (INSERT INTO resource_files (version_id, resource_id, position, object_key, sha256, size,
                                                kind, mime, original_name, created_by_id, extraction_status)
                    SELECT $1::uuid, $2::uuid, n.files, $3, $4, $5::bigint, $6, $7, $8, $9::uuid,
                           $10::resource_extraction_status
                    FROM n WHERE n.files < $11::int
                    RETURNING *),
              t AS (UPDATE resources SET updated_at = now() WHERE id IN (SELECT resource_id FROM f)),
              o AS (INSERT INTO resource_outbox (resource_id, op) SELECT resource_id, 'upsert' FROM f)${session}
         SELECT * FROM f`,
        params,
      );
      const row = rows[0];
      if (!row) throw LibraryErrors.tooManyFiles(LIBRARY_LIMITS.filesPerVersionMax);
      return hydrate(this.dataSource, ResourceFile, row);
    });
  }

  /** Whether `p` may attach files to `r` (the count of its files is checked by the caller). */
  private checkAttach(p: Principal, r: Resource, versionId: string | null | undefined): string {
    if (r.authorId !== p.userId) throw LibraryErrors.notAuthor();
    if (r.status === 'pending_review') throw LibraryErrors.underReview();
    if (!isAttachable(r)) throw LibraryErrors.notAttachable(r.status);
    if (!r.currentVersionId) throw LibraryErrors.versionNotFound();
    if (versionId && versionId !== r.currentVersionId) throw LibraryErrors.versionNotCurrent();
    return r.currentVersionId;
  }
}
