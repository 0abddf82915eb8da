import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Client, S3Error } from 'minio';
import { contentDisposition } from '@tongke/files';
import {
  errnoCode,
  errorMessage,
  InvalidRangeError,
  InvalidStorageArgumentError,
  ObjectNotFoundError,
  ObjectSizeMismatchError,
  ObjectTooLargeError,
  StorageError,
  StorageUnavailableError,
} from './errors.js';
import { validateObjectKey, validatePrefix, validateRange } from './keys.js';
import {
  decodeMetadataValue,
  encodeMetadataValue,
  isHeaderSafe,
  validateContentType,
  validateMetadata,
} from './metadata.js';
import {
  ObjectStore,
  type ByteRange,
  type ObjectListEntry,
  type ObjectStat,
  type PresignGetOptions,
  type PutOptions,
  type PutResult,
  type StorageHealth,
} from './object-store.js';
import { chunksOf, mapStreamErrors, SourceStreamError } from './streams.js';

export interface S3ObjectStoreOptions {
  endPoint: string;
  port?: number;
  useSSL?: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Default "us-east-1". Setting it avoids a region lookup request. */
  region?: string;
  /**
   * Multipart part size in bytes (min 5 MiB, default 16 MiB). Objects up to this size are sent
   * in one PUT; larger ones as a multipart upload. One part is buffered in memory per upload.
   * Max object size is 10 000 parts (156 GiB at 16 MiB).
   */
  partSize?: number;
  /** Path-style URLs (http://host/bucket/key); default true, as MinIO expects. */
  pathStyle?: boolean;
  /** Host the browser reaches for presigned URLs, when it differs from the API's endPoint. */
  publicEndpoint?: { endPoint: string; port?: number; useSSL?: boolean };
  /** health() gives up after this long (default 3 s). */
  healthTimeoutMs?: number;
  /** Retries of 5xx responses inside the minio client (default 1). */
  maxRetries?: number;
}

const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
/** Internal metadata key holding the original content type when it is not header-safe. */
const CONTENT_TYPE_META = 'tongke-content-type';
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPROTO',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const STANDARD_HEADERS = new Set([
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
  'expires',
  'x-amz-website-redirect-location',
  'if-none-match',
  'if-match',
  'x-amz-storage-class',
  'x-amz-acl',
]);

/**
 * Object store on any S3-compatible server (MinIO in production) through the `minio` client.
 *
 * put() streams input of unknown length with bounded memory: it buffers up to `partSize`; if the
 * input ends first, the object is sent with one PUT, otherwise as a multipart upload that is
 * completed only after the input ended cleanly and aborted on any error. (The minio client's own
 * putObject() for streams hangs when the input stream errors and never aborts the upload, and it
 * looks up resumable uploads with ListMultipartUploads first; doing the multipart steps here
 * avoids all three problems, so no client stubbing is needed on servers without that call.)
 */
export class S3ObjectStore extends ObjectStore {
  readonly kind = 's3' as const;
  readonly client: Client;
  readonly bucket: string;
  private readonly presignClient: Client;
  private readonly partSize: number;
  private readonly healthTimeoutMs: number;
  private readonly endpointLabel: string;

