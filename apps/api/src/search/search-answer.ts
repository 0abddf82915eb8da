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
}

/** The engine's rendered page as the API keeps and sends it (the bytes are not copied). */
export function answerOf(rendered: RenderedSearchAnswer): SearchAnswer {
  const { body, etag } = rendered;
  return { body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), etag };
}

/**
 * Sends an answer. It depends on who asks (visibility), so shared caches must not keep it
 * (`private`), and a browser that does must ask again each time (`no-cache`): when its
 * If-None-Match names this answer's ETag the answer is a 304 without the body.
 */
export function sendAnswer(req: HttpRequest, reply: HttpReply, answer: SearchAnswer): void {
  reply.header('Cache-Control', 'private, no-cache').header('ETag', answer.etag);
  if (noneMatch(headerOf(req, 'if-none-match'), answer.etag)) {
    void reply.code(304).send();
    return;
  }
  void reply.type('application/json; charset=utf-8').send(answer.body);
}
