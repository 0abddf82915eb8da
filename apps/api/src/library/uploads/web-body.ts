import { finished, type Readable } from 'node:stream';

/** At most this much of a request body waits, gathered, for the reader before the socket is paused. */
export const WEB_BODY_GATHER_BYTES = 1024 * 1024;

/**
 * A Node request body as a web ReadableStream (what @tus/server v2 reads a PATCH from: it only
 * takes web Requests, `handle(req, res)` included, and turns the body back into a Node stream
 * with Readable.fromWeb before it reaches the datastore).
 *
 * Readable.toWeb() does the same at about a quarter of the API's CPU per uploaded byte (Node
 * 20–24): it copies every chunk into a fresh Uint8Array, and pauses and resumes the request for
 * every ~64 KiB socket read (its queue is the request's 16 KiB high-water mark); each of those
 * chunks then costs again in every stream behind it (tus's proxy and size limiter, the staging
 * store's sniffer, tee and writer, the hashing copy). Here:
 *
 * - chunks are handed on as they are, not copied (HTTP body chunks are slices of the socket's own
 *   read buffers, and Readable.fromWeb reads with a default reader, which never detaches them);
 * - while the reader is busy, what arrives is gathered (up to WEB_BODY_GATHER_BYTES, then the
 *   request is paused) and handed over as one chunk on its next read. A reader that waits gets
 *   each chunk as soon as it arrives, so a slow link sees no added latency; a fast one passes
 *   ~1 MiB pieces down the chain instead of 16 times as many 64 KiB ones.
 *
 * Ends, errors and cancellation behave as with Readable.toWeb: bytes that arrived are read before
 * the end or the error; a request that closes before its end errors the stream with an AbortError
 * (tus answers it as an aborted upload, and the client resumes from the staged size); cancelling
 * the stream destroys the request.
 */
export function webBodyOf(source: Readable, gatherBytes = WEB_BODY_GATHER_BYTES): ReadableStream<Uint8Array> {
  if (source.destroyed || !source.readable) {
    const empty = new ReadableStream<Uint8Array>();
    void empty.cancel();
    return empty;
  }
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** A read is waiting for the next chunk. */
  let waiting = false;
  let ended = false;
  let failure: Error | undefined;
  let canceled = false;

  const settle = (): void => {
    if (failure) controller.error(failure);
    else controller.close();
  };

  const onData = (data: Buffer | string): void => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (waiting) {
      waiting = false;
      controller.enqueue(chunk);
      return;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= gatherBytes) source.pause();
  };

  source.pause();
  const cleanup = finished(source, (error) => {
    cleanup();
    // Legacy streams may emit 'error' again after finishing; it must not go unhandled.
    source.on('error', () => undefined);
    if (canceled) return;
    if (error) {
      failure = error;
      if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        failure = new Error('The request was closed before its body ended', { cause: error });
        failure.name = 'AbortError';
      }
    }
    ended = true;
    if (waiting) {
      waiting = false;
      settle();
    }
  });
  source.on('data', onData);

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        if (pendingBytes > 0) {
          const gathered = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          controller.enqueue(gathered);
          if (!ended) source.resume();
          return;
        }
        if (ended) return settle();
        waiting = true;
        source.resume();
      },
      cancel(reason: unknown) {
        canceled = true;
        pending = [];
        pendingBytes = 0;
        source.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    // Nothing is queued ahead of a read: pull() is called once per read, and hands over what was gathered.
    { highWaterMark: 0 },
  );
}
