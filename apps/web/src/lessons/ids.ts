/**
 * Random ids without crypto.randomUUID, which needs a secure context (a school server reached
 * over plain http on the LAN is not one) and Chromium 92+. getRandomValues works everywhere.
 */
function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}

/** An RFC 4122 version-4 UUID. */
export function newUuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A short id (16 base-36 characters) for strokes and client message ids. */
export function shortId(): string {
  return Array.from(randomBytes(16), (x) => (x % 36).toString(36)).join('');
}
