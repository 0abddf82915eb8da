import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  contentAddressedKey,
  putContentAddressed,
  type ContentAddressedPutOptions,
  type ContentAddressedPutResult,
} from './content-addressed.js';

import { ContentDigestMismatchError } from './errors.js';

export type ObjectStoreKind = 's3' | 'local';

export interface PutOptions {
  /** Stored with the object and returned by stat(). Any Unicode is accepted. */
  contentType?: string;
  /** Declared length. Optional (streams of unknown length are fine); if given it is verified. */
  size?: number;
  /** Reject with ObjectTooLargeError (and store nothing) once more bytes than this arrive. */
  maxBytes?: number;
  /**
   * Small user metadata (keys: lower-case a-z, 0-9, "-", max 64 chars; values: any Unicode).
   * At most 2 KiB in total once encoded (the S3 limit).
   */
  metadata?: Record<string, string>;
}

export interface PutResult {
  key: string;
  size: number;
  etag: string;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`; `end` omitted = to the end. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface ObjectStat {
  key: string;
  size: number;
  etag: string;
  contentType?: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

export interface ObjectListEntry {
  key: string;
  size: number;
  lastModified: Date;
}

export interface PresignGetOptions {
  expiresSeconds: number;
  /** Download file name, sent as response-content-disposition (RFC 6266 / 5987). */
  fileName?: string;
  contentType?: string;
  disposition?: 'attachment' | 'inline';
}

/** What the caller already knows of a finished local file: computed while it was written. */
export interface FileDigest {
  sha256: string;
  size: number;
}

export interface StorageHealth {
  ok: boolean;
  detail: string;
}

/**
 * The object-store port. An abstract class so that it can be used as a Nest injection token:
 * `{ provide: ObjectStore, useFactory: () => createObjectStore(config) }`.
 *
 * Every adapter passes the shared contract suite in `testing/object-store.contract.ts`.
 * Errors are typed (see errors.ts): ObjectNotFoundError, StorageUnavailableError,
 * ObjectTooLargeError, InvalidObjectKeyError, InvalidRangeError, ObjectSizeMismatchError.
 * Errors raised by the caller's own input stream are re-thrown unchanged.
 */
export abstract class ObjectStore {
  abstract readonly kind: ObjectStoreKind;

  /** Creates the bucket / directories. Call once at start-up (e.g. in onModuleInit). */
  abstract init(): Promise<void>;

  /**
   * Streams `stream` into `key`. The object becomes visible atomically when the returned promise
   * resolves; if the input errors, or a limit is exceeded, nothing is left behind.
   */
  abstract put(key: string, stream: Readable, opts?: PutOptions): Promise<PutResult>;

  /** Rejects with ObjectNotFoundError / InvalidRangeError before any byte is streamed. */
  abstract get(key: string, range?: ByteRange): Promise<Readable>;

  /** null when the object does not exist. */
  abstract stat(key: string): Promise<ObjectStat | null>;

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  /** Idempotent: deleting a missing object succeeds. */
  abstract delete(key: string): Promise<void>;

  /** Server-side copy (content type and metadata are kept). Rejects with ObjectNotFoundError. */
  abstract copy(sourceKey: string, targetKey: string): Promise<void>;

  /** Copy then delete; adapters may override with something cheaper (rename on local disk). */
  async move(sourceKey: string, targetKey: string): Promise<void> {
    await this.copy(sourceKey, targetKey);
    await this.delete(sourceKey);
  }

  /** All objects whose key starts with `prefix` (plain string prefix, recursive). */
  abstract listEntries(prefix: string): AsyncIterable<ObjectListEntry>;

  /** Keys starting with `prefix`, for garbage collection. */
  async *list(prefix: string): AsyncGenerator<string, void, undefined> {
    for await (const entry of this.listEntries(prefix)) yield entry.key;
  }

  /**
   * A time-limited direct download URL that forces the given file name, or null when the
   * store cannot hand out URLs (local disk: stream through the API instead).
   */
  abstract presignGet(key: string, opts: PresignGetOptions): Promise<string | null>;

  abstract health(): Promise<StorageHealth>;

  /**
   * Stores the stream under `sha256/<aa>/<sha256>`; identical content is stored once.
   * See putContentAddressed() in content-addressed.ts.
   */
  putContentAddressed(
    stream: Readable,
    opts: ContentAddressedPutOptions = {},
  ): Promise<ContentAddressedPutResult> {
    return putContentAddressed(this, stream, opts);
  }

  /**
   * Stores a finished local file (e.g. a staged upload) under `sha256/<aa>/<sha256>`, given the
   * digest the caller computed from these very bytes while it wrote them. This default streams
   * the file through putContentAddressed() and checks that it still hashes to `digest.sha256`
   * (else ContentDigestMismatchError, carrying what was stored so the caller can discard it);
   * adapters that can take the file as it is override it: local disk checks the size and renames
   * the file into place, trusting the digest, so the bytes are not read or written a second time.
   * The file stays where it is when it was copied or its content was already stored; the caller
   * removes it in every case.
   */
  async putContentAddressedFile(
    path: string,
    digest: FileDigest,
    opts: Pick<ContentAddressedPutOptions, 'contentType' | 'tempPrefix'> = {},
  ): Promise<ContentAddressedPutResult> {
    contentAddressedKey(digest.sha256); // validates the digest before any byte moves
    const put = await this.putContentAddressed(createReadStream(path), { ...opts, size: digest.size });
    if (put.sha256 !== digest.sha256) throw new ContentDigestMismatchError(digest.sha256, put.sha256, put);
    return put;
  }
}
