const MAX_NAME_BYTES = 200;
const MAX_EXTENSION_BYTES = 32;
const FALLBACK_NAME = 'file';

// Control (C0, DEL, C1), format (bidi overrides/isolates, zero-width, BOM, ...) and lone surrogates.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;
const LINE_SEPARATORS = /[\u2028\u2029]/g;
// Reserved on Windows (and '"' would break naive headers).
const WINDOWS_RESERVED_CHARS = /[<>:"|?*]/g;
const WINDOWS_DEVICE_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Truncates to at most `maxBytes` UTF-8 bytes without splitting a character (grapheme). */
export function truncateUtf8(value: string, maxBytes: number): string {
  if (utf8Length(value) <= maxBytes) return value;
  let out = '';
  let bytes = 0;
  for (const { segment } of segmenter.segment(value)) {
    const size = utf8Length(segment);
    if (bytes + size > maxBytes) break;
    out += segment;
    bytes += size;
  }
  return out;
}

function splitExtension(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { base: name, ext: '' };
  const ext = name.slice(dot);
  if (utf8Length(ext) > MAX_EXTENSION_BYTES || /\s/.test(ext)) return { base: name, ext: '' };
  return { base: name.slice(0, dot), ext };
}

function trimName(value: string): string {
  // Leading dots (hidden files, "..") and surrounding whitespace; trailing dots and spaces,
  // which Windows silently drops.
  return value.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
}

/**
 * Makes an uploaded file name safe to store and to send back in a header, while keeping it
 * recognisable: Chinese and any other Unicode letters stay. Removes any path (both "/" and
 * "\\"), control characters (C0, DEL, C1), bidi overrides and other invisible format characters,
 * Windows-reserved characters, leading dots; trims to 200 UTF-8 bytes at a character boundary
 * keeping the extension. An empty result becomes "file".
 */
export function sanitizeFileName(name: string, maxBytes: number = MAX_NAME_BYTES): string {
  let value = String(name ?? '').normalize('NFC');
  // Drop everything up to the last path separator of either style.
  value = value.split(/[/\\]/).pop() ?? '';
  value = value.replace(LINE_SEPARATORS, ' ').replace(INVISIBLE, '');
  value = value.replace(WINDOWS_RESERVED_CHARS, '_');
  value = value.replace(/ {2,}/g, ' ');
  value = trimName(value);
  if (value === '') return FALLBACK_NAME;

  let { base, ext } = splitExtension(value);
  if (WINDOWS_DEVICE_NAMES.test(base.split('.')[0] ?? '')) base = `_${base}`;
  if (utf8Length(base) + utf8Length(ext) > maxBytes) {
    if (utf8Length(ext) >= maxBytes) {
      ext = '';
    }
    base = trimName(truncateUtf8(base, maxBytes - utf8Length(ext)));
  }
  if (base === '') base = FALLBACK_NAME;
  return `${base}${ext}`;
}

// RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

function encodeRfc5987(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out +=
      byte < 0x80 && ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function asciiFallback(name: string): string {
  const ascii = name
    .replace(/[^\x20-\x7e]+/g, '_')
    .replace(/["\\%;]/g, '_')
    .replace(/_+/g, '_');
  const { base, ext } = splitExtension(ascii);
  const extOk = /^\.[A-Za-z0-9]+$/.test(ext) ? ext : '';
  const baseOk = /[A-Za-z0-9]/.test(base) ? base : FALLBACK_NAME;
  return `${baseOk}${extOk}`;
}

/**
 * A Content-Disposition header value (RFC 6266) with an ASCII fallback `filename="..."` for old
 * clients and the exact UTF-8 name in `filename*=UTF-8''...` (RFC 5987), e.g.
 *   attachment; filename="file.docx"; filename*=UTF-8''%E4%B8%80...%E6%A1%88.docx
 * The name is sanitised first, so the value is always a valid header.
 */
export function contentDisposition(fileName: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const name = sanitizeFileName(fileName);
  return `${type}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}
