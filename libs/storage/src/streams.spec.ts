import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StorageUnavailableError } from './errors.js';
import { LocalDiskObjectStore } from './local-disk.object-store.js';
import { mapStreamErrorsInPlace } from './streams.js';
import { deterministicBytes } from './testing/test-data.js';

const eio = () => Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('mapStreamErrorsInPlace', () => {
  it('passes the bytes through untouched, as the same stream', async () => {
    const source = Readable.from([Buffer.from('一元'), Buffer.from('一次方程')], { objectMode: false });
    const mapped = mapStreamErrorsInPlace(source, () => new Error('unused'));
    expect(mapped).toBe(source);
    expect((await readAll(mapped)).toString()).toBe('一元一次方程');
  });

  it('maps an error the stream fails with half-way, for iteration, events and .errored', async () => {
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent++ < 2) this.push(Buffer.alloc(1024, 1));
        else this.destroy(eio());
      },
    });
    const mapped = mapStreamErrorsInPlace(
      source,
      (err) => new StorageUnavailableError('disk failed', { cause: err }),
    );
    const events: unknown[] = [];
    mapped.on('error', (e) => events.push(e));
    await expect(readAll(mapped)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(events[0]).toBeInstanceOf(StorageUnavailableError);
    expect(mapped.errored).toBeInstanceOf(StorageUnavailableError);
  });

  it('leaves a plain destroy (a consumer going away) alone', async () => {
    const source = Readable.from([Buffer.from('x')], { objectMode: false });
    const mapper = jest.fn((e: unknown) => e);
    const mapped = mapStreamErrorsInPlace(source, mapper);
    mapped.destroy();
    await new Promise((resolve) => mapped.once('close', resolve));
    expect(mapper).not.toHaveBeenCalled();
    expect(mapped.errored).toBeNull();
  });
});

describe('LocalDiskObjectStore.get() stream errors', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tongke-stream-errors-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads the object back, and a disk error mid-read reaches the reader as StorageUnavailableError', async () => {
    const store = new LocalDiskObjectStore(root);
    await store.init();
    const data = deterministicBytes(512 * 1024, 7);
    await store.put('x/stream-errors', Readable.from([data]), { contentType: 'application/octet-stream' });
    expect((await readAll(await store.get('x/stream-errors'))).equals(data)).toBe(true);

    // The file stream fails the way Node fails it on a read error: destroy(err).
    const stream = await store.get('x/stream-errors');
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    stream.pause();
    stream.destroy(eio());
    await expect(readAll(stream)).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
