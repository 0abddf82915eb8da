import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  InvalidObjectKeyError,
  InvalidRangeError,
  InvalidStorageArgumentError,
  ObjectNotFoundError,
  ObjectSizeMismatchError,
  ObjectTooLargeError,
  StorageUnavailableError,
} from '../errors.js';
import type { ObjectStore } from '../object-store.js';
import { chunkedStream, deterministicBytes, readAllBytes, sha256 } from './test-data.js';

export interface ObjectStoreContractFactory {
  /** A ready (init()-ed) store. Called once per suite; tests use distinct key prefixes. */
  create(): Promise<ObjectStore>;
  /** A store whose backend cannot be reached / written (closed port, unwritable root). */
  createUnavailable(): Promise<ObjectStore>;
  /** Bytes for the "multipart-sized object" case: more than the adapter's part size. */
  multipartBytes: number;
  /** Part size, to range-read across a part boundary. */
  partSize: number;
  /** Called after the suite. */
  dispose?(): Promise<void>;
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out;
}

async function rangeOf(store: ObjectStore, key: string, start: number, end?: number): Promise<Buffer> {
  return readAllBytes(await store.get(key, end === undefined ? { start } : { start, end }));
}

/**
 * The behaviour every ObjectStore adapter must have. Each adapter's spec calls this with a
 * factory; the same cases run against the local disk, s3rver and (optionally) a real S3/MinIO.
 */
