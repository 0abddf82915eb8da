import { DisallowedFileTypeError } from '@tongke/files';
import { buildDocx, MEDIA_SAMPLES } from '../../../../../libs/files/src/testing/fixtures.js';
import { earlyVerdict } from './upload-staging.js';

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
