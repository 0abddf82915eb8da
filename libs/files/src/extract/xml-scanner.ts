/**
 * A minimal streaming XML tokenizer, enough to pull text out of OOXML parts without building a
 * DOM: callers get open / close / text events with prefix-stripped local names. Comments,
 * processing instructions and doctypes are skipped; CDATA is reported as text; entities are
 * decoded. Input may arrive in arbitrary string chunks.
 */
export interface XmlEvents {
  open?(name: string, attributes: Record<string, string>, selfClosing: boolean): void;
  close?(name: string): void;
  text?(text: string): void;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeXmlEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return codePoint(Number.parseInt(body.slice(2), 16), whole);
    if (body.startsWith('#')) return codePoint(Number.parseInt(body.slice(1), 10), whole);
    return NAMED_ENTITIES[body] ?? whole;
  });
}

function codePoint(value: number, fallback: string): string {
  return Number.isInteger(value) && value > 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff)
    ? String.fromCodePoint(value)
    : fallback;
}

export function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Attributes keyed by their qualified name (e.g. "w:val", "r:id", "id"). */
function parseAttributes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!source.includes('=')) return out;
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1];
    if (name === undefined) continue;
    out[name] = decodeXmlEntities(match[2] ?? match[3] ?? '');
  }
  return out;
}

/**
 * Looks an attribute up by local name, whatever its prefix. `prefixed` restricts the match to
 * namespaced (true) or plain (false) attributes, e.g. `r:id` vs `id` on `<p:sldId>`.
 */
export function attribute(
  attributes: Record<string, string>,
  name: string,
  prefixed?: boolean,
): string | undefined {
  for (const [qualified, value] of Object.entries(attributes)) {
    const hasPrefix = qualified.includes(':');
    if (localName(qualified) === name && (prefixed === undefined || prefixed === hasPrefix)) return value;
  }
  return undefined;
}

/** Index of the ">" closing the tag that starts at `start` ("<"), honouring quotes; -1 if not yet. */
function tagEnd(buffer: string, start: number): number {
  let quote = '';
  for (let i = start + 1; i < buffer.length; i += 1) {
    const ch = buffer[i];
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      return i;
    }
  }
  return -1;
}

export class XmlScanner {
  private buffer = '';

  constructor(private readonly events: XmlEvents) {}

  write(chunk: string): void {
    this.buffer += chunk;
    this.drain();
  }

  /** Flushes trailing text; an unterminated tag at the end is dropped. */
  end(): void {
    this.drain();
    if (this.buffer !== '' && !this.buffer.includes('<')) this.events.text?.(decodeXmlEntities(this.buffer));
    this.buffer = '';
  }

  private drain(): void {
    const buffer = this.buffer;
    let pos = 0;
    while (pos < buffer.length) {
      const lt = buffer.indexOf('<', pos);
      if (lt === -1) break; // the text goes on in the next chunk
      if (lt > pos) this.events.text?.(decodeXmlEntities(buffer.slice(pos, lt)));
      pos = lt;
      if (lt + 1 >= buffer.length) break;
      if (buffer[lt + 1] === '!') {
        if (buffer.length - lt < 9) break; // cannot tell a comment, CDATA or doctype apart yet
        if (buffer.startsWith('<!--', lt)) {
          const end = buffer.indexOf('-->', lt + 4);
          if (end === -1) break;
          pos = end + 3;
          continue;
        }
        if (buffer.startsWith('<![CDATA[', lt)) {
          const end = buffer.indexOf(']]>', lt + 9);
          if (end === -1) break;
          this.events.text?.(buffer.slice(lt + 9, end));
          pos = end + 3;
          continue;
        }
      }
      const end = tagEnd(buffer, lt);
      if (end === -1) break;
      const inner = buffer.slice(lt + 1, end);
      pos = end + 1;
      if (inner.startsWith('?') || inner.startsWith('!')) continue;
      if (inner.startsWith('/')) {
        this.events.close?.(localName(inner.slice(1).trim()));
        continue;
      }
      const selfClosing = inner.endsWith('/');
      const body = selfClosing ? inner.slice(0, -1) : inner;
      const nameMatch = /^[^\s/>]+/.exec(body);
      if (nameMatch === null) continue;
      const name = localName(nameMatch[0]);
      this.events.open?.(name, parseAttributes(body.slice(nameMatch[0].length)), selfClosing);
      if (selfClosing) this.events.close?.(name);
    }
    this.buffer = buffer.slice(pos);
  }
}
