/**
 * Typed storage errors. The HTTP layer maps them by class (or by `code`):
 *   ObjectNotFoundError      -> 404
 *   InvalidRangeError        -> 416
 *   ObjectTooLargeError      -> 413
 *   InvalidObjectKeyError, InvalidStorageArgumentError, ObjectSizeMismatchError -> 400
 *   StorageUnavailableError  -> 503
 */
export type StorageErrorCode =
  | 'OBJECT_NOT_FOUND'
  | 'STORAGE_UNAVAILABLE'
  | 'OBJECT_TOO_LARGE'
  | 'INVALID_OBJECT_KEY'
  | 'INVALID_RANGE'
  | 'SIZE_MISMATCH'
  | 'DIGEST_MISMATCH'
  | 'INVALID_ARGUMENT';

export abstract class StorageError extends Error {
  abstract readonly code: StorageErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ObjectNotFoundError extends StorageError {
  readonly code = 'OBJECT_NOT_FOUND' as const;

  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`Object not found: ${key}`, options);
  }
}

export class StorageUnavailableError extends StorageError {
  readonly code = 'STORAGE_UNAVAILABLE' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ObjectTooLargeError extends StorageError {
  readonly code = 'OBJECT_TOO_LARGE' as const;

  /** maxBytes is undefined when the server refused the size without saying its limit. */
  constructor(
    readonly maxBytes: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      maxBytes === undefined
        ? 'Object is too large for the store'
        : `Object exceeds the limit of ${maxBytes} bytes`,
      options,
    );
  }
}

export class InvalidObjectKeyError extends StorageError {
  readonly code = 'INVALID_OBJECT_KEY' as const;

  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`Invalid object key ${JSON.stringify(key)}: ${reason}`);
  }
}

export class InvalidRangeError extends StorageError {
  readonly code = 'INVALID_RANGE' as const;

  constructor(
    readonly key: string,
    readonly range: { start: number; end?: number },
    readonly size?: number,
  ) {
    super(
      `Range ${range.start}-${range.end ?? ''} is not satisfiable for ${key}` +
        (size === undefined ? '' : ` (size ${size})`),
    );
  }
}

export class ObjectSizeMismatchError extends StorageError {
  readonly code = 'SIZE_MISMATCH' as const;

  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`Declared size ${expected} does not match the ${actual} bytes received`);
  }
}

/**
 * A file handed over with its digest turned out to hold other bytes (it changed meanwhile).
 * `stored` is the object that was written all the same, for the caller to discard.
 */
export class ContentDigestMismatchError extends StorageError {
  readonly code = 'DIGEST_MISMATCH' as const;

  constructor(
    readonly expected: string,
    readonly actual: string,
    readonly stored?: { key: string; deduplicated: boolean },
  ) {
    super(`Content digest ${actual} does not match the expected ${expected}`);
  }
}

export class InvalidStorageArgumentError extends StorageError {
  readonly code = 'INVALID_ARGUMENT' as const;

  constructor(message: string) {
    super(message);
  }
}

/** Node system error shape (errno exceptions), narrowed without `any`. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
