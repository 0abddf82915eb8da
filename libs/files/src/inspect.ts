import { Readable } from 'node:stream';
import { EmptyFileError, FileTooLargeError } from './errors.js';
import { sniffFileType, type SniffResult } from './sniff.js';

export const DEFAULT_PEEK_BYTES = 64 * 1024;

export interface InspectOptions {
  /** The replayed stream errors with FileTooLargeError once more bytes than this pass. */
  maxBytes: number;
  /** Only used where the bytes leave a choice (doc/ppt/xls, txt/md); see sniffFileType. */
  declaredName?: string;
  /** How much to peek for sniffing (default 64 KiB). */
  peekBytes?: number;
}

export interface InspectResult {
  type: SniffResult;
  /** Replays the peeked bytes, then the rest of the input; never buffers the whole file. */
  stream: Readable;
  /** The peeked bytes (at least min(peekBytes, file size)). */
  head: Buffer;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('inspectStream expects a byte stream');
}

/** Reads at least `wanted` bytes (or up to the end) without consuming the rest. */
function readHead(stream: Readable, wanted: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const finish = (ended: boolean): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve({ head: Buffer.concat(chunks, length), ended });
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onReadable = (): void => {
      let chunk: unknown;
      while (length < wanted && (chunk = stream.read()) !== null) {
        const buffer = toBuffer(chunk);
        chunks.push(buffer);
        length += buffer.length;
      }
      if (length >= wanted) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onClose = (): void => {
      if (!stream.readableEnded) fail(new Error('input stream closed before it ended'));
    };
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', fail);
      stream.off('close', onClose);
    };
    // A stream that failed or closed before anyone listened emits nothing any more.
    if (stream.errored) return fail(stream.errored);
    if (stream.destroyed) return fail(new Error('input stream closed before it ended'));
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', fail);
    stream.on('close', onClose);
  });
}

/**
 * Peeks the first ~64 KiB of an upload to decide its type (sniffFileType), then hands back a
 * stream that replays those bytes followed by the rest of the input, so the upload path can
 * reject a disallowed file before storing anything and never holds the whole file in memory.
 *
 * Rejects with EmptyFileError / DisallowedFileTypeError / FileTooLargeError (the input is then
 * destroyed); the returned stream errors with FileTooLargeError if the rest exceeds maxBytes.
 */
export async function inspectStream(source: Readable, options: InspectOptions): Promise<InspectResult> {
  const { maxBytes } = options;
  const peekBytes = options.peekBytes ?? DEFAULT_PEEK_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
    throw new TypeError('maxBytes must be a non-negative integer');

  let head: Buffer;
  let ended: boolean;
  try {
    ({ head, ended } = await readHead(source, peekBytes));
    if (head.length === 0) throw new EmptyFileError();
    if (head.length > maxBytes) throw new FileTooLargeError(maxBytes);
  } catch (err) {
    source.destroy();
    throw err;
  }

  let type: SniffResult;
  try {
    type = await sniffFileType(head, options.declaredName, { complete: ended });
  } catch (err) {
    source.destroy();
    throw err;
  }

  async function* replay(): AsyncGenerator<Buffer, void, undefined> {
    yield head;
    if (ended) return;
    let total = head.length;
    for await (const chunk of source) {
      const buffer = toBuffer(chunk);
      total += buffer.length;
      if (total > maxBytes) throw new FileTooLargeError(maxBytes);
      yield buffer;
    }
  }
  return { type, stream: Readable.from(replay(), { objectMode: false }), head };
}