  constructor(options: S3ObjectStoreOptions) {
    super();
    const partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE) {
      throw new InvalidStorageArgumentError(`partSize must be an integer >= ${MIN_PART_SIZE}`);
    }
    this.partSize = partSize;
    this.bucket = options.bucket;
    this.healthTimeoutMs = options.healthTimeoutMs ?? 3000;
    const region = options.region ?? 'us-east-1';
    const common = {
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region,
      pathStyle: options.pathStyle ?? true,
      retryOptions: { maximumRetryCount: options.maxRetries ?? 1, baseDelayMs: 100, maximumDelayMs: 2000 },
    };
    this.client = new Client({
      ...common,
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL ?? false,
    });
    this.presignClient =
      options.publicEndpoint === undefined
        ? this.client
        : new Client({
            ...common,
            endPoint: options.publicEndpoint.endPoint,
            port: options.publicEndpoint.port,
            useSSL: options.publicEndpoint.useSSL ?? false,
          });
    const scheme = (options.useSSL ?? false) ? 'https' : 'http';
    this.endpointLabel = `${scheme}://${options.endPoint}${options.port === undefined ? '' : `:${options.port}`}/${this.bucket}`;
  }

  async init(): Promise<void> {
    try {
      if (await this.client.bucketExists(this.bucket)) return;
      await this.client.makeBucket(this.bucket, this.client.region ?? 'us-east-1');
    } catch (err) {
      if (
        err instanceof S3Error &&
        (err.code === 'BucketAlreadyOwnedByYou' || err.code === 'BucketAlreadyExists')
      )
        return;
      throw this.mapError(err);
    }
  }

  async put(key: string, stream: Readable, opts: PutOptions = {}): Promise<PutResult> {
    let uploadId: string | undefined;
    try {
      validateObjectKey(key);
      const headers = this.objectHeaders(
        validateContentType(opts.contentType),
        validateMetadata(opts.metadata),
      );
      const { size: declared, maxBytes } = opts;
      for (const [name, value] of [
        ['size', declared],
        ['maxBytes', maxBytes],
      ] as const) {
        if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
          throw new InvalidStorageArgumentError(`${name} must be a non-negative integer, got ${value}`);
        }
      }
      if (maxBytes !== undefined && declared !== undefined && declared > maxBytes)
        throw new ObjectTooLargeError(maxBytes);

      const parts: { part: number; etag: string }[] = [];
      const uploadPart = async (body: Buffer): Promise<void> => {
        if (parts.length >= MAX_PARTS) throw new ObjectTooLargeError(this.partSize * MAX_PARTS);
        uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
        const partNumber = parts.length + 1;
        const result = await this.client.uploadPart(
          {
            bucketName: this.bucket,
            objectName: key,
            uploadID: uploadId,
            partNumber,
            headers: { 'Content-MD5': createHash('md5').update(body).digest('base64') },
          },
          body,
        );
        parts.push({ part: partNumber, etag: result.etag });
      };

      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let total = 0;
      for await (const chunk of chunksOf(stream)) {
        total += chunk.length;
        if (maxBytes !== undefined && total > maxBytes) throw new ObjectTooLargeError(maxBytes);
        if (declared !== undefined && total > declared) throw new ObjectSizeMismatchError(declared, total);
        pending.push(chunk);
        pendingBytes += chunk.length;
        while (pendingBytes >= this.partSize) {
          const all = Buffer.concat(pending, pendingBytes);
          await uploadPart(all.subarray(0, this.partSize));
          const rest = all.subarray(this.partSize);
          pending = rest.length > 0 ? [rest] : [];
          pendingBytes = rest.length;
        }
      }
      if (declared !== undefined && total !== declared) throw new ObjectSizeMismatchError(declared, total);

      const last = Buffer.concat(pending, pendingBytes);
      let etag: string;
      if (uploadId === undefined) {
        ({ etag } = await this.client.putObject(this.bucket, key, last, last.length, headers));
      } else {
        if (last.length > 0) await uploadPart(last);
        ({ etag } = await this.client.completeMultipartUpload(this.bucket, key, uploadId, parts));
        uploadId = undefined;
      }
      return { key, size: total, etag };
    } catch (err) {
      if (!stream.destroyed) stream.destroy();
      if (uploadId !== undefined) {
        // Best effort: some servers (s3rver) do not implement AbortMultipartUpload; an upload that
        // is never completed is invisible either way (add a bucket lifecycle rule to expire them).
        await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      }
      throw this.mapError(err, key);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    validateObjectKey(key);
    try {
      if (range === undefined) {
        const body = await this.client.getObject(this.bucket, key);
        return mapStreamErrors(body, (err) => this.mapError(err, key));
      }
      validateRange(range);
      // An explicit Range header (getPartialObject() drops "bytes=0-"), so that every store
      // answers the same for every range, including 416 for an empty object.
      const response = await this.client.makeRequestAsync(
        {
          method: 'GET',
          bucketName: this.bucket,
          objectName: key,
          headers: { range: `bytes=${range.start}-${range.end ?? ''}` },
        },
        '',
        [206],
      );
      const problem = contentRangeProblem(response.headers['content-range'], range);
      if (problem !== undefined) {
        response.destroy();
        throw problem === 'unsatisfiable'
          ? new InvalidRangeError(key, range)
          : new StorageUnavailableError(`s3 ${this.endpointLabel} answered ${problem} for ${key}`);
      }
      return mapStreamErrors(response, (err) => this.mapError(err, key));
    } catch (err) {
      if (err instanceof S3Error && err.code === 'InvalidRange' && range !== undefined) {
        throw new InvalidRangeError(key, range);
      }
      throw this.mapError(err, key);
    }
  }

  async stat(key: string): Promise<ObjectStat | null> {
    validateObjectKey(key);
    try {
      const stat = await this.client.statObject(this.bucket, key);
      const raw: Record<string, unknown> = stat.metaData ?? {};
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(raw)) {
        const lower = name.toLowerCase();
        if (
          typeof value !== 'string' ||
          STANDARD_HEADERS.has(lower) ||
          lower.startsWith('x-amz-') ||
          lower === CONTENT_TYPE_META
        ) {
          continue;
        }
        metadata[lower] = decodeMetadataValue(value);
      }
      const encodedType = raw[CONTENT_TYPE_META];
      const headerType = raw['content-type'];
      return {
        key,
        size: stat.size,
        etag: stat.etag,
        contentType:
          typeof encodedType === 'string'
            ? decodeMetadataValue(encodedType)
            : typeof headerType === 'string'
              ? headerType
              : undefined,
        lastModified: stat.lastModified,
        metadata,
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw this.mapError(err, key);
    }
  }

  async delete(key: string): Promise<void> {
    validateObjectKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (err) {
      if (isNotFound(err)) return;
      throw this.mapError(err, key);
    }
  }

  /** Server-side CopyObject (single request: up to 5 GiB on AWS S3). Metadata is copied. */
  async copy(sourceKey: string, targetKey: string): Promise<void> {
    validateObjectKey(sourceKey);
    validateObjectKey(targetKey);
    try {
      await this.client.copyObject(this.bucket, targetKey, `/${this.bucket}/${sourceKey}`);
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(sourceKey, { cause: err });
      throw this.mapError(err, targetKey);
    }
  }

  async *listEntries(prefix: string): AsyncGenerator<ObjectListEntry, void, undefined> {
    validatePrefix(prefix);
    const stream = this.client.listObjects(this.bucket, prefix, true);
    try {
      for await (const raw of stream) {
        const item = raw as { name?: string; size?: number; lastModified?: Date };
        if (typeof item.name !== 'string') continue;
        yield { key: item.name, size: item.size ?? 0, lastModified: item.lastModified ?? new Date(0) };
      }
    } catch (err) {
      throw this.mapError(err);
    } finally {
      stream.destroy();
    }
  }

  async presignGet(key: string, opts: PresignGetOptions): Promise<string | null> {
    validateObjectKey(key);
    const { expiresSeconds } = opts;
    if (!Number.isSafeInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > 7 * 24 * 3600) {
      throw new InvalidStorageArgumentError('expiresSeconds must be an integer between 1 and 604800');
    }
    const params: Record<string, string> = {};
    if (opts.fileName !== undefined) {
      params['response-content-disposition'] = contentDisposition(
        opts.fileName,
        opts.disposition ?? 'attachment',
      );
    }
    if (opts.contentType !== undefined && isHeaderSafe(opts.contentType)) {
      params['response-content-type'] = opts.contentType;
    }
    try {
      return await this.presignClient.presignedGetObject(this.bucket, key, expiresSeconds, params);
    } catch (err) {
      throw this.mapError(err, key);
    }
  }

  async health(): Promise<StorageHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.healthTimeoutMs} ms`)),
        this.healthTimeoutMs,
      );
    });
    try {
      const exists = await Promise.race([this.client.bucketExists(this.bucket), timeout]);
      return exists
        ? { ok: true, detail: `s3 ${this.endpointLabel} reachable` }
        : { ok: false, detail: `s3 ${this.endpointLabel}: bucket does not exist (call init())` };
    } catch (err) {
      return { ok: false, detail: `s3 ${this.endpointLabel} unavailable: ${errorMessage(err)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Request headers for a new object. Node refuses non-Latin-1 header values and S3 servers
   * disagree about anything outside ASCII, so a content type with e.g. Chinese parameters is
   * sent simplified and kept verbatim (percent-encoded) in metadata; user metadata values are
   * always percent-encoded. stat() decodes both.
   */
  private objectHeaders(
    contentType: string | undefined,
    metadata: Record<string, string>,
  ): Record<string, string> {
    const headers: Record<string, string> = {};
    if (contentType !== undefined) {
      if (isHeaderSafe(contentType)) {
        headers['Content-Type'] = contentType;
      } else {
        const essence = contentType.split(';')[0]?.trim() ?? '';
        headers['Content-Type'] =
          essence !== '' && isHeaderSafe(essence) ? essence : 'application/octet-stream';
        headers[`x-amz-meta-${CONTENT_TYPE_META}`] = encodeMetadataValue(contentType);
      }
    }
    for (const [name, value] of Object.entries(metadata))
      headers[`x-amz-meta-${name}`] = encodeMetadataValue(value);
    return headers;
  }

  private mapError(err: unknown, key?: string): Error {
    return toS3StorageError(err, this.endpointLabel, key);
  }
}

