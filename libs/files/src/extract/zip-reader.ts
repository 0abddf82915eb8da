import { StringDecoder } from 'node:string_decoder';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { TextExtractionError } from '../errors.js';

export interface ZipLimits {
  /** Central-directory entries looked at (default 20 000). */
  maxEntries: number;
  /** Decompressed bytes read from any one entry (zip-bomb defence). */
  maxEntryBytes: number;
  /** Decompressed bytes read from the whole archive. */
  maxTotalBytes: number;
}

/**
 * Random-access zip reading via yauzl from a file on disk: reads the central directory, then
 * streams only the entries asked for, inflating at most `maxEntryBytes` of each (and
 * `maxTotalBytes` overall) no matter what sizes the archive declares.
 */
export class ZipReader {
  /** Set when a limit stopped reading (entries or bytes). */
  truncated = false;
  private totalBytes = 0;

  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: Map<string, Entry>,
    private readonly limits: ZipLimits,
  ) {}

  static async open(path: string, limits: ZipLimits): Promise<ZipReader> {
    let zip: ZipFile;
    try {
      zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
    } catch (err) {
      throw new TextExtractionError(
        `not a readable zip archive (${err instanceof Error ? err.message : String(err)})`,
        {
          cause: err,
        },
      );
    }
    const entries = new Map<string, Entry>();
    const reader = new ZipReader(zip, entries, limits);
    try {
      for await (const entry of zip.eachEntry()) {
        if (entries.size >= limits.maxEntries) {
          reader.truncated = true;
          break;
        }
        if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
      }
    } catch (err) {
      zip.close();
      throw new TextExtractionError(
        `corrupt zip central directory (${err instanceof Error ? err.message : String(err)})`,
        {
          cause: err,
        },
      );
    }
    return reader;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * Streams an entry as UTF-8 text to `onText` until it returns false, the entry ends or a
   * limit is reached. Returns false when the entry does not exist (or is encrypted).
   */
  async readText(name: string, onText: (chunk: string) => boolean): Promise<boolean> {
    const entry = this.entries.get(name);
    if (entry === undefined || entry.isEncrypted() || !entry.canDecodeFileData()) return false;
    const decoder = new StringDecoder('utf8');
    let entryBytes = 0;
    let stream;
    try {
      stream = await this.zip.openReadStreamPromise(entry);
    } catch (err) {
      throw new TextExtractionError(
        `cannot read ${name} (${err instanceof Error ? err.message : String(err)})`,
        {
          cause: err,
        },
      );
    }
    try {
      for await (const raw of stream) {
        let chunk = raw as Buffer;
        const room = Math.min(
          this.limits.maxEntryBytes - entryBytes,
          this.limits.maxTotalBytes - this.totalBytes,
        );
        let stop = false;
        if (chunk.length > room) {
          this.truncated = true;
          chunk = chunk.subarray(0, Math.max(room, 0));
          stop = true;
        }
        entryBytes += chunk.length;
        this.totalBytes += chunk.length;
        const keepGoing = onText(decoder.write(chunk));
        if (stop || !keepGoing) break; // leaving the loop destroys the inflate stream
      }
      const rest = decoder.end();
      if (rest !== '') onText(rest);
    } catch (err) {
      throw new TextExtractionError(
        `corrupt entry ${name} (${err instanceof Error ? err.message : String(err)})`,
        {
          cause: err,
        },
      );
    }
    return true;
  }

  close(): void {
    this.zip.close();
  }
}
