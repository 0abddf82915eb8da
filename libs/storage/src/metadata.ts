import { InvalidStorageArgumentError } from './errors.js';

const METADATA_KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;
const RESERVED_KEYS = new Set([
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
  'expires',
  'etag',
  'last-modified',
]);
const RESERVED_PREFIXES = ['x-amz-', 'tongke-'];
export const MAX_METADATA_BYTES = 2048;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/u;

/** Validates user metadata (see PutOptions.metadata); returns a copy. */
export function validateMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (metadata === undefined) return out;
  let total = 0;
  for (const [key, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(key)) {
      throw new InvalidStorageArgumentError(
        `Metadata key ${JSON.stringify(key)} must match ${METADATA_KEY.source}`,
      );
    }
    if (RESERVED_KEYS.has(key) || RESERVED_PREFIXES.some((p) => key.startsWith(p))) {
      throw new InvalidStorageArgumentError(`Metadata key ${JSON.stringify(key)} is reserved`);
    }
    if (typeof value !== 'string') {
      throw new InvalidStorageArgumentError(`Metadata value for ${key} must be a string`);
    }
    total += key.length + encodeMetadataValue(value).length;
    out[key] = value;
  }
  if (total > MAX_METADATA_BYTES) {
    throw new InvalidStorageArgumentError(`Metadata is larger than ${MAX_METADATA_BYTES} bytes once encoded`);
  }
  return out;
}

export function validateContentType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  if (typeof contentType !== 'string' || contentType.length > 1024 || CONTROL_CHARS.test(contentType)) {
    throw new InvalidStorageArgumentError(
      'contentType must be a string of at most 1024 characters without control characters',
    );
  }
  return contentType;
}

/** HTTP header values must be printable ASCII to survive every S3 implementation. */
export function isHeaderSafe(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}

export function encodeMetadataValue(value: string): string {
  return encodeURIComponent(value);
}

export function decodeMetadataValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