/**
 * Checks a 206 answer's Content-Range against the request, so a server that ignores or botches
 * the range (s3rver answers "bytes 0-0/0" for an empty object) never yields wrong bytes.
 */
function contentRangeProblem(header: string | undefined, range: ByteRange): string | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header ?? '');
  if (match === null) return `a malformed Content-Range (${header ?? 'none'})`;
  const [start, end] = [Number(match[1]), Number(match[2])];
  const total = match[3] === '*' ? undefined : Number(match[3]);
  if (total !== undefined && range.start >= total) return 'unsatisfiable';
  if (start !== range.start || end < start || (total !== undefined && end >= total)) {
    return `Content-Range ${header ?? ''} for bytes=${range.start}-${range.end ?? ''}`;
  }
  if (range.end !== undefined && end > range.end)
    return `Content-Range ${header ?? ''} for bytes=${range.start}-${range.end}`;
  return undefined;
}

function isNotFound(err: unknown): boolean {
  return err instanceof S3Error && err.code !== undefined && NOT_FOUND_CODES.has(err.code);
}

function isNetworkError(err: unknown): boolean {
  const code = errnoCode(err);
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  if (err instanceof AggregateError) return err.errors.some(isNetworkError);
  const cause = err instanceof Error ? err.cause : undefined;
  return cause !== undefined && cause !== err && isNetworkError(cause);
}

