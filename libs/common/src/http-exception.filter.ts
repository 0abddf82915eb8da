import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
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
  const bodyParserError = error as { type?: string; status?: number; expose?: boolean; message?: string };
  if (bodyParserError?.expose && typeof bodyParserError.status === 'number' && bodyParserError.status < 500) {
    return {
      statusCode: bodyParserError.status,
      code: codeForStatus[bodyParserError.status] ?? 'BAD_REQUEST',
      message: bodyParserError.message ?? 'Bad request',
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

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const requestId = req.id ? String(req.id) : undefined;
    const body = toErrorBody(error, requestId);
    if (body.statusCode >= 500) {
      this.logger.error({ err: error, requestId, code: body.code }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(body.statusCode).json(body);
  }
}
