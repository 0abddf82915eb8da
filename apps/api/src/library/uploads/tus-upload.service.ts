import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import { AppError } from '@tongke/common';
import { AppConfig } from '@tongke/config';
import {
  TUS_METADATA_KEYS,
  TUS_UPLOAD_PATH,
  UPLOAD_FILE_ID_HEADER,
  type UploadSessionDto,
} from '@tongke/contracts';
import { UploadSession } from '@tongke/database';
import { EmptyFileError, sanitizeFileName } from '@tongke/files';
import { Server, type ServerOptions } from '@tus/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerOf } from '../../common/http.js';
import { DataSource } from 'typeorm';
import { LibraryErrors, toLibraryError } from '../library.errors.js';
import { toUploadSessionDto } from '../resources/resource.mappers.js';
import {
  FileIngestService,
  ObjectVanishedError,
  type IngestResult,
  type IngestTarget,
  type InspectedFile,
  type PreparedFile,
  type SessionCommit,
} from './file-ingest.service.js';
import { UploadRefusedError, UploadStaging } from './upload-staging.js';
import { hydrate } from './hydrate.js';
import { webBodyOf } from './web-body.js';

const TUS_VERSION = '1.0.0';
type Upload = Parameters<NonNullable<ServerOptions['onUploadCreate']>>[1];

/** What was done with the copy of a whole-file PATCH: stored (S3) or only inspected (local disk). */
type InflightResult = { prepared: PreparedFile } | { inspected: InspectedFile };

/** A tus creation whose target handle() checked before tus saw it. */
interface CheckedCreate {
  resourceId: string;
  requestedVersionId: string | null;
  versionId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** tus Upload-Metadata: comma-separated `key base64value` pairs (the value may be absent). */
export function parseUploadMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const pair of header.split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (!key) continue;
    out[key] = value ? Buffer.from(value, 'base64').toString('utf8') : '';
  }
  return out;
}

/** What tus reads from an error thrown by a hook (`status_code`, `body`); the real error is answered instead. */
class TusHookError extends Error {
  readonly body = 'upload refused';

  constructor(readonly status_code: number) {
    super('upload refused');
  }
}

function tusError(status: number, text: string): AppError {
  const message = text.trim() || `tus error ${status}`;
  switch (status) {
    case 404:
      return LibraryErrors.uploadNotFound();
    case 409:
      return new AppError(
        'LIBRARY_UPLOAD_OFFSET_MISMATCH',
        409,
        `${message}: ask for the upload's offset (HEAD) and resume from there`,
      );
    case 410:
      return LibraryErrors.uploadGone(message);
    case 412:
      return new AppError('LIBRARY_TUS_VERSION_REQUIRED', 412, 'Send Tus-Resumable: 1.0.0');
    case 413:
      return new AppError('LIBRARY_FILE_TOO_LARGE', 413, message);
    case 415:
      return new AppError(
        'LIBRARY_UPLOAD_CONTENT_TYPE',
        415,
        'PATCH bodies must be sent as Content-Type: application/offset+octet-stream',
      );
    case 503:
      return LibraryErrors.storageUnavailable();
    default:
      return new AppError(
        status >= 500 ? 'LIBRARY_UPLOAD_FAILED' : 'LIBRARY_UPLOAD_INVALID',
        status,
        message,
      );
  }
}

/**
 * The tus 1.0 endpoint (`/api/uploads`), served by @tus/server with @tus/file-store staging on
 * local disk. Each request arrives through a Nest controller, so the global AuthGuard has already
 * checked the Bearer token; this service binds every upload id to its creator (anyone else gets
 * 404), validates the target and the declared length up front, and answers every error in the
 * project's `{ statusCode, code, message }` shape. When the last byte arrives, the staged file is
 * run through FileIngestService (sniff, hash, dedupe, store, one transaction) and removed.
 */
@Injectable()
export class TusUploadService {
  private readonly logger = new Logger('TusUploads');
  private readonly server: Server;
  private readonly principals = new WeakMap<Request, Principal>();
  private readonly hookErrors = new WeakMap<Request, unknown>();
  /** What handle() already checked, so the tus hooks need not ask the database again. */
  private readonly checked = new WeakMap<Request, CheckedCreate | UploadSession>();
  /** Session rows of tus creations being written while tus creates the staged file. */
  private readonly creating = new WeakMap<Request, { id: string; inserting: Promise<unknown> }>();
  /** Whole-file PATCHes being stored (or inspected) while they are staged, by upload id. */
  private readonly inflight = new Map<string, { work: Promise<InflightResult>; side: PassThrough }>();

