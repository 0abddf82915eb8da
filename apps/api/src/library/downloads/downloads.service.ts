import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import { AppError, DomainEvents } from '@tongke/common';
import { AppConfig } from '@tongke/config';
import type { FileOutlineDto } from '@tongke/contracts';
import { Resource, ResourceFile, User } from '@tongke/database';
import { contentDisposition } from '@tongke/files';
import { ObjectNotFoundError, ObjectStore } from '@tongke/storage';
import { DataSource } from 'typeorm';
import { LibraryErrors, toLibraryError } from '../library.errors.js';
import { LibrarySettings } from '../library.settings.js';
import { INLINE_PREVIEW_KINDS, OFFICE_KINDS } from '../resources/file-kinds.js';
import { canRead } from '../resources/resource-access.js';
import { actorOf, resourceRefOf } from '../resources/resource-events.js';
import { enqueueResourceChange } from '../resources/resource-outbox.js';
import { FILE_LINK_RESUME_SECONDS, FileLinkErrors, type FileLink } from './file-links.js';
import { noneMatch } from '../../common/http.js';
import { etagOf, ifRangeHolds, parseRange } from './http-range.js';
import { RenditionService } from './rendition.service.js';

export interface ConditionalHeaders {
  method: string;
  range?: string;
  ifNoneMatch?: string;
  ifRange?: string;
  /** The request came with a signed link (`?sig=`) instead of the Authorization header. */
  link?: FileLink;
}

/** What the controller sends: status, headers, and a body stream or an error (in the error shape). */
export interface ObjectReply {
  status: number;
  headers: Record<string, string>;
  body: Readable | null;
  error?: AppError;
  /** The body starts at byte 0 (a new download, not a resumed one). */
  fromStart?: boolean;
}

/**
 * Sandboxed previews: nothing may load or run. PDFs are the exception to `sandbox`: Chromium's
 * built-in PDF viewer refuses to render in a sandboxed document (crbug.com/413851), so a PDF gets
 * every other restriction but not the sandbox (the viewer's synthetic page needs inline styles).
 */
const PREVIEW_CSP =
  "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'";
const PDF_PREVIEW_CSP =
  "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'";

interface Served {
  key: string;
  size: number;
  mime: string;
  name: string;
  etag: string;
  lastModified: Date;
}

/**
 * Downloads and previews: visibility on every read (404 for what the caller may not see), HTTP
 * Range (one range, 206/416) for resuming on weak links, ETag (the content hash) with
 * If-None-Match → 304, RFC 5987 file names. A download is counted once per request that starts
 * at byte 0, and once per signed link (file-links.ts). In S3 mode with `downloadRedirect`, downloads answer 302 to a short-lived presigned URL.
 */
