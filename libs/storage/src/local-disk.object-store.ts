import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { constants as fsConstants, type BigIntStats } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  statfs,
  type FileHandle,
} from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import {
  errnoCode,
  errorMessage,
  InvalidObjectKeyError,
  InvalidRangeError,
  InvalidStorageArgumentError,
  ObjectNotFoundError,
  ObjectSizeMismatchError,
  ObjectTooLargeError,
  StorageError,
  StorageUnavailableError,
} from './errors.js';
import { validateObjectKey, validatePrefix, validateRange } from './keys.js';
import { validateContentType, validateMetadata } from './metadata.js';
import {
  contentAddressedKey,
  type ContentAddressedPutOptions,
  type ContentAddressedPutResult,
} from './content-addressed.js';
import {
  ObjectStore,
  type ByteRange,
  type FileDigest,
  type ObjectListEntry,
  type ObjectStat,
  type PresignGetOptions,
  type PutOptions,
  type PutResult,
  type StorageHealth,
} from './object-store.js';
import { EarlyWriteback } from './early-writeback.js';
import { chunksOf, mapStreamErrorsInPlace, SourceStreamError } from './streams.js';

/** Disk-side failures that mean "the store cannot serve right now" (HTTP 503). */
const UNAVAILABLE_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'EIO',
  'EMFILE',
  'ENFILE',
  'EBUSY',
  'ENOTDIR',
  'ENOENT',
  'ESTALE',
  'ENXIO',
]);
const MISSING_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EISDIR']);

interface SidecarMeta {
  v: 1;
  etag: string;
  contentType?: string;
  metadata: Record<string, string>;
}

export interface LocalDiskObjectStoreOptions {
  /** Temp files older than this are removed by init() (left over from a crash). Default 24 h. */
  staleTempMs?: number;
}

/**
 * Bytes per read of get() streams: 1 MiB chunks (Node's default is 64 KiB) cut the per-chunk work
 * of a download (read syscalls, socket writes, hashing calls) sixteen-fold for 1 MiB of memory per
 * open stream.
 */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Object store on a local directory:
 *
 *   <rootDir>/objects/<key>       the bytes, as a plain file (keys may contain "/")
 *   <rootDir>/meta/<aa>/<sig>.json content type, metadata and etag of one file version
 *   <rootDir>/tmp/                 in-progress writes (same filesystem, so rename is atomic)
 *
 * Writes go to tmp/, are fsync'ed and renamed into place: readers never see a partial object,
 * and a failed or aborted input stream leaves nothing behind. The sidecar is keyed by the data
 * file's identity (inode, size, mtime in ns), which a rename preserves; so concurrent writers
 * can never pair one version's bytes with another's content type or etag. If the sidecar is
 * missing (e.g. files restored without inode numbers) stat() still works, with a stat-derived
 * etag and no content type.
 *
 * Limitation (filesystem semantics): "a" and "a/b" cannot both exist; the second put fails with
 * InvalidObjectKeyError. Content-addressed keys (sha256/aa/hash) and tmp/ keys never collide.
 * Empty directories left by delete() are not pruned (harmless; sha256/ has at most 256).
 */
export class LocalDiskObjectStore extends ObjectStore {
  readonly kind = 'local' as const;
  readonly rootDir: string;
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly tmpDir: string;
  private readonly staleTempMs: number;

  constructor(rootDir: string, options: LocalDiskObjectStoreOptions = {}) {
    super();
    this.rootDir = resolve(rootDir);
    this.objectsDir = join(this.rootDir, 'objects');
    this.metaDir = join(this.rootDir, 'meta');
    this.tmpDir = join(this.rootDir, 'tmp');
    this.staleTempMs = options.staleTempMs ?? 24 * 60 * 60 * 1000;
  }

  async init(): Promise<void> {
    try {
      for (const dir of [this.objectsDir, this.metaDir, this.tmpDir]) await mkdir(dir, { recursive: true });
      await this.removeStaleTempFiles();
    } catch (err) {
      throw this.mapError(err);
    }
  }