  constructor(
    private readonly staging: UploadStaging,
    private readonly ingest: FileIngestService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    const options: ConstructorParameters<typeof Server>[0] = {
      path: TUS_UPLOAD_PATH,
      datastore: staging.datastore,
      maxSize: config.uploadMaxBytes,
      relativeLocation: true,
      // Same-origin app; tus would otherwise answer Access-Control-Allow-Origin: *.
      allowedOrigins: config.allowedOrigins,
      onUploadCreate: (req, upload) => this.onCreate(req, upload),
      onUploadFinish: (req, upload) => this.onFinish(req, upload),
      onResponseError: (req, err) => this.onRefused(req, err),
    };
    this.server = new Server(options);
  }

  async status(p: Principal, id: string): Promise<UploadSessionDto> {
    return toUploadSessionDto(await this.ownSession(p, id));
  }

  /** Handles one tus request (POST, HEAD, PATCH, DELETE, OPTIONS) of an authenticated caller. */
  async handle(p: Principal, req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Tus-Resumable', TUS_VERSION);
    res.setHeader('Cache-Control', 'no-store');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const id = path.length > TUS_UPLOAD_PATH.length ? path.slice(TUS_UPLOAD_PATH.length + 1) : null;
    const method = (req.method ?? 'GET').toUpperCase();

    let checked: CheckedCreate | UploadSession | undefined;
    if (method === 'POST') {
      if (id !== null) throw LibraryErrors.uploadNotFound();
      checked = await this.precheckCreate(p, req);
    } else if (id !== null && method !== 'OPTIONS') {
      // A PATCH of an upload still receiving bytes (the usual case) is checked and touched in one
      // statement; anything else is looked at as it is.
      const touched = method === 'PATCH' ? await this.touchReceiving(p, id) : undefined;
      const session = touched ?? (await this.ownSession(p, id));
      if (session.status === 'completed') {
        if (method === 'HEAD') {
          res.statusCode = 200;
          res.setHeader('Upload-Offset', String(session.declaredSize ?? 0));
          res.setHeader('Upload-Length', String(session.declaredSize ?? 0));
          if (session.fileId) res.setHeader(UPLOAD_FILE_ID_HEADER, session.fileId);
          res.end();
          return;
        }
        if (method === 'DELETE') {
          res.statusCode = 204;
          res.end();
          return;
        }
        throw new AppError('LIBRARY_UPLOAD_COMPLETED', 409, 'This upload is already complete');
      }
      if (session.status === 'failed' || session.status === 'aborted') {
        throw LibraryErrors.uploadGone(
          session.errorMessage ?? 'This upload was cancelled or failed; start a new one',
        );
      }
      if (method === 'PATCH') {
        if (!touched) await this.sessions().update({ id }, { updatedAt: new Date() });
        this.staging.expectWrite(id);
        this.storeWhileStaging(p, session, req);
        checked = session;
      }
    }

    const request = this.toWebRequest(req, method);
    this.principals.set(request, p);
    if (checked) this.checked.set(request, checked);
    let response: Response;
    try {
      response = await this.server.handleWeb(request);
    } finally {
      if (id !== null) await this.dropUnusedInflight(id);
    }
    const creating = this.creating.get(request);
    if (creating) {
      // The created upload is answered only once its session row exists; if the row could not
      // be written, the staged file tus created goes too.
      await creating.inserting.catch(async (err: unknown) => {
        await this.staging.remove(creating.id);
        throw err;
      });
    }

    if (this.hookErrors.has(request)) {
      // Refused before the body was read to its end (a wrong type seen in the first bytes):
      // stop the client sending the rest.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw this.hookErrors.get(request);
    }
    if (response.status >= 400) throw tusError(response.status, await response.text());
    if (method === 'DELETE' && id !== null && response.status === 204) {
      await this.sessions().update(
        { id, status: 'receiving' },
        {
          status: 'aborted',
          errorCode: 'LIBRARY_UPLOAD_CANCELLED',
          errorMessage: 'The upload was cancelled',
        },
      );
    }
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    res.end(Buffer.from(await response.arrayBuffer()));
  }

