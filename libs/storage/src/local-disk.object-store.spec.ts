import { createHash } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StorageUnavailableError } from './errors.js';
import { LocalDiskObjectStore, toLocalStorageError } from './local-disk.object-store.js';
import { describeObjectStoreContract } from './testing/object-store.contract.js';
import { chunkedStream, deterministicBytes } from './testing/test-data.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tongke-local-store-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeObjectStoreContract('LocalDiskObjectStore', {
  async create() {
    const store = new LocalDiskObjectStore(await tempDir());
    await store.init();
    return store;
  },
  async createUnavailable() {
    // A root below a regular file can never be created or written (ENOTDIR), even as root.
    const parent = await tempDir();
    await writeFile(join(parent, 'not-a-directory'), 'x');
    return new LocalDiskObjectStore(join(parent, 'not-a-directory', 'store'));
  },
  multipartBytes: 12 * 1024 * 1024,
  partSize: 5 * 1024 * 1024,
});

describe('LocalDiskObjectStore specifics', () => {
  let root: string;
  let store: LocalDiskObjectStore;

  beforeEach(async () => {
    root = await tempDir();
    store = new LocalDiskObjectStore(root);
    await store.init();
  });

  it('takes a staged file by rename: the stored object is the same inode, its bytes not written twice', async () => {
    const data = deterministicBytes(300_000, 77);
    const staged = join(root, 'staged-upload');
    await writeFile(staged, data);
    const inode = (await stat(staged)).ino;
    const hash = createHash('sha256').update(data).digest('hex');
    const put = await store.putContentAddressedFile(staged, { sha256: hash, size: data.length });
    expect(put.deduplicated).toBe(false);
    expect((await stat(join(root, 'objects', put.key))).ino).toBe(inode);
    await expect(stat(staged)).rejects.toThrow(/ENOENT/);
    expect((await store.stat(put.key))?.size).toBe(data.length);
  });

  it('keeps objects as plain files under objects/ and nothing escapes the root', async () => {
    await store.put('资料/一元一次方程.txt', Readable.from([Buffer.from('x = 2')]));
    expect(await readFile(join(root, 'objects', '资料', '一元一次方程.txt'), 'utf8')).toBe('x = 2');
    await expect(store.put('../outside.txt', Readable.from([Buffer.from('x')]))).rejects.toMatchObject({
      code: 'INVALID_OBJECT_KEY',
    });
    expect((await readdir(root)).sort()).toEqual(['meta', 'objects', 'tmp']);
  });

  it('never shows a partial object while a put is in progress', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slow(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(64 * 1024, 1);
      await gate;
      yield Buffer.alloc(64 * 1024, 2);
    }
    const pending = store.put('slow/object', Readable.from(slow()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.exists('slow/object')).toBe(false);
    expect((await readdir(join(root, 'tmp'))).length).toBe(1); // the in-progress temp file
    release();
    await pending;
    expect((await store.stat('slow/object'))?.size).toBe(128 * 1024);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('removes its temp file when the input stream errors or is destroyed', async () => {
    const data = deterministicBytes(1024 * 1024);
    await expect(store.put('a/b', chunkedStream(data, { failAfter: 500_000 }))).rejects.toThrow(
      'input stream failed halfway',
    );
    // Like an HTTP request whose client stops sending and then disconnects.
    const input = new Readable({ read: () => undefined });
    input.push(data);
    const pending = store.put('a/c', input);
    setTimeout(() => input.destroy(new Error('aborted by client')), 50);
    await expect(pending).rejects.toThrow('aborted by client');
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await store.exists('a/b')).toBe(false);
    expect(await store.exists('a/c')).toBe(false);
  });

  it('starts writing a large object back while it arrives, and a failed background sync fails the put without leftovers', async () => {
    const data = deterministicBytes(20 * 1024 * 1024, 5);
    // 1 MiB chunks, as a fast upload's body arrives.
    const inMiB = (): Readable =>
      Readable.from(
        Array.from({ length: 20 }, (_, i) => data.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024)),
      );
    const probe = await open(join(root, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const datasync = jest.spyOn(fileHandle, 'datasync');
    try {
      const put = await store.put('big/ok', inMiB());
      // One or two syncs while 20 MiB arrive (at 8 MiB, and at 16 MiB unless the first is still
      // running), then the final fsync of every byte.
      expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(datasync.mock.calls.length).toBeLessThanOrEqual(2);
      expect(put.size).toBe(data.length);
      // Buffer.equals: Jest's toEqual walks 20 MiB byte by byte for most of a minute.
      expect((await readFile(join(root, 'objects', 'big', 'ok'))).equals(data)).toBe(true);

      datasync.mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      await expect(store.put('big/failed', inMiB())).rejects.toBeInstanceOf(StorageUnavailableError);
      expect(await readdir(join(root, 'tmp'))).toEqual([]);
      expect(await store.exists('big/failed')).toBe(false);
    } finally {
      datasync.mockRestore();
    }
  });

  it('rejects a key whose prefix is already an object (filesystem limitation), without leftovers', async () => {
    await store.put('a', Readable.from([Buffer.from('file')]));
    await expect(store.put('a/b', Readable.from([Buffer.from('x')]))).rejects.toMatchObject({
      code: 'INVALID_OBJECT_KEY',
    });
    await store.put('d/e', Readable.from([Buffer.from('x')]));
    await expect(store.put('d', Readable.from([Buffer.from('x')]))).rejects.toMatchObject({
      code: 'INVALID_OBJECT_KEY',
    });
    expect(await store.stat('d')).toBeNull();
    await expect(store.get('d')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('still stats an object whose sidecar is gone (restored files), with a stable etag', async () => {
    await store.put('k', Readable.from([Buffer.from('content')]), { contentType: 'text/plain' });
    await rm(join(root, 'meta'), { recursive: true });
    const first = await store.stat('k');
    expect(first).toMatchObject({ size: 7, contentType: undefined, metadata: {} });
    expect((await store.stat('k'))?.etag).toBe(first?.etag);
  });

  it('does not follow symlinks planted inside the store', async () => {
    const secret = join(await tempDir(), 'secret');
    await writeFile(secret, 'secret');
    await symlink(secret, join(root, 'objects', 'link'));
    await expect(store.get('link')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    expect(await store.stat('link')).toBeNull();
  });

  it('removes stale temp files at init()', async () => {
    const stale = join(root, 'tmp', 'crashed.data');
    await writeFile(stale, 'partial');
    const old = new Date(Date.now() - 48 * 3600 * 1000);
    await utimes(stale, old, old);
    await writeFile(join(root, 'tmp', 'recent.data'), 'in progress');
    await store.init();
    expect(await readdir(join(root, 'tmp'))).toEqual(['recent.data']);
  });

  it('maps disk errors (ENOSPC, EACCES, EROFS, EIO) to StorageUnavailableError and keeps others', () => {
    for (const code of ['ENOSPC', 'EACCES', 'EROFS', 'EIO', 'EDQUOT']) {
      const err = Object.assign(new Error(`${code}: simulated`), { code });
      const mapped = toLocalStorageError(err, '/data');
      expect(mapped).toBeInstanceOf(StorageUnavailableError);
      expect(mapped.cause).toBe(err);
    }
    const bug = new TypeError('bug');
    expect(toLocalStorageError(bug, '/data')).toBe(bug);
  });

  it('reports free space in health()', async () => {
    const health = await store.health();
    expect(health).toEqual({ ok: true, detail: expect.stringMatching(/writable, [\d.]+ [KMGT]?i?B free/) });
    expect((await stat(join(root, 'tmp'))).isDirectory()).toBe(true);
  });
});

describe('LocalDiskObjectStore listing order', () => {
  it('lists in UTF-8 byte order of the full key, like S3', async () => {
    const store = new LocalDiskObjectStore(await tempDir());
    await store.init();
    const keys = ['a/1', 'a-b', 'a/sub/3', 'ab/4', 'b', '资料/x', 'Z'];
    for (const key of keys) await store.put(key, Readable.from([Buffer.from(key)]));
    const listed: string[] = [];
    for await (const key of store.list('')) listed.push(key);
    expect(listed).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
  });
});
