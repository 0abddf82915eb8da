import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { contentAddressedKey, putContentAddressed } from './content-addressed.js';
import { StorageUnavailableError } from './errors.js';
import { LocalDiskObjectStore } from './local-disk.object-store.js';
import { sha256 } from './testing/test-data.js';

async function keys(store: LocalDiskObjectStore, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for await (const key of store.list(prefix)) out.push(key);
  return out;
}

/** The copy lands, but the answer is an error (e.g. a 503 to the loser of a race on a hot key). */
class LostAnswerStore extends LocalDiskObjectStore {
  override async move(sourceKey: string, targetKey: string): Promise<void> {
    await super.copy(sourceKey, targetKey);
    throw new StorageUnavailableError('SlowDown');
  }
}

/** The move fails and nothing lands. */
class FailingMoveStore extends LocalDiskObjectStore {
  override move(): Promise<void> {
    return Promise.reject(new StorageUnavailableError('disk gone'));
  }
}

describe('putContentAddressed', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tongke-cas-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds sha256/<aa>/<hash> keys and refuses anything but a lower-case sha256', () => {
    const hash = sha256(Buffer.from('x'));
    expect(contentAddressedKey(hash)).toBe(`sha256/${hash.slice(0, 2)}/${hash}`);
    expect(() => contentAddressedKey(hash.toUpperCase())).toThrow(/sha256/);
    expect(() => contentAddressedKey('../../etc')).toThrow(/sha256/);
  });

  it('stages under the temp prefix given and removes it', async () => {
    const store = new LocalDiskObjectStore(dir);
    await store.init();
    const result = await putContentAddressed(store, Readable.from([Buffer.from('同课')]), {
      tempPrefix: 'staging/',
    });
    expect(result.sha256).toBe(sha256(Buffer.from('同课')));
    expect(await keys(store)).toEqual([result.key]);
  });

  it('treats a failed move as success when identical content is in place (concurrent winner)', async () => {
    const store = new LostAnswerStore(dir);
    await store.init();
    const result = await store.putContentAddressed(Readable.from([Buffer.from('payload')]));
    expect(result.deduplicated).toBe(true);
    expect(await keys(store)).toEqual([result.key]);
  });

  it('fails, without leftovers, when the move fails and nothing landed', async () => {
    const store = new FailingMoveStore(dir);
    await store.init();
    await expect(store.putContentAddressed(Readable.from([Buffer.from('payload')]))).rejects.toThrow(
      'disk gone',
    );
    expect(await keys(store)).toEqual([]);
  });

  it('rejects a negative maxBytes', async () => {
    const store = new LocalDiskObjectStore(dir);
    await expect(store.putContentAddressed(Readable.from([]), { maxBytes: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
