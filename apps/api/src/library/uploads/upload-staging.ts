import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@tongke/config';
import { FileStore } from '@tus/file-store';

const UPLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * @tus/file-store that can also copy a PATCH body, as it is written, into a second stream (the
 * store pipeline), so a whole-file PATCH is staged and stored at the same time instead of one
 * after the other. The copy shares the staging write's backpressure; if the copy's consumer
 * stops (it refused the type, say), staging carries on alone.
 */
class TeeingFileStore extends FileStore {
  readonly tees = new Map<string, Writable>();

  override write(readable: IncomingMessage | Readable, id: string, offset: number): Promise<number> {
    const side = offset === 0 ? this.tees.get(id) : undefined;
    if (!side) return super.write(readable, id, offset);
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
    return super.write(readable.pipe(tee), id, offset);
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
    });
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
  }

  /** The next PATCH of `id` that starts at offset 0 also writes its body into `side`. */
  teeInto(id: string, side: Writable): void {
    this.datastore.tees.set(id, side);
  }

  /** Forgets a tee that no PATCH used. */
  untee(id: string): void {
    this.datastore.tees.delete(id);
  }

  pathOf(id: string): string {
    if (!UPLOAD_ID.test(id)) throw new Error(`bad upload id ${id}`);
    return join(this.directory, id);
  }

  async remove(id: string): Promise<void> {
    if (!UPLOAD_ID.test(id)) return;
    await rm(join(this.directory, id), { force: true });
    await rm(join(this.directory, `${id}.json`), { force: true });
  }
}
