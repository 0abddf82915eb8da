import type { RenderedSearchAnswer } from '@tongke/search';
import type { Response } from 'express';

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
 * (`private`), and a browser that does must ask again each time (`no-cache`): with If-None-Match
 * the answer is then a 304 (Express checks freshness against the ETag set here).
 */
export function sendAnswer(res: Response, answer: SearchAnswer): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('ETag', answer.etag);
  res.send(answer.body);
}
