import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, type ErrorBody } from './app-error.js';

const codeForStatus: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/** Maps anything thrown in an HTTP handler to `{ statusCode, code, message }`. */
export function toErrorBody(error: unknown, requestId?: string): ErrorBody {
  if (error instanceof AppError) {
    return {
      statusCode: error.status,
      code: error.code,
      message: error.message,
      requestId,
      details: error.details,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    let message = error.message;
    let details: Record<string, unknown> | undefined;
    if (typeof response === 'object' && response !== null) {
      const r = response as { message?: unknown; code?: unknown; fields?: unknown };
      if (Array.isArray(r.message)) {
        message = r.message.join('; ');
        details = { errors: r.message };
      } else if (typeof r.message === 'string') {
        message = r.message;
      }
      if (r.fields) details = { ...(details ?? {}), fields: r.fields };
      if (typeof r.code === 'string') {
        return { statusCode: status, code: r.code, message, requestId, details };
      }
    }
    if (status === 400 && details)
      return { statusCode: status, code: 'VALIDATION_FAILED', message, requestId, details };
    return {
      statusCode: status,
      code: codeForStatus[status] ?? `HTTP_${status}`,
      message,
      requestId,
      details,
    };
  }
  // Errors of the HTTP layer itself, before a handler runs: body-parser's (Express, the classroom
  // service) carry `status` and `expose`; others (Fastify plugins, http-errors) a 4xx `statusCode`.
  // Fastify's own (bad JSON, body too large) arrive as HttpExceptions, mapped by Nest.
  const httpError = error as { status?: number; statusCode?: number; expose?: boolean; message?: string };
  const status =
    httpError?.expose && typeof httpError.status === 'number'
      ? httpError.status
      : typeof httpError?.statusCode === 'number'
        ? httpError.statusCode
        : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    return {
      statusCode: status,
      code: codeForStatus[status] ?? 'BAD_REQUEST',
      message: httpError.message ?? 'Bad request',
      requestId,
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'INTERNAL_ERROR',
    message: `Something went wrong on our side. Quote request id ${requestId ?? 'unknown'} when reporting it.`,
    requestId,
  };
}

/** An Express response, or a Fastify reply (`raw` is the node response under it). */
interface AnyResponse {
  headersSent?: boolean;
  sent?: boolean;
  raw?: ServerResponse;
  destroy?: () => void;
  status?: (code: number) => { json?: (body: unknown) => void; send: (body: unknown) => void };
  code?: (code: number) => { send: (body: unknown) => void };
}

/** Request ids: pino-http puts one on the node request (Fastify's own request wraps it in `raw`). */
function requestIdOf(
  req: (IncomingMessage & { id?: unknown; raw?: { id?: unknown } }) | undefined,
): string | undefined {
  const id = req?.raw?.id ?? req?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** Writes an error body, whichever HTTP adapter the app runs on. */
function sendErrorBody(res: AnyResponse, body: ErrorBody): void {
  const raw = res.raw;
  if (raw !== undefined && typeof res.code === 'function') {
    if (raw.headersSent) {
      raw.destroy();
      return;
    }
    if (res.sent) {
      // The handler took the response over (streams) but wrote nothing yet.
      raw.statusCode = body.statusCode;
      raw.setHeader('Content-Type', 'application/json; charset=utf-8');
      raw.end(JSON.stringify(body));
      return;
    }
    res.code(body.statusCode).send(body);
    return;
  }
  if (res.headersSent) {
    res.destroy?.();
    return;
  }
  const r = res.status?.(body.statusCode);
  if (r?.json) r.json(body);
  else r?.send(body);
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const requestId = requestIdOf(ctx.getRequest());
    const body = toErrorBody(error, requestId);
    if (body.statusCode >= 500) {
      this.logger.error({ err: error, requestId, code: body.code }, 'request failed');
    }
    sendErrorBody(ctx.getResponse<AnyResponse>(), body);
  }
}
