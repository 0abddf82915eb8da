import fs from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { jest } from '@jest/globals';
import { DisallowedFileTypeError } from '@tongke/files';
import { buildDocx, MEDIA_SAMPLES } from '../../../../../libs/files/src/testing/fixtures.js';
import { earlyVerdict, stagingStream } from './upload-staging.js';

const padded = (head: Buffer, size: number): Buffer =>
  Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x20)]);

describe('earlyVerdict: refusing an upload by its first bytes, only when more bytes cannot change the answer', () => {
  it('refuses an executable renamed to .mp4 from its first few KiB', async () => {
    const verdict = await earlyVerdict(padded(MEDIA_SAMPLES.exe, 8 * 1024), '微课.mp4', false);
    expect(verdict).toBeInstanceOf(DisallowedFileTypeError);
    expect((verdict as DisallowedFileTypeError).message).toMatch(/可执行/);
  });

  it('waits while too few bytes have arrived, unless they are the whole file', async () => {
    expect(await earlyVerdict(MEDIA_SAMPLES.exe, 'a.mp4', false)).toBe('undecided');
    expect(await earlyVerdict(MEDIA_SAMPLES.exe, 'a.mp4', true)).toBeInstanceOf(DisallowedFileTypeError);
  });

  it('does not refuse the start of a zip (it may be a .docx) before the sniffing window has arrived', async () => {
    const docx = await buildDocx();
    expect(await earlyVerdict(docx.subarray(0, 4500), '教案.docx', false)).not.toBeInstanceOf(
      DisallowedFileTypeError,
    );
    expect(await earlyVerdict(docx, '教案.docx', true)).toBe('accepted');
  });

  it('accepts a video from its first bytes', async () => {
    expect(await earlyVerdict(padded(MEDIA_SAMPLES.mp4, 8 * 1024), '微课.mp4', false)).toBe('accepted');
  });
});

describe('stagingStream: the staged file is written back while the body arrives', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tongke-staging-'));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  const chunks = (count: number, size: number): Buffer[] =>
    Array.from({ length: count }, (_, i) => Buffer.alloc(size, i % 251));

  it('appends at the offset and syncs in the background, closing the file only after the last sync', async () => {
    const path = join(dir, 'upload');
    await writeFile(path, Buffer.from('head'));
    const realSync = fs.fdatasync;
    let syncing = 0;
    const syncsAtClose: number[] = [];
    const sync = jest
      .spyOn(fs, 'fdatasync')
      .mockImplementation((fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => {
        syncing += 1;
        // A slow disk: the last sync is still running when the body has been written.
        realSync(fd, (err) =>
          setTimeout(() => {
            syncing -= 1;
            callback(err);
          }, 30),
        );
      });
    const realClose = fs.close;
    jest.spyOn(fs, 'close').mockImplementation(((
      fd: number,
      callback: (err: NodeJS.ErrnoException | null) => void,
    ) => {
      syncsAtClose.push(syncing);
      realClose(fd, callback);
    }) as typeof fs.close);
    const body = chunks(20, 1024 * 1024);
    await pipeline(Readable.from(body), stagingStream(path, 4, true));
    expect((await readFile(path)).equals(Buffer.concat([Buffer.from('head'), ...body]))).toBe(true);
    expect(sync).toHaveBeenCalled();
    expect(syncsAtClose).toEqual([0]);
  });

  it('fails the write when a background sync fails (its error would be lost to the adopting fsync)', async () => {
    const path = join(dir, 'upload');
    await writeFile(path, Buffer.alloc(0));
    jest.spyOn(fs, 'fdatasync').mockImplementation((_fd: number, callback: (err: Error | null) => void) => {
      setImmediate(() => callback(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    });
    await expect(
      pipeline(Readable.from(chunks(20, 1024 * 1024)), stagingStream(path, 0, true)),
    ).rejects.toThrow(/EIO/);
  });

  it('does not sync the staged file for S3 (it is never fsynced there)', async () => {
    const path = join(dir, 'upload');
    await writeFile(path, Buffer.alloc(0));
    const sync = jest.spyOn(fs, 'fdatasync');
    await pipeline(Readable.from(chunks(20, 1024 * 1024)), stagingStream(path, 0, false));
    expect(sync).not.toHaveBeenCalled();
    expect((await readFile(path)).length).toBe(20 * 1024 * 1024);
  });
});