@Injectable()
export class DownloadsService {
  private readonly logger = new Logger('LibraryDownloads');
  /** Signed links whose download or preview was counted, with when they expire. */
  private readonly countedLinks = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ObjectStore,
    private readonly settings: LibrarySettings,
    private readonly events: DomainEvents,
    private readonly renditions: RenditionService,
    private readonly config: AppConfig,
  ) {}

  /** The current version's first file. */
  async resourceDownload(p: Principal, resourceId: string, h: ConditionalHeaders): Promise<ObjectReply> {
    const resource = await this.dataSource.getRepository(Resource).findOne({ where: { id: resourceId } });
    if (!resource || !canRead(p, resource)) throw LibraryErrors.resourceNotFound();
    const file = resource.currentVersionId
      ? await this.dataSource.getRepository(ResourceFile).findOne({
          where: { versionId: resource.currentVersionId },
          order: { position: 'ASC', createdAt: 'ASC' },
        })
      : null;
    if (!file) throw LibraryErrors.fileNotFound();
    return this.download(p, resource, file, h);
  }

  /** Throws 404 unless the caller may read the file (before a signed link to it is issued). */
  async checkReadable(p: Principal, fileId: string): Promise<void> {
    const { file } = await this.loadFile(p, fileId);
    this.servedOf(file); // 410 for purged bytes
  }

  async fileDownload(p: Principal, fileId: string, h: ConditionalHeaders): Promise<ObjectReply> {
    const { file, resource } = await this.loadFile(p, fileId);
    return this.download(p, resource, file, h);
  }

  async filePreview(p: Principal, fileId: string, h: ConditionalHeaders): Promise<ObjectReply> {
    const { file, resource } = await this.loadFile(p, fileId);
    let served: Served;
    if (INLINE_PREVIEW_KINDS.has(file.kind)) {
      served = this.servedOf(file);
    } else if (OFFICE_KINDS.has(file.kind) && (this.renditions.available || file.renditionKey !== null)) {
      const key = await this.renditions.ensure(file).catch((err: unknown) => {
        this.logger.warn({ err, fileId }, 'office rendering failed');
        throw LibraryErrors.previewNotAvailable(file.kind);
      });
      const stat = await this.store.stat(key);
      if (!stat) throw LibraryErrors.previewNotAvailable(file.kind);
      served = {
        key,
        size: stat.size,
        mime: 'application/pdf',
        name: `${file.originalName.replace(/\.[^.]+$/, '')}.pdf`,
        etag: `"${file.sha256}.pdf"`,
        lastModified: stat.lastModified,
      };
    } else {
      throw LibraryErrors.previewNotAvailable(file.kind);
    }
    const csp = served.mime === 'application/pdf' ? PDF_PREVIEW_CSP : PREVIEW_CSP;
    const reply = await this.serve(served, h, 'inline', { 'Content-Security-Policy': csp });
    if (startsAtZero(reply) && h.method !== 'HEAD' && this.firstUseOf(h.link)) {
      const ref = await this.refOf(resource);
      this.events.publish('resource.previewed', {
        resourceId: resource.id,
        fileId,
        resource: ref,
        actor: actorOf(p),
      });
    }
    return reply;
  }

  async outline(p: Principal, fileId: string): Promise<FileOutlineDto> {
    const { file } = await this.loadFile(p, fileId, true);
    const office = OFFICE_KINDS.has(file.kind);
    const renderable = office && (file.renditionKey !== null || this.renditions.available);
    return {
      fileId: file.id,
      kind: file.kind,
      status: file.extractionStatus,
      outline: file.outline ?? [],
      text: file.extractedText ?? '',
      truncated: file.textTruncated,
      rendering: office
        ? {
            available: renderable,
            url: renderable ? `/api/files/${file.id}/preview` : null,
            reason: renderable
              ? null
              : 'LibreOffice is not installed on this server: showing the extracted outline instead of a rendering',
          }
        : {
            available: INLINE_PREVIEW_KINDS.has(file.kind),
            url: INLINE_PREVIEW_KINDS.has(file.kind) ? `/api/files/${file.id}/preview` : null,
            reason: null,
          },
      error: file.extractionStatus === 'failed' ? file.extractionError : null,
    };
  }

  /** Counts a download (and tells analytics); one transaction with the outbox row, since downloads sort search results. */
  async countDownload(
    p: Principal,
    resource: Resource,
    fileId: string | null,
    packId: string | null,
    bytes: number,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query('UPDATE resources SET downloads = downloads + 1 WHERE id = $1', [resource.id]);
      await enqueueResourceChange(m, resource.id, 'counters');
    });
    this.events.publish('resource.downloaded', {
      resourceId: resource.id,
      fileId,
      packId,
      bytes,
      resource: await this.refOf(resource),
      actor: actorOf(p),
    });
  }

  // ---------------------------------------------------------------------------------------------

  private async download(
    p: Principal,
    resource: Resource,
    file: ResourceFile,
    h: ConditionalHeaders,
  ): Promise<ObjectReply> {
    const served = this.servedOf(file);
    if (
      this.store.kind === 's3' &&
      this.settings.downloadRedirect &&
      !h.range &&
      !h.link?.resumeOnly &&
      h.method !== 'HEAD' &&
      !noneMatch(h.ifNoneMatch, served.etag)
    ) {
      const url = await this.store
        .presignGet(served.key, {
          expiresSeconds: this.settings.presignTtlSeconds,
          fileName: served.name,
          contentType: served.mime,
          disposition: 'attachment',
        })
        .catch((err: unknown) => {
          throw toLibraryError(err, this.config.uploadMaxBytes);
        });
      if (url !== null) {
        if (this.firstUseOf(h.link)) await this.countDownload(p, resource, file.id, null, served.size);
        return { status: 302, headers: { Location: url, 'Cache-Control': 'no-store' }, body: null };
      }
    }
    const reply = await this.serve(served, h, 'attachment', {});
    if (startsAtZero(reply) && h.method !== 'HEAD' && this.firstUseOf(h.link))
      await this.countDownload(p, resource, file.id, null, served.size);
    return reply;
  }

  /**
   * Without a link every download starting at byte 0 counts; with one, only the first (a video
   * element may ask for `bytes=0-` again when it seeks back). Links live a few hours, so the
   * memory is pruned as they expire. Per API instance.
   */
  private firstUseOf(link: FileLink | undefined): boolean {
    if (!link) return true;
    const now = Date.now();
    if (this.countedLinks.size > 1000)
      for (const [id, until] of this.countedLinks) if (until < now) this.countedLinks.delete(id);
    if (this.countedLinks.has(link.linkId)) return false;
    this.countedLinks.set(link.linkId, now + FILE_LINK_RESUME_SECONDS * 1000);
    return true;
  }

  private servedOf(file: ResourceFile): Served {
    if (file.purgedAt !== null) throw LibraryErrors.fileGone();
    return {
      key: file.objectKey,
      size: file.size,
      mime: file.mime,
      name: file.originalName,
      etag: etagOf(file.sha256),
      lastModified: file.createdAt,
    };
  }

  private async serve(
    s: Served,
    h: ConditionalHeaders,
    disposition: 'attachment' | 'inline',
    extra: Record<string, string>,
  ): Promise<ObjectReply> {
    const headers: Record<string, string> = {
      ETag: s.etag,
      'Last-Modified': s.lastModified.toUTCString(),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': contentDisposition(s.name, disposition),
      ...extra,
    };
    if (noneMatch(h.ifNoneMatch, s.etag)) return { status: 304, headers, body: null };
    let range = parseRange(h.range, s.size);
    if (range.kind === 'range' && !ifRangeHolds(h.ifRange, s.etag)) range = { kind: 'none' };
    // A link past its start-by time serves only the rest of what it started (a resumed download,
    // a video buffering on); a stale If-Range has already turned the range into the whole file.
    if (h.link?.resumeOnly && !(range.kind === 'range' && range.start > 0)) throw FileLinkErrors.expired();
    if (range.kind === 'unsatisfiable') {
      return {
        status: 416,
        headers: { 'Content-Range': `bytes */${s.size}` },
        body: null,
        error: LibraryErrors.rangeNotSatisfiable(s.size),
      };
    }
    headers['Content-Type'] = s.mime.startsWith('text/') ? `${s.mime}; charset=utf-8` : s.mime;
    const partial = range.kind === 'range' && !(range.start === 0 && range.end === s.size - 1);
    const start = range.kind === 'range' ? range.start : 0;
    const end = range.kind === 'range' ? range.end : s.size - 1;
    headers['Content-Length'] = String(partial ? end - start + 1 : s.size);
    if (partial) headers['Content-Range'] = `bytes ${start}-${end}/${s.size}`;
    let body: Readable | null = null;
    if (h.method !== 'HEAD') {
      try {
        body = await this.store.get(s.key, partial ? { start, end } : undefined);
      } catch (err) {
        if (err instanceof ObjectNotFoundError)
          this.logger.error({ key: s.key }, 'a live file row points at a missing object');
        throw toLibraryError(err, this.config.uploadMaxBytes);
      }
    }
    return { status: partial ? 206 : 200, headers, body, fromStart: start === 0 };
  }

  private async loadFile(
    p: Principal,
    fileId: string,
    withText = false,
  ): Promise<{ file: ResourceFile; resource: Resource }> {
    const qb = this.dataSource
      .getRepository(ResourceFile)
      .createQueryBuilder('f')
      .where('f.id = :id', { id: fileId });
    if (withText) qb.addSelect('f.extractedText');
    const file = await qb.getOne();
    if (!file) throw LibraryErrors.fileNotFound();
    const resource = await this.dataSource
      .getRepository(Resource)
      .findOne({ where: { id: file.resourceId } });
    if (!resource || !canRead(p, resource)) throw LibraryErrors.fileNotFound();
    return { file, resource };
  }

  private async refOf(r: Resource) {
    const author = await this.dataSource.getRepository(User).findOne({ where: { id: r.authorId } });
    return resourceRefOf(r, author?.isMasterTeacher ?? false);
  }
}

/** A reply that is a (new) download: a full body, or a range starting at byte 0. */
function startsAtZero(reply: ObjectReply): boolean {
  return (reply.status === 200 || reply.status === 206) && reply.fromStart === true;
}
