import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const MiB = 1024 * 1024;
const MP4_HEADER = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');

/**
 * `size` bytes in 1 MiB chunks: an MP4 header, then an AES-CTR keystream (fast, never repeating,
 * the same for the same seed), generated on the fly and never held in memory.
 */
export function payload(size: number, seed: number): Readable {
  const key = createHash('sha256').update(`bench-${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(MiB);
  function* generate(): Generator<Buffer, void, undefined> {
    let sent = 0;
    while (sent < size) {
      const n = Math.min(MiB, size - sent);
      const chunk = cipher.update(zeros.subarray(0, n));
      if (sent === 0) MP4_HEADER.copy(chunk, 0);
      sent += n;
      yield chunk;
    }
  }
  return Readable.from(generate(), { objectMode: false });
}
