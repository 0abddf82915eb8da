import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The API's HTTP request and reply (Nest on Fastify). */
export type HttpRequest = FastifyRequest;
export type HttpReply = FastifyReply;

/** A request header as one string (the first, when repeated). */
export function headerOf(req: { headers: IncomingHttpHeaders }, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The request's path, without the query. */
export function pathOf(req: HttpRequest): string {
  const url = req.url;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

const weak = (tag: string): string => tag.trim().replace(/^W\//, '');

/** If-None-Match: weak comparison (RFC 9110 13.1.2), `*` matches anything. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const mine = weak(etag);
  return header.split(',').some((t) => {
    const tag = weak(t);
    return tag === '*' || (tag !== '' && tag === mine);
  });
}

/**
 * Hands the response to code that writes it itself (tus, downloads, zip streams): the headers set
 * on the reply so far come along, and Fastify no longer answers it.
 */
export function rawResponse(reply: HttpReply): ServerResponse {
  // The reply's headers are the handler's (and hooks'); they win over any already on the node response.
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) reply.raw.setHeader(name, value);
  }
  reply.hijack();
  return reply.raw;
}