/**
 * Maps a failure of the S3 client: input-stream errors are returned unchanged, NoSuchKey /
 * NotFound become ObjectNotFoundError, connection failures, 5xx answers (after the client's
 * retries) and server-side refusals (missing bucket, bad credentials) StorageUnavailableError.
 */
export function toS3StorageError(err: unknown, endpoint: string, key?: string): Error {
  if (err instanceof SourceStreamError) {
    return err.original instanceof Error ? err.original : new Error(String(err.original));
  }
  if (err instanceof StorageError) return err;
  if (err instanceof S3Error) {
    if (key !== undefined && isNotFound(err)) return new ObjectNotFoundError(key, { cause: err });
    if (err.code === 'EntityTooLarge') return new ObjectTooLargeError(undefined, { cause: err });
    return new StorageUnavailableError(
      `s3 ${endpoint} refused the request: ${err.code ?? 'error'} ${err.message}`,
      {
        cause: err,
      },
    );
  }
  if (isNetworkError(err)) {
    return new StorageUnavailableError(`s3 ${endpoint} unreachable: ${errnoCode(err) ?? errorMessage(err)}`, {
      cause: err,
    });
  }
  const message = errorMessage(err);
  if (/Retryable HTTP status: 5\d\d|Request failed after \d+ retries|Retries exhausted/.test(message)) {
    return new StorageUnavailableError(`s3 ${endpoint} failing: ${message}`, { cause: err });
  }
  return err instanceof Error ? err : new Error(message);
}
