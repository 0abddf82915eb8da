import { PassThrough, Readable } from 'node:stream';
import { webBodyOf } from './web-body.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('webBodyOf: a request body as a web stream, without copies, gathered while the reader is busy', () => {
  it('hands each chunk to a waiting reader as it is (no copy)', async () => {
    const source = new PassThrough();
    const reader = webBodyOf(source).getReader();
    const read = reader.read();
    const chunk = Buffer.from('first bytes');
    source.write(chunk);
    const { value } = await read;
    expect(value).toBe(chunk);
    source.end();
    expect((await reader.read()).done).toBe(true);
  });

  it('gathers what arrives while the reader is busy into one chunk, and pauses the source at the limit', async () => {
    const source = new PassThrough({ highWaterMark: 16 });
    const reader = webBodyOf(source, 64).getReader();
    expect(
      (await Promise.all([reader.read(), Promise.resolve(source.write(Buffer.alloc(8, 1)))]))[0].value,
    ).toEqual(Buffer.alloc(8, 1));
    for (let i = 0; i < 10; i += 1) source.write(Buffer.alloc(16, i));
    await tick();
    expect(source.isPaused()).toBe(true); // 64 bytes gathered: the rest waits in the source
    const gathered = (await reader.read()).value!;
    expect(gathered.length).toBe(64);
    expect(Buffer.from(gathered).equals(Buffer.concat([0, 1, 2, 3].map((i) => Buffer.alloc(16, i))))).toBe(
      true,
    );
    source.end();
    const rest: Buffer[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest.push(Buffer.from(value));
    }
    expect(
      Buffer.concat(rest).equals(Buffer.concat([4, 5, 6, 7, 8, 9].map((i) => Buffer.alloc(16, i)))),
    ).toBe(true);
  });

  it('round-trips a body through Readable.fromWeb byte for byte', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i += 1) data[i] = (i * 7919) & 0xff;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < data.length; i += 65_536) yield data.subarray(i, i + 65_536);
      })(),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of Readable.fromWeb(webBodyOf(source) as never)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
  });

  it('delivers what arrived, then fails with an AbortError when the request closes before its end', async () => {
    const source = new PassThrough();
    const reader = webBodyOf(source).getReader();
    const first = reader.read();
    source.write(Buffer.from('first'));
    expect(Buffer.from((await first).value!).toString()).toBe('first');
    source.write(Buffer.from('part'));
    await tick();
    source.destroy();
    await tick();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('part');
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('passes on a request error, and destroys the request when the stream is cancelled', async () => {
    const failing = new PassThrough();
    const reader = webBodyOf(failing).getReader();
    const read = reader.read();
    failing.destroy(new Error('connection reset'));
    await expect(read).rejects.toThrow('connection reset');

    const source = new PassThrough();
    await webBodyOf(source).cancel(new Error('refused'));
    expect(source.destroyed).toBe(true);
  });

  it('is empty and cancelled for a request that is already gone', async () => {
    const gone = new PassThrough();
    gone.destroy();
    await expect(webBodyOf(gone).getReader().read()).resolves.toEqual({ done: true, value: undefined });
  });
});
