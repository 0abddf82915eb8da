import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * Deterministic pseudo-random bytes (AES-128-CTR keystream of a seed-derived key): the same
 * content on every run, never periodic (so a misplaced part or chunk cannot go unnoticed), fast.
 */
export function deterministicBytes(length: number, seed = 1): Buffer {
  const key = createHash('sha256').update(`tongke-test-data-${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}

/**
 * A stream of unknown length: the data in irregular chunks (1 byte .. 64 KiB), produced lazily.
 * If `failAfter` is set, the stream errors once that many bytes were delivered.
 */
export function chunkedStream(data: Buffer, options: { failAfter?: number; error?: Error } = {}): Readable {
  const sizes = deterministicBytes(4096, 7);
  async function* generate(): AsyncGenerator<Buffer, void, undefined> {
    let offset = 0;
    let n = 0;
    while (offset < data.length) {
      if (options.failAfter !== undefined && offset >= options.failAfter) {
        throw options.error ?? new Error('input stream failed halfway');
      }
      const size = 1 + (((sizes[n % sizes.length] ?? 0) << 8) | (sizes[(n + 1) % sizes.length] ?? 0));
      n += 2;
      yield data.subarray(offset, Math.min(offset + size, data.length));
      offset += size;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (options.failAfter !== undefined) throw options.error ?? new Error('input stream failed halfway');
  }
  return Readable.from(generate(), { objectMode: false });
}

export async function readAllBytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