  async put(key: string, stream: Readable, opts: PutOptions = {}): Promise<PutResult> {
    let tmpData: string | undefined;
    let tmpMeta: string | undefined;
    let metaPath: string | undefined;
    let committed = false;
    let fh: FileHandle | undefined;
    let writeback: EarlyWriteback | undefined;
    try {
      validateObjectKey(key);
      const contentType = validateContentType(opts.contentType);
      const metadata = validateMetadata(opts.metadata);
      const { size: declared, maxBytes } = checkLimits(opts);
      if (maxBytes !== undefined && declared !== undefined && declared > maxBytes)
        throw new ObjectTooLargeError(maxBytes);

      const target = this.objectPath(key);
      const id = randomUUID();
      tmpData = join(this.tmpDir, `${id}.data`);
      tmpMeta = join(this.tmpDir, `${id}.meta`);
      await mkdir(this.tmpDir, { recursive: true });
      fh = await open(tmpData, 'wx', 0o644);

      let written = 0;
      const handle = fh;
      writeback = new EarlyWriteback(() => handle.datasync());
      for await (const chunk of chunksOf(stream)) {
        written += chunk.length;
        if (maxBytes !== undefined && written > maxBytes) throw new ObjectTooLargeError(maxBytes);
        if (declared !== undefined && written > declared)
          throw new ObjectSizeMismatchError(declared, written);
        await writeAll(fh, chunk);
        writeback.wrote(chunk.length);
      }
      if (declared !== undefined && written !== declared)
        throw new ObjectSizeMismatchError(declared, written);
      await writeback.settled();
      await fh.sync();
      const st = await fh.stat({ bigint: true });
      await fh.close();
      fh = undefined;

      const etag = newEtag();
      metaPath = this.metaPathFor(st);
      await writeDurably(
        tmpMeta,
        JSON.stringify({ v: 1, etag, contentType, metadata } satisfies SidecarMeta),
      );
      await mkdir(dirname(metaPath), { recursive: true });
      await rename(tmpMeta, metaPath);
      tmpMeta = undefined;

      await this.commit(tmpData, target, key);
      committed = true;
      tmpData = undefined;
      return { key, size: written, etag };
    } catch (err) {
      if (!stream.destroyed) stream.destroy();
      await writeback?.settled().catch(() => undefined);
      await fh?.close().catch(() => undefined);
      if (tmpData !== undefined) await rm(tmpData, { force: true }).catch(() => undefined);
      if (tmpMeta !== undefined) await rm(tmpMeta, { force: true }).catch(() => undefined);
      if (!committed && metaPath !== undefined) await rm(metaPath, { force: true }).catch(() => undefined);
      throw this.mapError(err, key);
    }
  }

