import { InvalidObjectKeyError, InvalidStorageArgumentError } from './errors.js';

export const MAX_KEY_BYTES = 1024;
export const MAX_SEGMENT_BYTES = 255;

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkCharacters(value: string, what: string): void {
  if (CONTROL_CHARS.test(value)) {
    throw new InvalidObjectKeyError(value, `${what} contains control characters`);
  }
  if (LONE_SURROGATE.test(value)) {
    throw new InvalidObjectKeyError(value, `${what} is not well-formed Unicode`);
  }
  if (value.includes('\\')) {
    throw new InvalidObjectKeyError(value, `${what} contains a backslash`);
  }
  if (value.startsWith('/')) {
    throw new InvalidObjectKeyError(value, `${what} must be relative (no leading "/")`);
  }
}

function checkSegment(key: string, segment: string): void {
  if (segment === '') throw new InvalidObjectKeyError(key, 'empty path segment ("//")');
  if (segment === '.' || segment === '..') {
    throw new InvalidObjectKeyError(key, 'path segments "." and ".." are not allowed');
  }
  if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
    throw new InvalidObjectKeyError(key, `a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
}

/**
 * Validates an object key. Keys are "/"-separated relative paths of non-empty segments; they
 * can never address anything outside the store (no "..", no absolute paths, no backslashes,
 * no NUL or other control characters). The same rules apply to every adapter so that an object
 * written to one store can always be written to another.
 */
export function validateObjectKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidObjectKeyError(String(key), 'key must be a non-empty string');
  }
  checkCharacters(key, 'key');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new InvalidObjectKeyError(key, `key is longer than ${MAX_KEY_BYTES} bytes`);
  }
  if (key.endsWith('/')) throw new InvalidObjectKeyError(key, 'key must not end with "/"');
  for (const segment of key.split('/')) checkSegment(key, segment);
  return key;
}

/**
 * Validates a listing prefix: "" lists everything; every complete segment (before the last "/")
 * follows the key rules, the trailing partial segment may be anything a key segment may start with.
 */
export function validatePrefix(prefix: string): string {
  if (typeof prefix !== 'string') throw new InvalidObjectKeyError(String(prefix), 'prefix must be a string');
  if (prefix === '') return prefix;
  checkCharacters(prefix, 'prefix');
  if (Buffer.byteLength(prefix, 'utf8') > MAX_KEY_BYTES) {
    throw new InvalidObjectKeyError(prefix, `prefix is longer than ${MAX_KEY_BYTES} bytes`);
  }
  const segments = prefix.split('/');
  segments.pop(); // trailing partial segment ("" when the prefix ends with "/")
  for (const segment of segments) checkSegment(prefix, segment);
  return prefix;
}

/** Inclusive byte range: integers, 0 <= start <= end. */
export function validateRange(range: { start: number; end?: number }): void {
  const { start, end } = range;
  if (
    !Number.isSafeInteger(start) ||
    start < 0 ||
    (end !== undefined && (!Number.isSafeInteger(end) || end < start))
  ) {
    throw new InvalidStorageArgumentError(`Invalid byte range ${start}-${end ?? ''}`);
  }
}
