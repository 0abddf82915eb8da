/** Collects text up to `maxChars` UTF-16 code units, never splitting a surrogate pair. */
export class TextSink {
  truncated = false;
  private readonly parts: string[] = [];
  private length = 0;

  constructor(readonly maxChars: number) {}

  get full(): boolean {
    return this.length >= this.maxChars;
  }

  add(text: string): void {
    if (text === '') return;
    const room = this.maxChars - this.length;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    let piece = text;
    if (piece.length > room) {
      piece = piece.slice(0, room);
      const last = piece.charCodeAt(piece.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) piece = piece.slice(0, -1);
      this.truncated = true;
    }
    this.parts.push(piece);
    this.length += piece.length;
    if (this.length >= this.maxChars && piece.length < text.length) this.truncated = true;
  }

  toString(): string {
    return this.parts.join('').replace(/\s+$/u, '');
  }
}
