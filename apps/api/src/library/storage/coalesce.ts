import { Readable } from 'node:stream';

export const WRITE_CHUNK = 1024 * 1024;

/**
 * Network and file reads arrive in ~64 KiB pieces and every hop (store writes, socket writes) pays
 * per chunk; gathering them into 1 MiB pieces saves thousands of round trips per file (memory
 * stays at about 1 MiB per stream).
 */
export function coalesce(source: Readable, size = WRITE_CHUNK): Readable {
  async function* gather(): AsyncGenerator<Buffer, void, undefined> {
    let parts: Buffer[] = [];
    let length = 0;
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      parts.push(buffer);
      length += buffer.length;
      if (length >= size) {
        yield parts.length === 1 ? buffer : Buffer.concat(parts, length);
        parts = [];
        length = 0;
      }
    }
    if (length > 0) yield Buffer.concat(parts, length);
  }
  return Readable.from(gather(), { objectMode: false });
}
