import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ResourceFile } from '@tongke/database';
import { ObjectStore } from '@tongke/storage';
import { DataSource } from 'typeorm';
import { LibrarySettings } from '../library.settings.js';

export const RENDITION_PREFIX = 'renditions/';

export function renditionKeyOf(sha256: string): string {
  return `${RENDITION_PREFIX}${sha256.slice(0, 2)}/${sha256}.pdf`;
}

function run(file: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, windowsHide: true }, (err) =>
      err ? reject(new Error(err.message, { cause: err })) : resolve(),
    );
  });
}

/**
 * PDF renderings of office files by LibreOffice (`soffice --headless --convert-to pdf`), made on
 * first preview and cached as objects under renditions/ (one per content hash; the garbage
 * collector drops them with their source). The production image ships LibreOffice and CJK fonts;
 * where `soffice` is not on PATH, office previews fall back to the extracted outline.
 */
@Injectable()
export class RenditionService implements OnModuleInit {
  private readonly logger = new Logger('RenditionService');
  private readonly inFlight = new Map<string, Promise<string>>();
  available = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly settings: LibrarySettings,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await run('soffice', ['--version'], 15_000);
      this.available = true;
    } catch {
      this.available = false;
    }
  }

  /** The object key of the file's PDF rendering, rendering it now if needed. */
  async ensure(file: ResourceFile): Promise<string> {
    if (file.renditionKey !== null && (await this.store.exists(file.renditionKey))) return file.renditionKey;
    const running = this.inFlight.get(file.sha256);
    if (running) return running;
    const job = this.render(file).finally(() => this.inFlight.delete(file.sha256));
    this.inFlight.set(file.sha256, job);
    return job;
  }

  private async render(file: ResourceFile): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'tongke-render-'));
    try {
      const input = join(dir, `input.${file.kind}`);
      await pipeline(await this.store.get(file.objectKey), createWriteStream(input));
      await run(
        'soffice',
        [
          `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
          '--headless',
          '--norestore',
          '--convert-to',
          'pdf',
          '--outdir',
          dir,
          input,
        ],
        this.settings.renditionTimeoutMs,
      );
      const output = join(dir, 'input.pdf');
      const { size } = await stat(output);
      const key = renditionKeyOf(file.sha256);
      await this.store.put(key, createReadStream(output), { contentType: 'application/pdf', size });
      await this.dataSource
        .getRepository(ResourceFile)
        .update({ sha256: file.sha256 }, { renditionKey: key });
      this.logger.log({ sha256: file.sha256, size }, 'rendered office file to PDF');
      return key;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
