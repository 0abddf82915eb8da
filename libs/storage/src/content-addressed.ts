import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidStorageArgumentError, ObjectTooLargeError } from './errors.js';
import type { ObjectStore } from './object-store.js';
import { streamingSha256 } from './sha256-thread.js';
import { toBuffer } from './streams.js';

export const CONTENT_ADDRESSED_PREFIX = 'sha256/';
export const DEFAULT_TEMP_PREFIX = 'tmp/cas/';

export interface ContentAddressedPutOptions {
  contentType?: string;
  /** Declared length, verified if given. */
  size?: number;
  /** Abort with ObjectTooLargeError once more bytes than this arrive; nothing is left behind. */
  maxBytes?: number;
  metadata?: Record<string, string>;
  /** Where the upload is staged before its hash is known (default "tmp/cas/"). */
  tempPrefix?: string;
}

export interface ContentAddressedPutResult {
  /** `sha256/<first two hex digits>/<sha256>` */
  key: string;
  sha256: string;
  size: number;
  /** true when identical content was already stored (this upload was discarded). */
  deduplicated: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function contentAddressedKey(sha256: string): string {
  if (!SHA256_HEX.test(sha256))
    throw new InvalidStorageArgumentError(`Not a lower-case sha256 hex digest: ${sha256}`);
  return `${CONTENT_ADDRESSED_PREFIX}${sha256.slice(0, 2)}/${sha256}`;
}

/**
 * Generic over any ObjectStore: streams the input to a temporary key while computing sha256,
 * then moves it to `sha256/<aa>/<hash>` unless that object already exists (dedupe), and removes
 * the temporary object in every case. Concurrent puts of identical content end with exactly one
 * object (both writers move identical bytes onto the same key; the moves are atomic) and no
 * temporary leftovers.
 *
 * Content type and metadata are kept from the first writer of a given content; per-upload
 * information (file name, uploader, ...) belongs in the database, keyed by sha256.
 */
export async function putContentAddressed(
  store: ObjectStore,
  stream: Readable,
  opts: ContentAddressedPutOptions = {},
): Promise<ContentAddressedPutResult> {
  const { maxBytes } = opts;
  if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
    throw new InvalidStorageArgumentError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
  }
  if (maxBytes !== undefined && opts.size !== undefined && opts.size > maxBytes) {
    stream.destroy();
    throw new ObjectTooLargeError(maxBytes);
  }

  // Hashed on a helper thread (sha256-thread.ts) while the store writes the bytes.
  const hash = streamingSha256();
  let size = 0;
  async function* hashing(): AsyncGenerator<Buffer, void, undefined> {
    for await (const chunk of stream) {
      const buffer = toBuffer(chunk);
      size += buffer.length;
      if (maxBytes !== undefined && size > maxBytes) throw new ObjectTooLargeError(maxBytes);
      const behind = hash.update(buffer);
      yield buffer;
      if (behind !== undefined) await behind;
    }
  }

  const tempKey = `${opts.tempPrefix ?? DEFAULT_TEMP_PREFIX}${randomUUID()}`;
  const removeTemp = async (): Promise<void> => {
    try {
      await store.delete(tempKey);
    } catch {
      // Best effort: the put itself already guarantees nothing partial is left; a failure here
      // (storage down) leaves at most one tmp/ object for garbage collection.
    }
  };

  try {
    await store.put(tempKey, Readable.from(hashing(), { objectMode: false }), {
      contentType: opts.contentType,
      size: opts.size,
      metadata: opts.metadata,
    });
  } catch (err) {
    hash.abort();
    await removeTemp();
    throw err;
  }

  let sha256: string;
  try {
    sha256 = await hash.digest();
  } catch (err) {
    await removeTemp();
    throw err;
  }
  const key = contentAddressedKey(sha256);
  try {
    const existing = await store.stat(key);
    if (existing !== null && existing.size === size) {
      await removeTemp();
      return { key, sha256, size, deduplicated: true };
    }
    try {
      await store.move(tempKey, key);
    } catch (err) {
      // A concurrent writer of the same content may have won the race (and a server may refuse
      // the loser's copy, e.g. 503 SlowDown on a hot key): the content is there all the same.
      const winner = await store.stat(key).catch(() => null);
      if (winner === null || winner.size !== size) throw err;
      await removeTemp();
      return { key, sha256, size, deduplicated: true };
    }
    return { key, sha256, size, deduplicated: false };
  } catch (err) {
    await removeTemp();
    throw err;
  }
}