  private async precheckCreate(p: Principal, req: IncomingMessage): Promise<CheckedCreate> {
    const lengthHeader = headerOf(req, 'upload-length');
    const deferred = headerOf(req, 'upload-defer-length') === '1';
    if (lengthHeader === undefined && !deferred) throw LibraryErrors.uploadLengthMissing();
    if (lengthHeader !== undefined) {
      const length = Number(lengthHeader);
      if (!Number.isSafeInteger(length) || length < 0) throw LibraryErrors.uploadLengthMissing();
      if (length > this.config.uploadMaxBytes) throw LibraryErrors.fileTooLarge(this.config.uploadMaxBytes);
      if (length === 0) throw toLibraryError(new EmptyFileError(), this.config.uploadMaxBytes);
    }
    const metadata = parseUploadMetadata(headerOf(req, 'upload-metadata'));
    const resourceId = metadata[TUS_METADATA_KEYS.resourceId];
    if (!resourceId || !UUID.test(resourceId))
      throw LibraryErrors.metadataMissing('resourceId (a resource id)');
    if (!metadata[TUS_METADATA_KEYS.fileName]) throw LibraryErrors.metadataMissing('filename');
    const versionId = metadata[TUS_METADATA_KEYS.versionId];
    if (versionId && !UUID.test(versionId)) throw LibraryErrors.metadataMissing('versionId as a version id');
    const checked = await this.ingest.checkTarget(p, { resourceId, versionId: versionId || null });
    return { resourceId, requestedVersionId: versionId || null, versionId: checked.versionId };
  }

  private toWebRequest(req: IncomingMessage, method: string): Request {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const hasBody = method === 'PATCH' || method === 'POST';
    return new Request(new URL(req.url ?? '/', 'http://localhost'), {
      method,
      headers,
      body: hasBody ? webBodyOf(req) : undefined,
      duplex: 'half',
    });
  }

  private async onCreate(req: Request, upload: Upload): Promise<{ metadata?: Upload['metadata'] }> {
    const p = this.principals.get(req);
    try {
      if (!p) throw new Error('tus request without a principal');
      const metadata = upload.metadata ?? {};
      const resourceId = metadata[TUS_METADATA_KEYS.resourceId] ?? '';
      const requestedVersionId = metadata[TUS_METADATA_KEYS.versionId] || null;
      // handle() checked this target a moment ago (the commit checks it again, under a lock).
      const prechecked = this.checked.get(req);
      const { versionId } =
        prechecked &&
        'requestedVersionId' in prechecked &&
        prechecked.resourceId === resourceId &&
        prechecked.requestedVersionId === requestedVersionId
          ? prechecked
          : await this.ingest.checkTarget(p, { resourceId, versionId: requestedVersionId });
      const inserting = this.sessions().insert({
        id: upload.id,
        userId: p.userId,
        resourceId,
        versionId,
        fileName: sanitizeFileName(metadata[TUS_METADATA_KEYS.fileName] ?? 'file'),
        declaredSize: upload.size ?? null,
        status: 'receiving',
        fileId: null,
        errorCode: null,
        errorMessage: null,
      });
      if (req.headers.get('content-type') === 'application/offset+octet-stream') {
        // Creation with upload: bytes (and perhaps the finish, which reads the row) follow.
        await inserting;
      } else {
        // The row is written while tus creates the staged file; handle() waits for it before
        // answering, so no PATCH can come before it exists.
        inserting.catch(() => undefined);
        this.creating.set(req, { id: upload.id, inserting });
      }
      return {};
    } catch (err) {
      throw this.hookError(req, err);
    }
  }

