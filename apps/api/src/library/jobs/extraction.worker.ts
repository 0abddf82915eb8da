import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LIBRARY_LIMITS } from '@tongke/contracts';
import { ResourceFile } from '@tongke/database';
import { extractText, TextExtractionError, type FileKind } from '@tongke/files';
import { ObjectStore, StorageUnavailableError } from '@tongke/storage';
import { DataSource } from 'typeorm';
import { LibrarySettings } from '../library.settings.js';
import { enqueueResourceChange } from '../resources/resource-outbox.js';

interface Claimed {
  id: string;
  resource_id: string;
  object_key: string;
  sha256: string;
  kind: string;
  extraction_attempts: number;
}

/** PDFs are parsed in memory by pdf.js: bigger ones are indexed by their metadata only. */
const MAX_EXTRACT_INPUT_BYTES = 100 * 1024 * 1024;
// eslint-disable-next-line no-control-regex -- PostgreSQL text cannot hold NUL
const NUL = /\u0000/g;

/**
 * Background text extraction for search and the outline view. Polls `resource_files` for
 * `extraction_status = 'pending'` (claimed with FOR UPDATE SKIP LOCKED, so several API instances
 * can run it), streams the object from the store into `extractText`, and saves the capped text
 * and outline together with an outbox row, so search picks the text up. Failures are recorded;
 * transient ones (storage down) are retried up to `extractionMaxAttempts`, unreadable files fail
 * at once. Identical content already extracted is copied instead of parsed again.
 */
@Injectable()
export class ExtractionWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ExtractionWorker');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ObjectStore,
    private readonly settings: LibrarySettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Rows left 'running' by a crashed process go back to the queue (single-worker assumption per
    // row: a second instance only ever claims 'pending' rows).
    await this.dataSource.query(
      "UPDATE resource_files SET extraction_status = 'pending' WHERE extraction_status = 'running'",
    );
    if (this.settings.backgroundJobs) {
      this.timer = setInterval(() => this.kick(), this.settings.extractionPollMs);
      this.timer.unref();
      this.kick();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Process pending files now (called after an upload commits). Never throws. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error({ err }, 'extraction run failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Processes every pending file; resolves when the queue is empty (tests call this). */
  async drain(): Promise<number> {
    let done = 0;
    while (!this.stopped) {
      const claimed = await this.claim();
      if (!claimed) break;
      await this.process(claimed);
      done += 1;
    }
    return done;
  }

  private async claim(): Promise<Claimed | undefined> {
    const rows: unknown = await this.dataSource.query(
      `UPDATE resource_files SET extraction_status = 'running', extraction_attempts = extraction_attempts + 1
       WHERE id = (SELECT id FROM resource_files WHERE extraction_status = 'pending' AND purged_at IS NULL
                   ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id, resource_id, object_key, sha256, kind, extraction_attempts`,
    );
    // node-postgres returns [rows, count] for UPDATE ... RETURNING through TypeORM.
    const list = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as Claimed[]) : (rows as Claimed[]);
    return list[0];
  }

  private async process(c: Claimed): Promise<void> {
    try {
      const copied = await this.copyFromTwin(c);
      if (copied) return;
      const result = await extractText(await this.store.get(c.object_key), c.kind as FileKind, {
        maxChars: LIBRARY_LIMITS.extractedTextMaxChars,
        maxInputBytes: MAX_EXTRACT_INPUT_BYTES,
      });
      await this.save(c, {
        text: result.text.replace(NUL, ''),
        outline: (result.outline ?? []).map((s) => s.replace(NUL, '')),
        truncated: result.truncated,
      });
    } catch (err) {
      const retry =
        !(err instanceof TextExtractionError) && c.extraction_attempts < this.settings.extractionMaxAttempts;
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof TextExtractionError) && !(err instanceof StorageUnavailableError))
        this.logger.warn({ err, fileId: c.id }, 'text extraction failed');
      await this.dataSource
        .getRepository(ResourceFile)
        .update(
          { id: c.id },
          { extractionStatus: retry ? 'pending' : 'failed', extractionError: message.slice(0, 500) },
        );
    }
  }

  /** Identical content (same sha256) already extracted: reuse its text. */
  private async copyFromTwin(c: Claimed): Promise<boolean> {
    const twin = await this.dataSource
      .getRepository(ResourceFile)
      .createQueryBuilder('f')
      .addSelect('f.extractedText')
      .where("f.sha256 = :sha AND f.extraction_status = 'done' AND f.id <> :id", { sha: c.sha256, id: c.id })
      .getOne();
    if (!twin) return false;
    await this.save(c, {
      text: twin.extractedText ?? '',
      outline: twin.outline ?? [],
      truncated: twin.textTruncated,
    });
    return true;
  }

  private async save(
    c: Claimed,
    result: { text: string; outline: string[]; truncated: boolean },
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(ResourceFile).update(
        { id: c.id },
        {
          extractionStatus: 'done',
          extractionError: null,
          extractedText: result.text,
          outline: result.outline,
          textTruncated: result.truncated,
          extractedAt: new Date(),
        },
      );
      await enqueueResourceChange(m, c.resource_id);
    });
  }
}
