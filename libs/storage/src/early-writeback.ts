/** After this many bytes written, their writeback to disk is started (see EarlyWriteback). */
export const WRITEBACK_BYTES = 8 * 1024 * 1024;

/**
 * Starts the writeback of a file's bytes while more are still being written: a sync (fdatasync) in
 * the background after every WRITEBACK_BYTES, one at a time, never waited for while bytes arrive.
 * The disk then writes a large file as it comes, and the final fsync (which still covers every
 * byte) finds little left, instead of writing all of it at the end (~30 ms per 100 MB here,
 * seconds for 1 GB). A failed background sync is reported at the next `wrote()` or at
 * `settled()`: it consumes the writeback error, which a later descriptor of the file would not
 * see, so the write must fail. Close the file only after `settled()`.
 */
export class EarlyWriteback {
  private unsynced = 0;
  private syncing: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly sync: () => Promise<void>,
    private readonly every = WRITEBACK_BYTES,
  ) {}

  /** The error of an earlier background sync, if one failed. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Counts bytes just written and starts a sync once enough are unsynced; throws an earlier sync's error. */
  wrote(bytes: number): void {
    if (this.failure) throw this.failure;
    this.unsynced += bytes;
    if (this.unsynced < this.every || this.syncing) return;
    this.unsynced = 0;
    this.syncing = this.sync().then(
      () => {
        this.syncing = undefined;
      },
      (err: unknown) => {
        this.failure ??= err instanceof Error ? err : new Error(String(err));
        this.syncing = undefined;
      },
    );
  }

  /** Waits for the sync under way; throws if any background sync failed. */
  async settled(): Promise<void> {
    await this.syncing;
    if (this.failure) throw this.failure;
  }
}
