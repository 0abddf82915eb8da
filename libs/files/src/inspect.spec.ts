import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DisallowedFileTypeError, EmptyFileError, FileTooLargeError } from './errors.js';
import { inspectStream } from './inspect.js';
import { buildPdf, MEDIA_SAMPLES } from './testing/fixtures.js';

/** A source that counts how much of it has been pulled. */
function trackedSource(data: Buffer, chunkSize = 16 * 1024): { stream: Readable; pulled: () => number } {
  let offset = 0;
  const stream = new Readable({
    read() {
      if (offset >= data.length) {
        this.push(null);
        return;
      }
      const chunk = data.subarray(offset, offset + chunkSize);
      offset += chunk.length;
      this.push(chunk);
    },
    highWaterMark: chunkSize,
  });
  return { stream, pulled: () => offset };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('inspectStream', () => {
  it('sniffs from the first ~64 KiB without reading the rest, then replays every byte', async () => {
    const pdf = Buffer.concat([buildPdf([{ ascii: 'big' }]), Buffer.alloc(4 * 1024 * 1024, 0x25)]);
    const source = trackedSource(pdf);
    const { type, stream, head } = await inspectStream(source.stream, {
      maxBytes: 10 * 1024 * 1024,
      declaredName: 'big.pdf',
    });
    expect(type.kind).toBe('pdf');
    expect(head.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(source.pulled()).toBeLessThan(256 * 1024); // not buffered whole
    const replayed = await readAll(stream);
    expect(replayed.length).toBe(pdf.length);
    expect(sha(replayed)).toBe(sha(pdf));
  });

  it('handles a file shorter than the peek size', async () => {
    const { type, stream } = await inspectStream(Readable.from([MEDIA_SAMPLES.png]), { maxBytes: 1000 });
    expect(type.kind).toBe('png');
    expect((await readAll(stream)).equals(MEDIA_SAMPLES.png)).toBe(true);
  });

  it('treats the head of a long text as partial (a character cut at 64 KiB is fine)', async () => {
    const text = Buffer.from('一元一次方程'.repeat(20_000), 'utf8'); // 360 000 bytes
    const { type, stream } = await inspectStream(trackedSource(text, 65_537).stream, {
      maxBytes: 1_000_000,
      declaredName: 'a.md',
      peekBytes: 65_537,
    });
    expect(type.kind).toBe('md');
    expect((await readAll(stream)).equals(text)).toBe(true);
  });

  it('rejects a disallowed file before anything is stored and destroys the input', async () => {
    const source = trackedSource(Buffer.concat([MEDIA_SAMPLES.exe, Buffer.alloc(1024 * 1024)]));
    await expect(
      inspectStream(source.stream, { maxBytes: 10_000_000, declaredName: 'homework.pdf' }),
    ).rejects.toBeInstanceOf(DisallowedFileTypeError);
    expect(source.stream.destroyed).toBe(true);
  });

  it('rejects empty input', async () => {
    await expect(inspectStream(Readable.from([]), { maxBytes: 10 })).rejects.toBeInstanceOf(EmptyFileError);
  });

  it('enforces maxBytes on the head and on the replayed rest', async () => {
    const pdf = Buffer.concat([buildPdf([{ ascii: 'x' }]), Buffer.alloc(500_000)]);
    await expect(inspectStream(trackedSource(pdf).stream, { maxBytes: 1000 })).rejects.toBeInstanceOf(
      FileTooLargeError,
    );
    const { stream } = await inspectStream(trackedSource(pdf).stream, { maxBytes: 200_000 });
    await expect(readAll(stream)).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it('passes on an error of the input stream', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(inspectStream(failing, { maxBytes: 100 })).rejects.toThrow('connection reset');
  });

  it('rejects, rather than waiting forever, an input that failed or closed before it was handed over', async () => {
    const failed = new Readable({ read() {} });
    failed.on('error', () => undefined);
    failed.destroy(new Error('refused upstream'));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(inspectStream(failed, { maxBytes: 100 })).rejects.toThrow('refused upstream');

    const closed = new Readable({ read() {} });
    closed.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    await expect(inspectStream(closed, { maxBytes: 100 })).rejects.toThrow('closed before it ended');
  });
});
