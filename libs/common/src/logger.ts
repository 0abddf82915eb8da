import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';

/** Paths whose values never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["upload-metadata"]',
  'res.headers["set-cookie"]',
  // A presigned object-store redirect carries its signature in the URL.
  'res.headers.location',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
];

/** Query parameters that carry credentials in a URL (signed download links' `sig`). */
const SECRET_QUERY = /([?&](?:sig|token|access_token)=)[^&#]*/gi;

/** A request URL fit for a log line: the values of credential-bearing query parameters are replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** A request's id: the caller's `X-Request-Id` when it is a sane token, else a new UUID. */
export function newRequestId(req: { headers: IncomingHttpHeaders }): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
}

export function pinoParams(level: string, service: string): Params {
  return {
    pinoHttp: {
      level,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Behind Fastify the request already has its id (newRequestId, as Fastify's genReqId).
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = newRequestId(req);
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => req.url === '/api/health' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
      },
    },
  };
}
