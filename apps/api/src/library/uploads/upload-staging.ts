import fs, { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@tongke/config';
import { TUS_METADATA_KEYS } from '@tongke/contracts';
import { DEFAULT_PEEK_BYTES, DisallowedFileTypeError, sniffFileType } from '@tongke/files';
import { EarlyWriteback } from '@tongke/storage';
import { FileStore } from '@tus/file-store';

const UPLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** How much of a PATCH body may wait behind the staging write in flight. */
const STAGE_QUEUE_BYTES = 1024 * 1024;

/** Below this many bytes magic-number detection is not reliable (file-type samples 4100). */
const SNIFF_MIN_BYTES = 4100;
/** What the first bytes may still turn into with more of them (a zip may be a .docx). */
const UNDECIDED_KINDS = new Set(['zip', 'cfb']);

type Upload = Awaited<ReturnType<FileStore['getUpload']>>;

/** A staged upload refused by its first bytes; tus answers `status_code`, the service the real error. */
export class UploadRefusedError extends Error {
  readonly status_code = 415;
  readonly body = 'upload refused';

  constructor(
    readonly uploadId: string,
    readonly reason: DisallowedFileTypeError,
  ) {
    super(reason.message);
  }
}

/**
 * The verdict on the first `head.length` bytes of an upload (of `size` bytes, if known): a
 * refusal only when it is certain — the whole sniffing window (or the whole file) has arrived,
 * or enough bytes to recognise a disallowed kind that more bytes cannot change (an MZ
 * executable, an ELF binary, a script). Anything else waits for more bytes, and the ingest
 * pipeline sniffs the first 64 KiB again at the end anyway.
 */
export async function earlyVerdict(
  head: Buffer,
  name: string | undefined,
  complete: boolean,
): Promise<'accepted' | 'undecided' | DisallowedFileTypeError> {
  if (head.length === 0) return 'undecided';
  const whole = complete || head.length >= DEFAULT_PEEK_BYTES;
  try {
    await sniffFileType(head.subarray(0, DEFAULT_PEEK_BYTES), name, { complete });
    return whole || head.length >= SNIFF_MIN_BYTES ? 'accepted' : 'undecided';
  } catch (err) {
    if (!(err instanceof DisallowedFileTypeError)) return 'undecided';
    if (whole) return err;
    const certain =
      head.length >= SNIFF_MIN_BYTES && err.detected !== undefined && !UNDECIDED_KINDS.has(err.detected);
    return certain ? err : 'undecided';
  }
}

/**
 * A write stream appending a PATCH body to a staged file at `start`, with up to STAGE_QUEUE_BYTES
 * queued behind the write in flight (written together, with writev). With `writeback`, every
 * WRITEBACK_BYTES an fdatasync is started in the background (one at a time, never waited for while
 * bytes arrive), so the disk writes the file while the rest of it is still coming: the fsync when
 * the store adopts the file (it still syncs all of it) then finds little left to write, instead of
 * ~30 ms per 100 MB. The file is closed only after such a sync ends, and a sync's failure fails the
 * write (it consumes the writeback error, which a later descriptor of the file would not see).
 */
export function stagingStream(path: string, start: number, writeback: boolean): Writable {
  const options = { flags: 'r+', start, highWaterMark: STAGE_QUEUE_BYTES };
  if (!writeback) return createWriteStream(path, options);
  let early: EarlyWriteback | undefined;
  /** After a write: counts its bytes (the first write names the descriptor to sync). */
  const wrote = (fd: number, err: NodeJS.ErrnoException | null, written: number): void => {
    // A failed sync is reported by the next write and by close, never thrown from this callback.
    if (err || early?.failed) return;
    early ??= new EarlyWriteback(
      () => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve()))),
    );
    early.wrote(written);
  };
  return createWriteStream(path, {
    ...options,
    fs: {
      open: fs.open,
      write(
        fd: number,
        buffer: Buffer,
        offset: number,
        length: number,
        position: number | null,
        callback: (err: NodeJS.ErrnoException | null, written: number, buffer: Buffer) => void,
      ): void {
        if (early?.failed) return callback(early.failed, 0, buffer);
        fs.write(fd, buffer, offset, length, position, (err, written, view) => {
          wrote(fd, err, written);
          callback(err, written, view);
        });
      },
      writev(
        fd: number,
        buffers: NodeJS.ArrayBufferView[],
        position: number | null,
        callback: (
          err: NodeJS.ErrnoException | null,
          written: number,
          buffers: NodeJS.ArrayBufferView[],
        ) => void,
      ): void {
        if (early?.failed) return callback(early.failed, 0, buffers);
        fs.writev(fd, buffers, position, (err, written, views) => {
          wrote(fd, err, written);
          callback(err, written, views);
        });
      },
      close(fd: number, callback: (err?: NodeJS.ErrnoException | null) => void): void {
        void Promise.resolve(early?.settled()).then(
          () => fs.close(fd, callback),
          (failed: Error) => fs.close(fd, () => callback(failed)),
        );
      },
    },
  });
}