  /**
   * Takes a finished file on the same filesystem by rename: its size is checked, it is fsync'ed,
   * its sidecar written and it is renamed onto `sha256/<aa>/<sha256>` (atomically; a concurrent
   * writer of the same content renames identical bytes onto the same key). When the content is
   * already stored the file is left for the caller to remove. The digest is trusted: pass only
   * what was computed from these bytes. Across filesystems (EXDEV) it copies like the default.
   */
  override async putContentAddressedFile(
    path: string,
    digest: FileDigest,
    opts: Pick<ContentAddressedPutOptions, 'contentType' | 'tempPrefix'> = {},
  ): Promise<ContentAddressedPutResult> {
    const key = contentAddressedKey(digest.sha256);
    const contentType = validateContentType(opts.contentType);
    const result = (deduplicated: boolean): ContentAddressedPutResult => ({
      key,
      sha256: digest.sha256,
      size: digest.size,
      deduplicated,
    });
    let tmpMeta: string | undefined;
    let metaPath: string | undefined;
    let committed = false;
    try {
      const existing = await this.stat(key);
      if (existing !== null && existing.size === digest.size) return result(true);
      const fh = await open(path, fsConstants.O_RDWR | fsConstants.O_NOFOLLOW);
      let st: BigIntStats;
      try {
        st = await fh.stat({ bigint: true });
        if (!st.isFile() || Number(st.size) !== digest.size)
          throw new ObjectSizeMismatchError(digest.size, Number(st.size));
        await fh.sync();
      } finally {
        await fh.close();
      }
      tmpMeta = join(this.tmpDir, `${randomUUID()}.meta`);
      metaPath = this.metaPathFor(st);
      await writeDurably(
        tmpMeta,
        JSON.stringify({ v: 1, etag: newEtag(), contentType, metadata: {} } satisfies SidecarMeta),
      );
      await mkdir(dirname(metaPath), { recursive: true });
      await rename(tmpMeta, metaPath);
      tmpMeta = undefined;
      await this.commit(path, this.objectPath(key), key);
      committed = true;
      return result(false);
    } catch (err) {
      if (tmpMeta !== undefined) await rm(tmpMeta, { force: true }).catch(() => undefined);
      if (!committed && metaPath !== undefined) await rm(metaPath, { force: true }).catch(() => undefined);
      if (errnoCode(err) === 'EXDEV') return super.putContentAddressedFile(path, digest, opts);
      throw this.mapError(err, key);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    validateObjectKey(key);
    if (range !== undefined) validateRange(range);
    let fh: FileHandle;
    try {
      fh = await open(this.objectPath(key), fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
    } catch (err) {
      throw await this.missingOrUnavailable(err, key);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new ObjectNotFoundError(key);
      let options: { start?: number; end?: number } = {};
      if (range !== undefined) {
        if (range.start >= st.size) throw new InvalidRangeError(key, range, st.size);
        options = { start: range.start, end: Math.min(range.end ?? st.size - 1, st.size - 1) };
      }
      const stream = fh.createReadStream({ ...options, highWaterMark: READ_CHUNK_BYTES, autoClose: true });
      return mapStreamErrorsInPlace(stream, (err) => this.mapError(err, key));
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw this.mapError(err, key);
    }
  }

  async stat(key: string): Promise<ObjectStat | null> {
    validateObjectKey(key);
    let st: BigIntStats;
    try {
      st = await lstat(this.objectPath(key), { bigint: true });
    } catch (err) {
      const mapped = await this.missingOrUnavailable(err, key);
      if (mapped instanceof ObjectNotFoundError) return null;
      throw mapped;
    }
    if (!st.isFile()) return null;
    const meta = await this.readMeta(st);
    return {
      key,
      size: Number(st.size),
      etag: meta?.etag ?? fallbackEtag(st),
      contentType: meta?.contentType,
      lastModified: new Date(Number(st.mtimeMs)),
      metadata: meta?.metadata ?? {},
    };
  }

  async delete(key: string): Promise<void> {
    validateObjectKey(key);
    const path = this.objectPath(key);
    try {
      const st = await lstat(path, { bigint: true });
      if (!st.isFile() && !st.isSymbolicLink()) return;
      await rm(path, { force: true });
      await rm(this.metaPathFor(st), { force: true });
    } catch (err) {
      const mapped = await this.missingOrUnavailable(err, key);
      if (mapped instanceof ObjectNotFoundError) return;
      throw mapped;
    }
  }

  async copy(sourceKey: string, targetKey: string): Promise<void> {
    validateObjectKey(sourceKey);
    validateObjectKey(targetKey);
    const source = this.objectPath(sourceKey);
    const id = randomUUID();
    let tmpData: string | undefined = join(this.tmpDir, `${id}.data`);
    let tmpMeta: string | undefined = join(this.tmpDir, `${id}.meta`);
    let metaPath: string | undefined;
    let committed = false;
    try {
      let sourceStat: BigIntStats;
      try {
        sourceStat = await lstat(source, { bigint: true });
      } catch (err) {
        throw await this.missingOrUnavailable(err, sourceKey);
      }
      if (!sourceStat.isFile()) throw new ObjectNotFoundError(sourceKey);
      const sourceMeta = await this.readMeta(sourceStat);
      await mkdir(this.tmpDir, { recursive: true });
      try {
        await copyFile(source, tmpData, fsConstants.COPYFILE_EXCL | fsConstants.COPYFILE_FICLONE);
      } catch (err) {
        throw await this.missingOrUnavailable(err, sourceKey);
      }
      const fh = await open(tmpData, 'r+');
      let st: BigIntStats;
      try {
        await fh.sync();
        st = await fh.stat({ bigint: true });
      } finally {
        await fh.close();
      }
      if (sourceMeta !== null && st.size === sourceStat.size) {
        metaPath = this.metaPathFor(st);
        await writeDurably(tmpMeta, JSON.stringify(sourceMeta));
        await mkdir(dirname(metaPath), { recursive: true });
        await rename(tmpMeta, metaPath);
        tmpMeta = undefined;
      }
      await this.commit(tmpData, this.objectPath(targetKey), targetKey);
      committed = true;
      tmpData = undefined;
    } catch (err) {
      if (tmpData !== undefined) await rm(tmpData, { force: true }).catch(() => undefined);
      if (tmpMeta !== undefined) await rm(tmpMeta, { force: true }).catch(() => undefined);
      if (!committed && metaPath !== undefined) await rm(metaPath, { force: true }).catch(() => undefined);
      throw this.mapError(err, targetKey);
    }
  }

  /** Atomic rename; the sidecar follows automatically (it is keyed by inode, which rename keeps). */
  override async move(sourceKey: string, targetKey: string): Promise<void> {
    validateObjectKey(sourceKey);
    validateObjectKey(targetKey);
    const source = this.objectPath(sourceKey);
    try {
      let st: BigIntStats;
      try {
        st = await lstat(source, { bigint: true });
      } catch (err) {
        throw await this.missingOrUnavailable(err, sourceKey);
      }
      if (!st.isFile()) throw new ObjectNotFoundError(sourceKey);
      try {
        await this.commit(source, this.objectPath(targetKey), targetKey);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') throw await this.missingOrUnavailable(err, sourceKey);
        throw err;
      }
    } catch (err) {
      throw this.mapError(err, targetKey);
    }
  }

  async *listEntries(prefix: string): AsyncGenerator<ObjectListEntry, void, undefined> {
    validatePrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const baseKey = slash === -1 ? '' : prefix.slice(0, slash);
    try {
      await this.assertRootUsable();
    } catch (err) {
      throw this.mapError(err);
    }
    yield* this.walk(baseKey, prefix);
  }

  /** Local disk cannot hand out URLs: stream downloads through the API instead. */
  presignGet(key: string, _opts: PresignGetOptions): Promise<string | null> {
    try {
      validateObjectKey(key);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return Promise.resolve(null);
  }

  async health(): Promise<StorageHealth> {
    const probe = join(this.tmpDir, `health-${randomUUID()}`);
    try {
      for (const dir of [this.objectsDir, this.metaDir, this.tmpDir]) await mkdir(dir, { recursive: true });
      await writeDurably(probe, 'ok');
      await rm(probe, { force: true });
      const fsStat = await statfs(this.rootDir);
      const free = fsStat.bavail * fsStat.bsize;
      return { ok: true, detail: `local disk ${this.rootDir} writable, ${formatBytes(free)} free` };
    } catch (err) {
      await rm(probe, { force: true }).catch(() => undefined);
      return { ok: false, detail: `local disk ${this.rootDir} unavailable: ${errorMessage(err)}` };
    }
  }

  // ---------------------------------------------------------------------------------------------

  private objectPath(key: string): string {
    const path = join(this.objectsDir, ...key.split('/'));
    const rel = relative(this.objectsDir, path);
    // Defence in depth; validateObjectKey() already rules this out.
    if (rel === '' || rel.startsWith('..') || resolve(this.objectsDir, rel) !== path) {
      throw new InvalidObjectKeyError(key, 'key resolves outside the store');
    }
    return path;
  }

  private metaPathFor(st: BigIntStats): string {
    const sig = createHash('sha1').update(`${st.ino}:${st.size}:${st.mtimeNs}`).digest('hex');
    return join(this.metaDir, sig.slice(0, 2), `${sig}.json`);
  }

  private async readMeta(st: BigIntStats): Promise<SidecarMeta | null> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.metaPathFor(st), 'utf8'));
      return isSidecarMeta(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  /** Renames a finished temp file onto its key, creating parent directories. */
  private async commit(from: string, target: string, key: string): Promise<void> {
    const parent = dirname(target);
    try {
      await mkdir(parent, { recursive: true });
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOTDIR' || code === 'EEXIST') {
        throw new InvalidObjectKeyError(key, 'a prefix of this key is already an object');
      }
      throw err;
    }
    let previous: BigIntStats | undefined;
    try {
      previous = await lstat(target, { bigint: true });
    } catch {
      previous = undefined;
    }
    if (previous?.isDirectory()) throw new InvalidObjectKeyError(key, 'objects exist below this key');
    try {
      await rename(from, target);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new InvalidObjectKeyError(key, 'objects exist below this key');
      }
      throw err;
    }
    await fsyncDir(parent);
    if (previous?.isFile()) {
      // The replaced version's sidecar is now unreachable; drop it (best effort).
      const current = await lstat(target, { bigint: true }).catch(() => undefined);
      if (current === undefined || current.ino !== previous.ino) {
        await rm(this.metaPathFor(previous), { force: true }).catch(() => undefined);
      }
    }
  }

