/**
 * A domain error: a stable machine code, the HTTP status it maps to, and a message safe to show
 * to a user. Domains declare theirs in `<domain>.errors.ts`; transports map them (HTTP filter,
 * socket ack) — services never know about HTTP.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const CommonErrors = {
  validation: (message: string, details?: Record<string, unknown>) =>
    new AppError('VALIDATION_FAILED', 400, message, details),
  notFound: (what = 'Resource') => new AppError('NOT_FOUND', 404, `${what} not found`),
  routeNotFound: (method: string, path: string) =>
    new AppError('ROUTE_NOT_FOUND', 404, `No route for ${method} ${path}`),
  unauthenticated: (message = 'Authentication required') => new AppError('UNAUTHENTICATED', 401, message),
  forbidden: (message = 'You are not allowed to do this') => new AppError('FORBIDDEN', 403, message),
  conflict: (code: string, message: string) => new AppError(code, 409, message),
  tooManyRequests: (message = 'Too many requests, try again later') =>
    new AppError('TOO_MANY_REQUESTS', 429, message),
  unavailable: (code: string, message: string) => new AppError(code, 503, message),
} as const;

/** The one error body every transport speaks. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  requestId?: string;
  details?: Record<string, unknown>;
}
