import { createHash, randomBytes } from 'node:crypto';
import { Sha256Worker } from './sha256-worker.js';

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('Sha256Worker: the sha256 of an upload, hashed off the event loop', () => {
  const workers = new Sha256Worker();
  afterAll(() => workers.onModuleDestroy());

  it('gives the sha256 of every byte, whatever the chunk sizes, with a few buffers in flight', async () => {
    const data = randomBytes(9 * 1024 * 1024 + 12_345);
    const hash = workers.create();
    let waited = 0;
    for (let offset = 0, step = 1; offset < data.length; step = (step * 7 + 3) % 700_000) {
      const behind = hash.update(data.subarray(offset, offset + step + 1));
      offset += step + 1;
      if (behind) {
        waited += 1;
        await behind;
      }
    }
    expect(await hash.digest()).toBe(sha(data));
    expect(waited).toBeGreaterThan(0);
  });

  it('keeps concurrent hashes apart, and hashes an empty input', async () => {
    const a = randomBytes(3 * 1024 * 1024);
    const b = randomBytes(2 * 1024 * 1024 + 1);
    const ha = workers.create();
    const hb = workers.create();
    const empty = workers.create();
    for (let i = 0; i < 3; i += 1) {
      await ha.update(a.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
      await hb.update(b.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    }
    expect(await Promise.all([hb.digest(), ha.digest(), empty.digest()])).toEqual([
      sha(b),
      sha(a),
      sha(Buffer.alloc(0)),
    ]);
  });

  it('does not hold on to the caller’s chunk (it may be reused at once)', async () => {
    const chunk = Buffer.alloc(300_000, 1);
    const hash = workers.create();
    await hash.update(chunk);
    chunk.fill(2);
    await hash.update(chunk);
    expect(await hash.digest()).toBe(
      sha(Buffer.concat([Buffer.alloc(300_000, 1), Buffer.alloc(300_000, 2)])),
    );
  });

  it('fails the hashes in progress if the worker dies, and starts a new one for the next', async () => {
    const own = new Sha256Worker();
    const hash = own.create();
    await hash.update(Buffer.alloc(10));
    await own.onModuleDestroy();
    await expect(hash.digest()).rejects.toThrow(/exited/);
    const next = own.create();
    await next.update(Buffer.from('abc'));
    expect(await next.digest()).toBe(sha(Buffer.from('abc')));
    await own.onModuleDestroy();
  });
});