  private async *walk(dirKey: string, prefix: string): AsyncGenerator<ObjectListEntry, void, undefined> {
    const dir = dirKey === '' ? this.objectsDir : this.objectPath(dirKey);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (MISSING_CODES.has(errnoCode(err) ?? '')) return;
      throw this.mapError(err);
    }
    // Sort like S3 does (UTF-8 byte order of the full key): a directory sorts as "name/".
    const named = entries
      .filter((e) => e.isFile() || e.isDirectory())
      .map((e) => ({ entry: e, sortKey: Buffer.from(e.isDirectory() ? `${e.name}/` : e.name, 'utf8') }))
      .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    for (const { entry } of named) {
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) {
        const asDir = `${key}/`;
        // Descend only where keys can still match the prefix.
        if (asDir.startsWith(prefix) || prefix.startsWith(asDir)) yield* this.walk(key, prefix);
      } else if (key.startsWith(prefix)) {
        try {
          const st = await lstat(join(dir, entry.name));
          yield { key, size: st.size, lastModified: new Date(st.mtimeMs) };
        } catch (err) {
          if (!MISSING_CODES.has(errnoCode(err) ?? '')) throw this.mapError(err);
        }
      }
    }
  }

  private async assertRootUsable(): Promise<void> {
    let st;
    try {
      st = await lstat(this.objectsDir);
    } catch (err) {
      throw new StorageUnavailableError(
        `local storage ${this.rootDir} is not usable (${errnoCode(err) ?? errorMessage(err)}); was init() called?`,
        { cause: err },
      );
    }
    if (!st.isDirectory())
      throw new StorageUnavailableError(`local storage ${this.objectsDir} is not a directory`);
  }

  /** ENOENT & co. mean "no such object" only if the store itself is intact. */
  private async missingOrUnavailable(err: unknown, key: string): Promise<Error> {
    if (err instanceof StorageError) return err;
    if (MISSING_CODES.has(errnoCode(err) ?? '')) {
      try {
        await this.assertRootUsable();
      } catch (rootErr) {
        return this.mapError(rootErr, key);
      }
      return new ObjectNotFoundError(key, { cause: err });
    }
    return this.mapError(err, key);
  }

  private mapError(err: unknown, key?: string): Error {
    return toLocalStorageError(err, this.rootDir, key);
  }

  private async removeStaleTempFiles(): Promise<void> {
    const cutoff = Date.now() - this.staleTempMs;
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const st = await lstat(path).catch(() => undefined);
      if (st?.isFile() && st.mtimeMs < cutoff) await rm(path, { force: true }).catch(() => undefined);
    }
  }
}

