import type { RenderedSearchAnswer } from '@tongke/search';
import { headerOf, noneMatch, type HttpReply, type HttpRequest } from '../common/http.js';

/**
 * A search answer serialized once: the JSON bytes and their ETag. The result cache keeps these, so
 * a repeated question costs no serialization, and a browser that already holds the answer gets a
 * 304 without the body (about 20 kB for a page of hits, which matters on a rural school's link).
 */
export interface SearchAnswer {
  readonly body: Buffer;
  readonly etag: string;
  /** Set when the body lies in memory the engine reuses: called once the response is out. */
  readonly release?: () => void;
}

/** The engine's rendered page as the API sends it (the bytes are not copied). */
export function answerOf(rendered: RenderedSearchAnswer): SearchAnswer {
  const { body, etag, release } = rendered;
  return { body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), etag, release };
}

/** An answer whose bytes are its own (to keep in the result cache): copied out of reused memory. */
export function ownedAnswer(answer: SearchAnswer): SearchAnswer {
  if (answer.release === undefined) return answer;
  const owned = { body: Buffer.from(answer.body), etag: answer.etag };
  answer.release();
  return owned;
}

/**
 * Sends an answer. It depends on who asks (visibility), so shared caches must not keep it
 * (`private`), and a browser that does must ask again each time (`no-cache`): when its
 * If-None-Match names this answer's ETag the answer is a 304 without the body.
 */
export function sendAnswer(req: HttpRequest, reply: HttpReply, answer: SearchAnswer): void {
  const { release } = answer;
  reply.header('Cache-Control', 'private, no-cache').header('ETag', answer.etag);
  if (noneMatch(headerOf(req, 'if-none-match'), answer.etag)) {
    release?.();
    void reply.code(304).send();
    return;
  }
  if (release !== undefined) {
    // The body's memory goes back to the engine once Node has handed it to the socket ('finish')
    // or the connection is gone ('close': nothing is written from it any more).
    const res = reply.raw;
    if (res.destroyed) release();
    else {
      res.once('finish', release);
      res.once('close', release);
    }
    // Fastify sends a typed array as bytes only over an ArrayBuffer; over shared memory it would
    // serialize it as JSON ({"type":"Buffer",…}). The bytes are the JSON already: pass them on.
    reply.serializer(asIs);
  }
  void reply.type('application/json; charset=utf-8').send(answer.body);
}

/** Fastify's types say a serializer returns a string; at run time it sends a Buffer as it is. */
const asIs = ((payload: Buffer) => payload) as unknown as (payload: unknown) => string;