/**
 * @tus/file-store that can also copy a PATCH body, as it is written, into a second stream (the
 * store pipeline), so a whole-file PATCH is staged and stored at the same time instead of one
 * after the other. The copy shares the staging write's backpressure; if the copy's consumer
 * stops (it refused the type, say), staging carries on alone.
 */
class TeeingFileStore extends FileStore {
  readonly tees = new Map<string, Writable>();
  /**
   * Uploads a PATCH is about to write, with what the tus handler's getUpload() read for it (under
   * the upload's lock, just before it calls write()), so write() need not read it again.
   */
  readonly writing = new Map<string, Upload | undefined>();
  /** Uploads whose first bytes were judged allowed (so later PATCHes are not sniffed again). */
  private readonly accepted = new Set<string>();

  constructor(
    private readonly options: {
      directory: string;
      expirationPeriodInMilliseconds: number;
      /** Staged files will be fsync'ed when they are stored (adopted), so write them back early. */
      writeback: boolean;
    },
  ) {
    super(options);
  }

  /** As tus reads it; kept for write() when a PATCH of `id` is expected (see `writing`). */
  override async getUpload(id: string): Promise<Upload> {
    const upload = await super.getUpload(id);
    if (this.writing.has(id)) this.writing.set(id, upload);
    return upload;
  }

