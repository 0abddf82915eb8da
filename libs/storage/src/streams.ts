import { Readable } from 'node:stream';

/**
 * Wraps an error raised by the caller's input stream (e.g. the client aborted the upload), so
 * adapters can tell it apart from storage-side failures: input errors are re-thrown unchanged,
 * storage errors are mapped to typed StorageErrors.
 */
export class SourceStreamError extends Error {
  constructor(readonly original: unknown) {
    super('input stream failed', { cause: original });
    this.name = 'SourceStreamError';
  }
}

export function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('Object stores accept byte streams only (Buffer, Uint8Array or string chunks)');
}

/**
 * Iterates a Readable as Buffers. Errors from the source are wrapped in SourceStreamError.
 * If the consumer stops early (break / throw), the source is destroyed so it does not leak.
 */
export async function* chunksOf(source: Readable): AsyncGenerator<Buffer, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let result: IteratorResult<unknown>;
      try {
        result = await iterator.next();
      } catch (err) {
        finished = true;
        throw new SourceStreamError(err);
      }
      if (result.done) {
        finished = true;
        return;
      }
      const buffer = toBuffer(result.value);
      if (buffer.length > 0) yield buffer;
    }
  } finally {
    if (!finished && !source.destroyed) source.destroy();
  }
}

/** Re-wraps a readable so that errors it emits are mapped (e.g. to StorageUnavailableError). */
export function mapStreamErrors(source: Readable, mapError: (err: unknown) => unknown): Readable {
  async function* relay(): AsyncGenerator<Buffer, void, undefined> {
    try {
      for await (const chunk of source) yield toBuffer(chunk);
    } catch (err) {
      throw mapError(err);
    }
  }
  return Readable.from(relay(), { objectMode: false });
}

/**
 * Maps the errors a readable emits, in place: no second stream, so no per-chunk relay (the
 * generator above costs a large part of a download's throughput). Node destroys a stream with
 * its own read, open and close errors through `stream.destroy(err)`, so that is where the error
 * is mapped; `errored` and the 'error' event then carry the mapped error. A consumer that
 * destroys the stream with an error of its own has it passed through the same mapper (which
 * returns errors it does not know unchanged).
 */
export function mapStreamErrorsInPlace<T extends Readable>(
  source: T,
  mapError: (err: unknown) => unknown,
): T {
  const destroy = source.destroy.bind(source);
  source.destroy = (error?: Error): T => {
    if (error === undefined || error === null) return destroy(error);
    const mapped = mapError(error);
    return destroy(mapped instanceof Error ? mapped : new Error(String(mapped)));
  };
  return source;
}