export function describeObjectStoreContract(name: string, factory: ObjectStoreContractFactory): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let counter = 0;
    /** A fresh key prefix per test, so tests never see each other's objects. */
    const prefix = (): string => `c${Date.now().toString(36)}-${(counter += 1)}/`;

    beforeAll(async () => {
      store = await factory.create();
    });

    afterAll(async () => {
      await factory.dispose?.();
    });

    it('reports its health', async () => {
      const health = await store.health();
      expect(health.ok).toBe(true);
      expect(health.detail).toMatch(/\S/);
    });

    it('round-trips a streamed put of unknown length (3 MiB + 7 bytes, irregular chunks)', async () => {
      const key = `${prefix()}blob.bin`;
      const data = deterministicBytes(3 * 1024 * 1024 + 7, 42);
      const put = await store.put(key, chunkedStream(data), { contentType: 'application/octet-stream' });
      expect(put).toEqual({ key, size: data.length, etag: expect.any(String) });
      expect(put.etag).not.toBe('');
      const back = await readAllBytes(await store.get(key));
      expect(back.length).toBe(data.length);
      expect(sha256(back)).toBe(sha256(data));
    });

    it('is binary exact (every byte value, CR/LF, NUL, a declared size)', async () => {
      const key = `${prefix()}bytes.bin`;
      const data = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        Buffer.from('\r\n\n\r\0\u00ff\ufeff', 'utf8'),
        Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)),
      ]);
      await store.put(key, Readable.from([data]), { size: data.length });
      const back = await readAllBytes(await store.get(key));
      expect(back.equals(data)).toBe(true);
    });

    it('serves inclusive byte ranges like HTTP: first bytes, middle, last byte, open-ended', async () => {
      const key = `${prefix()}ranges.bin`;
      const data = deterministicBytes(100_000, 3);
      await store.put(key, chunkedStream(data));
      expect((await rangeOf(store, key, 0, 9)).equals(data.subarray(0, 10))).toBe(true);
      expect((await rangeOf(store, key, 40_000, 49_999)).equals(data.subarray(40_000, 50_000))).toBe(true);
      expect((await rangeOf(store, key, 99_999, 99_999)).equals(data.subarray(99_999))).toBe(true);
      expect((await rangeOf(store, key, 99_900)).equals(data.subarray(99_900))).toBe(true);
      expect((await rangeOf(store, key, 0)).equals(data)).toBe(true);
      // An end past the object is clamped, as in HTTP.
      expect((await rangeOf(store, key, 99_990, 200_000)).equals(data.subarray(99_990))).toBe(true);
      await expect(store.get(key, { start: 100_000 })).rejects.toBeInstanceOf(InvalidRangeError);
    });

    it('stats size, etag, content type and modification time; null when missing', async () => {
      const key = `${prefix()}stat.txt`;
      const before = Date.now();
      const put = await store.put(key, Readable.from([Buffer.from('hello 同课')]), {
        contentType: 'text/plain; charset=utf-8',
      });
      const stat = await store.stat(key);
      expect(stat).not.toBeNull();
      expect(stat?.size).toBe(Buffer.byteLength('hello 同课'));
      expect(stat?.etag).toBe(put.etag);
      expect(stat?.contentType).toBe('text/plain; charset=utf-8');
      expect(stat?.lastModified).toBeInstanceOf(Date);
      // Second-granularity servers round down; allow for that and small clock skew.
      expect(Math.abs((stat?.lastModified.getTime() ?? 0) - before)).toBeLessThan(60_000);
      expect(await store.stat(`${prefix()}missing`)).toBeNull();
    });

    it('overwrites an existing key with new content and a new etag', async () => {
      const key = `${prefix()}over.txt`;
      const first = await store.put(key, Readable.from([Buffer.from('version one')]));
      const second = await store.put(key, Readable.from([Buffer.from('version two!')]));
      expect(second.etag).not.toBe(first.etag);
      expect((await readAllBytes(await store.get(key))).toString()).toBe('version two!');
      expect((await store.stat(key))?.etag).toBe(second.etag);
    });

    it('stores empty objects; any range of one is unsatisfiable', async () => {
      const key = `${prefix()}empty`;
      const put = await store.put(key, Readable.from([]));
      expect(put.size).toBe(0);
      expect((await readAllBytes(await store.get(key))).length).toBe(0);
      expect((await store.stat(key))?.size).toBe(0);
      await expect(store.get(key, { start: 0 })).rejects.toBeInstanceOf(InvalidRangeError);
    });

    it('exists before delete, not after; delete is idempotent', async () => {
      const key = `${prefix()}del.txt`;
      expect(await store.exists(key)).toBe(false);
      await store.put(key, Readable.from([Buffer.from('x')]));
      expect(await store.exists(key)).toBe(true);
      await store.delete(key);
      expect(await store.exists(key)).toBe(false);
      await expect(store.delete(key)).resolves.toBeUndefined();
      await expect(store.delete(`${prefix()}never-existed`)).resolves.toBeUndefined();
    });

    it('rejects get of a missing key with ObjectNotFoundError (also for ranges)', async () => {
      const key = `${prefix()}nope.bin`;
      await expect(store.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.get(key, { start: 0, end: 1 })).rejects.toMatchObject({
        code: 'OBJECT_NOT_FOUND',
        key,
      });
    });

    it('lists keys by plain string prefix, recursively (order is not part of the contract)', async () => {
      const p = prefix();
      const keys = [
        `${p}a/1`,
        `${p}a/2`,
        `${p}a/sub/3`,
        `${p}a-b`,
        `${p}ab/4`,
        `${p}b/5`,
        `${p}资料/一元 一次.docx`,
      ];
      for (const key of keys) await store.put(key, Readable.from([Buffer.from(key)]));
      const sorted = async (listPrefix: string): Promise<string[]> =>
        (await collect(store.list(listPrefix))).sort();
      expect(await sorted(`${p}a/`)).toEqual([`${p}a/1`, `${p}a/2`, `${p}a/sub/3`]);
      expect(await sorted(`${p}a`)).toEqual(
        [`${p}a-b`, `${p}a/1`, `${p}a/2`, `${p}a/sub/3`, `${p}ab/4`].sort(),
      );
      expect(await sorted(`${p}资料/`)).toEqual([`${p}资料/一元 一次.docx`]);
      expect(await sorted(`${p}资`)).toEqual([`${p}资料/一元 一次.docx`]);
      expect(await sorted(p)).toEqual([...keys].sort());
      expect(await sorted(`${p}zzz`)).toEqual([]);
      const entries = [];
      for await (const entry of store.listEntries(`${p}b/`)) entries.push(entry);
      expect(entries).toEqual([
        { key: `${p}b/5`, size: Buffer.byteLength(`${p}b/5`), lastModified: expect.any(Date) },
      ]);
      // Stopping early is fine (GC may page through a huge listing).
      for await (const key of store.list(p)) {
        expect(keys).toContain(key);
        break;
      }
    });

    it('copies (keeping content type and metadata) and moves objects', async () => {
      const p = prefix();
      await store.put(`${p}src`, Readable.from([Buffer.from('copy me')]), {
        contentType: 'text/markdown',
        metadata: { origin: '上传' },
      });
      await store.copy(`${p}src`, `${p}dst/copy`);
      expect((await readAllBytes(await store.get(`${p}dst/copy`))).toString()).toBe('copy me');
      expect(await store.stat(`${p}dst/copy`)).toMatchObject({
        contentType: 'text/markdown',
        metadata: { origin: '上传' },
      });
      await store.move(`${p}src`, `${p}dst/moved`);
      expect(await store.exists(`${p}src`)).toBe(false);
      expect(await store.stat(`${p}dst/moved`)).toMatchObject({ size: 7, contentType: 'text/markdown' });
      await expect(store.copy(`${p}missing`, `${p}x`)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.move(`${p}missing`, `${p}x`)).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('keeps Chinese / unicode content types and metadata intact', async () => {
      const key = `${prefix()}教案/一元一次方程 教案.txt`;
      const contentType = 'text/plain; charset=utf-8; name="一元一次方程 教案.txt"';
      const metadata = { title: '一元一次方程 教案', author: 'Zoë 张老师 😀', note: 'a=b&c=d %20 ;"\'' };
      await store.put(key, Readable.from([Buffer.from('解方程：2x + 3 = 7')]), { contentType, metadata });
      const stat = await store.stat(key);
      expect(stat?.contentType).toBe(contentType);
      expect(stat?.metadata).toEqual(metadata);
      expect((await readAllBytes(await store.get(key))).toString()).toBe('解方程：2x + 3 = 7');
      expect(await collect(store.list(key))).toEqual([key]);
    });

    it('rejects keys that could escape the store, before touching the input', async () => {
      const bad = [
        '../x',
        'a/../../x',
        '/etc/passwd',
        'a//b',
        'a/./b',
        'a/',
        '',
        'nul\u0000byte',
        'bell\u0007',
        'c1\u0085',
        'a\\b',
      ];
      for (const key of bad) {
        const input = Readable.from([Buffer.from('x')]);
        await expect(store.put(key, input)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        expect(input.destroyed).toBe(true);
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(store.stat(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      }
      await expect(collect(store.list('../'))).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it('rejects a stream whose length differs from the declared size, leaving nothing', async () => {
      const key = `${prefix()}sized`;
      await expect(store.put(key, Readable.from([Buffer.alloc(10)]), { size: 11 })).rejects.toBeInstanceOf(
        ObjectSizeMismatchError,
      );
      await expect(store.put(key, Readable.from([Buffer.alloc(10)]), { size: 9 })).rejects.toBeInstanceOf(
        ObjectSizeMismatchError,
      );
      expect(await store.exists(key)).toBe(false);
    });

    it('stores content-addressed objects once (dedupe), under sha256/<aa>/<hash>', async () => {
      const data = deterministicBytes(300_000, 99);
      const hash = sha256(data);
      const first = await store.putContentAddressed(chunkedStream(data), { contentType: 'application/pdf' });
      expect(first).toEqual({
        key: `sha256/${hash.slice(0, 2)}/${hash}`,
        sha256: hash,
        size: data.length,
        deduplicated: false,
      });
      const second = await store.putContentAddressed(chunkedStream(data));
      expect(second).toEqual({ ...first, deduplicated: true });
      expect(await collect(store.list(`sha256/${hash.slice(0, 2)}/${hash}`))).toEqual([first.key]);
      expect(sha256(await readAllBytes(await store.get(first.key)))).toBe(hash);
      expect((await store.stat(first.key))?.contentType).toBe('application/pdf');
      expect(await collect(store.list('tmp/'))).toEqual([]);
    });

    it('stores a finished local file under its content address, once, given its digest', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tongke-cas-file-'));
      try {
        const data = deterministicBytes(700_000, 4321);
        const hash = sha256(data);
        const key = `sha256/${hash.slice(0, 2)}/${hash}`;
        const first = join(dir, 'first');
        await writeFile(first, data);
        const put = await store.putContentAddressedFile(
          first,
          { sha256: hash, size: data.length },
          { contentType: 'video/mp4' },
        );
        expect(put).toEqual({ key, sha256: hash, size: data.length, deduplicated: false });
        expect(sha256(await readAllBytes(await store.get(key)))).toBe(hash);
        expect((await store.stat(key))?.contentType).toBe('video/mp4');

        // The same content again: nothing new is stored, and the caller's file is left alone.
        const second = join(dir, 'second');
        await writeFile(second, data);
        expect(await store.putContentAddressedFile(second, { sha256: hash, size: data.length })).toEqual({
          ...put,
          deduplicated: true,
        });
        expect((await stat(second)).size).toBe(data.length);

        // A file that is not the size it is said to be is refused, and nothing is stored.
        const other = deterministicBytes(50_000, 4322);
        const short = join(dir, 'short');
        await writeFile(short, other);
        const otherHash = sha256(other);
        await expect(
          store.putContentAddressedFile(short, { sha256: otherHash, size: other.length + 1 }),
        ).rejects.toBeInstanceOf(ObjectSizeMismatchError);
        expect(await store.exists(`sha256/${otherHash.slice(0, 2)}/${otherHash}`)).toBe(false);
        await expect(
          store.putContentAddressedFile(short, { sha256: 'not-a-digest', size: 1 }),
        ).rejects.toBeInstanceOf(InvalidStorageArgumentError);
        expect(await collect(store.list('tmp/'))).toEqual([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('ends concurrent identical content-addressed puts with exactly one object and no temp leftovers', async () => {
      const data = deterministicBytes(200_000, 1234);
      const hash = sha256(data);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => store.putContentAddressed(chunkedStream(data))),
      );
      expect(new Set(results.map((r) => r.key))).toEqual(new Set([`sha256/${hash.slice(0, 2)}/${hash}`]));
      expect(await collect(store.list(`sha256/${hash.slice(0, 2)}/${hash}`))).toHaveLength(1);
      expect(await collect(store.list('tmp/'))).toEqual([]);
      expect(sha256(await readAllBytes(await store.get(`sha256/${hash.slice(0, 2)}/${hash}`)))).toBe(hash);
    });

    it('aborts with ObjectTooLargeError past maxBytes and leaves nothing behind', async () => {
      const everything = await collect(store.list(''));
      const data = deterministicBytes(512 * 1024, 5);
      await expect(
        store.putContentAddressed(chunkedStream(data), { maxBytes: 100_000 }),
      ).rejects.toBeInstanceOf(ObjectTooLargeError);
      await expect(
        store.putContentAddressed(chunkedStream(data), { maxBytes: 1000, size: data.length }),
      ).rejects.toBeInstanceOf(ObjectTooLargeError);
      const key = `${prefix()}too-large`;
      await expect(store.put(key, chunkedStream(data), { maxBytes: 100_000 })).rejects.toMatchObject({
        code: 'OBJECT_TOO_LARGE',
        maxBytes: 100_000,
      });
      expect(await collect(store.list(''))).toEqual(everything);
      expect(await collect(store.list('tmp/'))).toEqual([]);
      // Exactly maxBytes is fine.
      const exact = await store.putContentAddressed(chunkedStream(data.subarray(0, 4096)), {
        maxBytes: 4096,
      });
      expect(exact.size).toBe(4096);
    });

    it('rejects with the input error when the stream fails halfway, leaving nothing', async () => {
      const everything = await collect(store.list(''));
      const data = deterministicBytes(2 * 1024 * 1024, 8);
      const key = `${prefix()}broken`;
      const failure = new Error('client went away');
      await expect(
        store.put(key, chunkedStream(data, { failAfter: 1024 * 1024, error: failure })),
      ).rejects.toBe(failure);
      await expect(
        store.putContentAddressed(chunkedStream(data, { failAfter: 700_000, error: failure })),
      ).rejects.toBe(failure);
      expect(await store.exists(key)).toBe(false);
      expect(await collect(store.list(''))).toEqual(everything);
    });

    it('round-trips a multipart-sized object and reads across a part boundary', async () => {
      const key = `${prefix()}large.bin`;
      const data = deterministicBytes(factory.multipartBytes, 77);
      const put = await store.put(key, chunkedStream(data), { contentType: 'video/mp4' });
      expect(put.size).toBe(data.length);
      expect(sha256(await readAllBytes(await store.get(key)))).toBe(sha256(data));
      const boundary = factory.partSize;
      expect(
        (await rangeOf(store, key, boundary - 5, boundary + 5)).equals(
          data.subarray(boundary - 5, boundary + 6),
        ),
      ).toBe(true);
      expect(await store.stat(key)).toMatchObject({ size: data.length, contentType: 'video/mp4' });
    });

    it('hands out presigned download URLs that force the file name (or null where unsupported)', async () => {
      const key = `${prefix()}presign.docx`;
      await store.put(key, Readable.from([Buffer.from('docx bytes')]));
      const url = await store.presignGet(key, {
        expiresSeconds: 60,
        fileName: '一元一次方程 教案.docx',
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      });
      if (store.kind === 'local') {
        expect(url).toBeNull();
        return;
      }
      expect(url).toEqual(expect.any(String));
      expect(url).toContain('response-content-disposition=');
      const response = await fetch(url as string);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('docx bytes');
      expect(response.headers.get('content-disposition')).toBe(
        'attachment; filename="file.docx"; filename*=UTF-8\'\'%E4%B8%80%E5%85%83%E4%B8%80%E6%AC%A1%E6%96%B9%E7%A8%8B%20%E6%95%99%E6%A1%88.docx',
      );
    });

    describe('when the backend is unavailable', () => {
      let down: ObjectStore;

      beforeAll(async () => {
        down = await factory.createUnavailable();
      });

      it('fails fast with StorageUnavailableError on every operation', async () => {
        const started = Date.now();
        const input = chunkedStream(deterministicBytes(10_000, 1));
        await expect(down.put('x/y', input)).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(down.putContentAddressed(chunkedStream(Buffer.from('abc')))).rejects.toBeInstanceOf(
          StorageUnavailableError,
        );
        await expect(down.get('x/y')).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(down.stat('x/y')).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(down.delete('x/y')).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(collect(down.list(''))).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(down.init()).rejects.toBeInstanceOf(StorageUnavailableError);
        const health = await down.health();
        expect(health.ok).toBe(false);
        expect(health.detail).toMatch(/unavailable/);
        expect(Date.now() - started).toBeLessThan(5000);
      });
    });
  });
}