  /**
   * Writes a PATCH body; while the first 64 KiB of an upload are arriving, they are sniffed as
   * they come (with the bytes already staged by earlier PATCHes), and a disallowed type stops the
   * write at once with UploadRefusedError, long before the rest of the file would have arrived.
   */
  override async write(readable: IncomingMessage | Readable, id: string, offset: number): Promise<number> {
    const read = this.writing.get(id);
    this.writing.delete(id);
    if (offset >= DEFAULT_PEEK_BYTES || this.accepted.has(id)) return this.teeingWrite(readable, id, offset);
    const upload = read ?? (await this.getUpload(id));
    const staged = offset > 0 ? await readPrefix(join(this.options.directory, id), offset) : Buffer.alloc(0);
    const name = upload.metadata?.[TUS_METADATA_KEYS.fileName] ?? undefined;
    let head = staged;
    let refusal: UploadRefusedError | undefined;
    let decided = false;
    const judge = async (ended: boolean): Promise<void> => {
      const complete = ended && upload.size !== undefined && head.length >= upload.size;
      const verdict = await earlyVerdict(head, name, complete);
      if (verdict === 'undecided') return;
      decided = true;
      if (verdict === 'accepted') this.accepted.add(id);
      else refusal = new UploadRefusedError(id, verdict);
    };
    const sniffer = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (decided) return callback(null, chunk);
        head = Buffer.concat([head, chunk]);
        if (head.length < SNIFF_MIN_BYTES) return callback(null, chunk);
        judge(false).then(
          () => callback(refusal ?? null, refusal ? undefined : chunk),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      },
      flush(callback) {
        if (decided) return callback();
        judge(true).then(
          () => callback(refusal ?? null),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      },
    });
    readable.on('error', (err) => sniffer.destroy(err));
    try {
      return await this.teeingWrite(readable.pipe(sniffer), id, offset);
    } catch (err) {
      if (refusal) throw refusal;
      throw err;
    } finally {
      if (refusal) readable.unpipe(sniffer);
    }
  }

  /** Forgets what was remembered about an upload that is gone. */
  forget(id: string): void {
    this.accepted.delete(id);
    this.tees.delete(id);
    this.writing.delete(id);
  }

  private teeingWrite(readable: IncomingMessage | Readable, id: string, offset: number): Promise<number> {
    const side = offset === 0 ? this.tees.get(id) : undefined;
    if (!side) return this.stage(readable, id, offset);
    this.tees.delete(id);
    const tee = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (side.destroyed || side.writableEnded) return callback(null, chunk);
        if (side.write(chunk)) return callback(null, chunk);
        const resume = (): void => {
          side.off('drain', resume);
          side.off('close', resume);
          callback(null, chunk);
        };
        side.on('drain', resume);
        side.on('close', resume);
      },
      flush(callback) {
        if (!side.destroyed) side.end();
        callback();
      },
    });
    readable.on('error', (err) => tee.destroy(err));
    tee.on('error', (err) => side.destroy(err));
    tee.on('close', () => {
      if (!side.writableEnded) side.destroy(new Error('upload body ended early'));
    });
    return this.stage(readable.pipe(tee), id, offset);
  }

  /**
   * Appends a PATCH body to the staged file at `offset` and returns the new offset: what the
   * FileStore's own write does, but with up to 1 MiB queued behind the write in flight (the
   * FileStore's write stream keeps 16 KiB, so every ~64 KiB socket read waited for its own write
   * round trip and receiving was latency-bound), and with the bytes' writeback started as they
   * come (stagingStream). Queued chunks go out together (writev) as soon as the previous write
   * returns, so bytes still reach the disk as they arrive on a slow link; a dropped connection
   * loses at most what was queued, and the client resumes from the staged size.
   */
  private async stage(readable: IncomingMessage | Readable, id: string, offset: number): Promise<number> {
    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        callback(null, chunk);
      },
    });
    await pipeline(
      readable,
      count,
      stagingStream(join(this.options.directory, id), offset, this.options.writeback),
    );
    return offset + received;
  }
}

/** The first `length` bytes of a staged file. */
async function readPrefix(path: string, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * Where resumable uploads are staged: `<dataDir>/uploads/<id>` (the bytes so far) and
 * `<id>.json` (tus metadata), managed by @tus/file-store. Staged files are removed once the upload
 * is stored (or refused), and by the garbage collector when abandoned.
 */
@Injectable()
export class UploadStaging implements OnModuleInit {
  readonly directory: string;
  readonly datastore: TeeingFileStore;

  constructor(config: AppConfig) {
    this.directory = join(config.dataDir, 'uploads');
    this.datastore = new TeeingFileStore({
      directory: this.directory,
      // Announced to clients as Upload-Expires; the garbage collector enforces it.
      expirationPeriodInMilliseconds: 24 * 60 * 60 * 1000,
      writeback: config.storage.kind === 'local',
    });
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
  }

  /** The next PATCH of `id` that starts at offset 0 also writes its body into `side`. */
  teeInto(id: string, side: Writable): void {
    this.datastore.tees.set(id, side);
  }

  /** A PATCH of `id` is about to be handed to tus: write() may use what getUpload() read for it. */
  expectWrite(id: string): void {
    this.datastore.writing.set(id, undefined);
  }

  /** After a PATCH: forgets a tee that it did not use, and what was read for its write. */
  untee(id: string): void {
    this.datastore.tees.delete(id);
    this.datastore.writing.delete(id);
  }

  pathOf(id: string): string {
    if (!UPLOAD_ID.test(id)) throw new Error(`bad upload id ${id}`);
    return join(this.directory, id);
  }

  async remove(id: string): Promise<void> {
    if (!UPLOAD_ID.test(id)) return;
    this.datastore.forget(id);
    await Promise.all([
      rm(join(this.directory, id), { force: true }),
      rm(join(this.directory, `${id}.json`), { force: true }),
    ]);
  }
}
