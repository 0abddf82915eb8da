import { createHash, randomBytes } from 'node:crypto';
import { streamingSha256, type StreamingSha256 } from './sha256-thread.js';

const MiB = 1024 * 1024;
const expected = (...parts: Uint8Array[]): string => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
};

async function feed(hash: StreamingSha256, data: Uint8Array, chunk: number): Promise<string> {
  for (let offset = 0; offset < data.length; offset += chunk) {
    await hash.update(data.subarray(offset, offset + chunk));
  }
  return hash.digest();
}

describe('streamingSha256', () => {
  it('gives the same digest as node:crypto for empty, small, batch-sized and large inputs', async () => {
    const large = randomBytes(5 * MiB + 12345);
    const cases: [Uint8Array, number][] = [
      [new Uint8Array(0), 1],
      [Buffer.from('同课 lesson plan'), 3],
      [large.subarray(0, MiB), 64 * 1024],
      [large.subarray(0, 2 * MiB), MiB],
      [large, 65_521], // chunks that straddle the 1 MiB batches
      [large, 3 * MiB + 1], // chunks larger than a batch
    ];
    for (const [data, chunk] of cases) {
      await expect(feed(streamingSha256(), data, chunk)).resolves.toBe(expected(data));
      await expect(feed(streamingSha256({ inline: true }), data, chunk)).resolves.toBe(expected(data));
    }
  });

  it('keeps concurrent hashes apart', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => randomBytes(2 * MiB + i * 1000));
    const hashes = inputs.map(() => streamingSha256());
    for (let offset = 0; offset < 3 * MiB; offset += 256 * 1024) {
      for (let i = 0; i < inputs.length; i += 1)
        await hashes[i].update(inputs[i].subarray(offset, offset + 256 * 1024));
    }
    const digests = await Promise.all(hashes.map((h) => h.digest()));
    expect(digests).toEqual(inputs.map((d) => expected(d)));
  });

  it('does not let the caller run far ahead of the thread, and does not hold the bytes it was given', async () => {
    const chunk = randomBytes(MiB);
    const whole = expected(...Array.from({ length: 64 }, () => chunk));
    const hash = streamingSha256();
    let waited = 0;
    for (let i = 0; i < 64; i += 1) {
      const pending = hash.update(chunk);
      if (pending !== undefined) {
        waited += 1;
        await pending;
      }
    }
    chunk.fill(0); // the hash copied what it needed
    // 64 MiB were given without a turn of the event loop in between: the caller had to wait.
    expect(waited).toBeGreaterThan(0);
    expect(await hash.digest()).toBe(whole);
  });

  it('refuses to be used after digest() or abort()', async () => {
    const done = streamingSha256();
    await done.update(randomBytes(3 * MiB));
    await done.digest();
    expect(() => done.update(Buffer.from('x'))).toThrow(/after digest/);
    done.abort(); // harmless

    const aborted = streamingSha256();
    await aborted.update(randomBytes(3 * MiB));
    aborted.abort();
    await expect(aborted.digest()).rejects.toThrow(/after abort/);
    // The thread is still fine for the next hash.
    const next = randomBytes(2 * MiB);
    await expect(feed(streamingSha256(), next, MiB)).resolves.toBe(expected(next));
  });
});