  private async onFinish(
    req: Request,
    upload: Upload,
  ): Promise<{ status_code?: number; headers?: Record<string, string>; body?: string }> {
    const p = this.principals.get(req);
    const sessions = this.sessions();
    // A PATCH's session was loaded (and found to be the caller's) by handle().
    const loaded = this.checked.get(req);
    const session =
      loaded instanceof UploadSession && loaded.id === upload.id
        ? loaded
        : await sessions.findOne({ where: { id: upload.id } });
    if (!p || !session || session.userId !== p.userId)
      throw this.hookError(req, LibraryErrors.uploadNotFound());
    // Marked processing while the upload is finished (the staged file adopted or read); every
    // later write to the session waits for this one. The commit marks it completed, in its own
    // transaction.
    const processing = sessions.update({ id: upload.id }, { status: 'processing' });
    processing.catch(() => undefined);
    const path = this.staging.pathOf(upload.id);
    const target = { resourceId: session.resourceId, versionId: session.versionId };
    const finish: SessionCommit = { uploadId: upload.id, processing };
    const inflight = this.inflight.get(upload.id);
    this.inflight.delete(upload.id);
    try {
      let result: IngestResult | undefined;
      if (inflight) result = await this.finishInflight(p, target, path, inflight.work, upload.size, finish);
      if (result === undefined && this.ingest.adoptsStagedFiles) {
        const inspected = await this.ingest.inspect(
          p,
          target,
          session.fileName,
          createReadStream(path),
          upload.size,
        );
        result = await this.commitAdopted(p, target, path, inspected, finish);
      }
      result ??= await this.ingest.ingest(p, target, session.fileName, createReadStream(path), {
        declaredSize: upload.size,
        reopen: () => createReadStream(path),
        session: finish,
      });
      await this.staging.remove(upload.id);
      return {
        status_code: 200,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          [UPLOAD_FILE_ID_HEADER]: result.file.id,
        },
        body: JSON.stringify(result.file),
      };
    } catch (err) {
      const mapped = toLibraryError(err, this.config.uploadMaxBytes);
      if (!(mapped instanceof AppError))
        this.logger.error({ err, uploadId: upload.id }, 'storing a finished upload failed');
      await processing.catch(() => undefined);
      await sessions
        .update(
          { id: upload.id },
          {
            status: 'failed',
            errorCode: mapped instanceof AppError ? mapped.code : 'INTERNAL_ERROR',
            errorMessage: (mapped instanceof AppError
              ? mapped.message
              : 'The upload could not be stored'
            ).slice(0, 500),
          },
        )
        .catch(() => undefined);
      await this.staging.remove(upload.id);
      throw this.hookError(req, mapped);
    }
  }

  /**
   * The staging store refused an upload by its first bytes (a disallowed type, sniffed while the
   * first PATCH arrives): the session is marked failed and the staged bytes are removed at once,
   * and the client gets LIBRARY_FILE_TYPE_NOT_ALLOWED instead of waiting for the whole file.
   */
  private async onRefused(req: Request, err: unknown): Promise<undefined> {
    if (!(err instanceof UploadRefusedError)) return undefined;
    const mapped = toLibraryError(err.reason, this.config.uploadMaxBytes);
    const code = mapped instanceof AppError ? mapped.code : 'LIBRARY_FILE_TYPE_NOT_ALLOWED';
    await this.sessions()
      .update(
        { id: err.uploadId, status: 'receiving' },
        { status: 'failed', errorCode: code, errorMessage: err.reason.message.slice(0, 500) },
      )
      .catch(() => undefined);
    await this.staging.remove(err.uploadId);
    this.hookErrors.set(req, mapped);
    return undefined;
  }

  /**
   * A PATCH that carries the whole file from offset 0 is copied, as it is staged, into the store
   * pipeline, so finishing does not read it all again: on S3 it is streamed into the store (both
   * writes overlap with the network); on local disk it is only sniffed and hashed, and the staged
   * file itself is then renamed into the store (adopted), so its bytes are written once.
   * Anything else (resumed uploads, chunked clients) is handled from the staged file at the end.
   */
  private storeWhileStaging(p: Principal, session: UploadSession, req: IncomingMessage): void {
    const whole =
      session.status === 'receiving' &&
      session.declaredSize !== null &&
      headerOf(req, 'upload-offset') === '0' &&
      Number(headerOf(req, 'content-length')) === session.declaredSize;
    if (!whole || this.inflight.has(session.id)) return;
    // A 1 MiB buffer between staging and storing, so neither waits on every chunk of the other.
    const side = new PassThrough({ highWaterMark: 1024 * 1024 });
    // The tee may fail it (a refused type) before the store pipeline listens; its outcome is
    // observed through `work`, never as an unhandled 'error' event.
    side.on('error', () => undefined);
    const target = { resourceId: session.resourceId, versionId: session.versionId };
    const size = session.declaredSize ?? undefined;
    const work: Promise<InflightResult> = this.ingest.adoptsStagedFiles
      ? this.ingest.inspect(p, target, session.fileName, side, size).then((inspected) => ({ inspected }))
      : this.ingest.prepare(p, target, session.fileName, side, size).then((prepared) => ({ prepared }));
    work.catch(() => undefined); // observed in onFinish or dropUnusedInflight
    this.inflight.set(session.id, { work, side });
    this.staging.teeInto(session.id, side);
  }

  /** After a PATCH: a copy that did not lead to a finished upload is dropped (its object too). */
  private async dropUnusedInflight(id: string): Promise<void> {
    this.staging.untee(id);
    const entry = this.inflight.get(id);
    if (!entry) return;
    this.inflight.delete(id);
    // The body never reached it (a refused PATCH) or ended early: stop the store pipeline.
    if (!entry.side.writableEnded) entry.side.destroy(new Error('upload body ended early'));
    const done = await entry.work.catch(() => undefined);
    if (done && 'prepared' in done) await this.ingest.discard(done.prepared);
  }

  /**
   * Commits what was stored while staging. A refusal (type, size, storage down, target gone) is
   * the answer; any other trouble falls back to storing the staged file (returns undefined).
   */
  private async finishInflight(
    p: Principal,
    target: IngestTarget,
    path: string,
    inflight: Promise<InflightResult>,
    size: number | undefined,
    finish: SessionCommit,
  ): Promise<IngestResult | undefined> {
    let done: InflightResult;
    try {
      done = await inflight;
    } catch (err) {
      if (err instanceof AppError && err.code !== 'LIBRARY_UPLOAD_INCOMPLETE') throw err;
      return undefined;
    }
    if ('inspected' in done) {
      if (done.inspected.size !== size) return undefined;
      return this.commitAdopted(p, target, path, done.inspected, finish);
    }
    const { prepared } = done;
    if (prepared.put.size !== size) {
      await this.ingest.discard(prepared);
      return undefined;
    }
    try {
      return await this.ingest.commitPrepared(p, target, prepared, finish);
    } catch (err) {
      if (err instanceof ObjectVanishedError) return undefined;
      throw err;
    }
  }

  /**
   * Adopts the staged file into the store and records it. If the object was collected between
   * the two (only possible when its content was already stored, so the staged file is still
   * here), it is adopted once more.
   */
  private async commitAdopted(
    p: Principal,
    target: IngestTarget,
    path: string,
    inspected: InspectedFile,
    finish: SessionCommit,
  ): Promise<IngestResult> {
    for (let attempt = 0; ; attempt += 1) {
      // The session is marked processing while the file is adopted (fsync, rename).
      const prepared = await this.ingest.adopt(path, inspected);
      try {
        return await this.ingest.commitPrepared(p, target, prepared, finish);
      } catch (err) {
        if (!(err instanceof ObjectVanishedError)) throw err;
        if (attempt > 0 || !prepared.put.deduplicated) throw LibraryErrors.storageInconsistent();
      }
    }
  }

  /** Remembers the real error for the response and gives tus something it can answer with. */
  private hookError(req: Request, err: unknown): TusHookError {
    this.hookErrors.set(req, err);
    return new TusHookError(err instanceof AppError ? err.status : 500);
  }

  /**
   * The caller's session `id` if it is still receiving, its `updated_at` touched (so the collector
   * leaves an upload alone while bytes arrive); undefined otherwise (not found, someone else's, or
   * in another state: ownSession() tells which).
   */
  private async touchReceiving(p: Principal, id: string): Promise<UploadSession | undefined> {
    if (!UPLOAD_ID.test(id)) throw LibraryErrors.uploadNotFound();
    // An UPDATE answers [rows, affected count].
    const [rows] = await this.dataSource.query<[Record<string, unknown>[], number]>(
      `UPDATE upload_sessions SET updated_at = now()
        WHERE id = $1 AND user_id = $2::uuid AND status = 'receiving' RETURNING *`,
      [id, p.userId],
    );
    const row = rows[0];
    return row ? hydrate(this.dataSource, UploadSession, row) : undefined;
  }

  private async ownSession(p: Principal, id: string): Promise<UploadSession> {
    if (!UPLOAD_ID.test(id)) throw LibraryErrors.uploadNotFound();
    const session = await this.sessions().findOne({ where: { id } });
    if (!session || session.userId !== p.userId) throw LibraryErrors.uploadNotFound();
    return session;
  }

  private sessions() {
    return this.dataSource.getRepository(UploadSession);
  }
}