function checkLimits(opts: PutOptions): { size?: number; maxBytes?: number } {
  for (const [name, value] of [
    ['size', opts.size],
    ['maxBytes', opts.maxBytes],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new InvalidStorageArgumentError(`${name} must be a non-negative integer, got ${value}`);
    }
  }
  return { size: opts.size, maxBytes: opts.maxBytes };
}

function isSidecarMeta(value: unknown): value is SidecarMeta {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['v'] === 1 &&
    typeof v['etag'] === 'string' &&
    (v['contentType'] === undefined || typeof v['contentType'] === 'string') &&
    typeof v['metadata'] === 'object' &&
    v['metadata'] !== null &&
    Object.values(v['metadata']).every((x) => typeof x === 'string')
  );
}

/**
 * An etag names one written version of an object; it need not be a digest of the bytes (S3's is
 * not, for multipart objects). A random one costs nothing, where an MD5 of the bytes cost about
 * 1.9 s of CPU per GiB written; content identity is what the sha256 content addresses are for.
 */
function newEtag(): string {
  return randomBytes(16).toString('hex');
}

function fallbackEtag(st: BigIntStats): string {
  return createHash('md5').update(`${st.ino}:${st.size}:${st.mtimeNs}`).digest('hex');
}

async function writeAll(fh: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

async function writeDurably(path: string, content: string): Promise<void> {
  const fh = await open(path, 'wx', 0o644);
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Not supported everywhere; the rename is still atomic.
  }
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Maps a failure inside the local store: input-stream errors are returned unchanged, disk
 * errors (ENOSPC, EACCES, EROFS, EIO, ...) become StorageUnavailableError, typed errors pass.
 */
export function toLocalStorageError(err: unknown, rootDir: string, key?: string): Error {
  if (err instanceof SourceStreamError) {
    return err.original instanceof Error ? err.original : new Error(String(err.original));
  }
  if (err instanceof StorageError) return err;
  const code = errnoCode(err);
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
    return new StorageUnavailableError(
      `local storage ${rootDir} failed${key === undefined ? '' : ` for ${key}`}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
