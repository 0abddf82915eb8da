import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ResourceSearchDocument } from '../search.types.js';
import { SearchSnapshotCorruptError } from '../search.errors.js';

/** One stored document: its slot (the id inside the text index) and its did-you-mean terms. */
export interface StoredRecord {
  slot: number;
  doc: ResourceSearchDocument;
  latin: string[];
}

interface Manifest {
  format: 1;
  /** Snapshots made by another analyzer (tokenizer, dictionary, fields) are not loaded. */
  analyzer: string;
  generation: number;
  index: string;
  docs: string;
  documents: number;
  savedAt: number;
}

/** One change written to the log after the snapshot it follows. */
export type LoggedChange = { op: 'upsert'; doc: ResourceSearchDocument } | { op: 'delete'; ids: string[] };

export interface LoadedSnapshot {
  indexJson: string;
  records: AsyncIterable<StoredRecord>;
  documents: number;
  /** The changes logged since the snapshot, in order (read after `records`). */
  changes: () => Promise<LoggedChange[]>;
}

const MANIFEST = 'manifest.json';

async function writeDurably(
  path: string,
  write: (append: (chunk: string) => Promise<void>) => Promise<void>,
): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    let buffer = '';
    const append = async (chunk: string): Promise<void> => {
      buffer += chunk;
      if (buffer.length >= 1 << 20) {
        await handle.write(buffer);
        buffer = '';
      }
    };
    await write(append);
    if (buffer.length > 0) await handle.write(buffer);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const logName = (generation: number): string => `log.${generation}.ndjson`;

/**
 * Generational snapshot files under `<dataDir>/search/`: `index.N.json` (MiniSearch), `docs.N.ndjson`
 * (stored documents) and `manifest.json` naming the live generation. Each file is written to a
 * temporary name, fsynced and renamed, and the manifest is switched last, so a crash at any point
 * leaves the previous complete snapshot in place.
 *
 * Between snapshots, changes are appended to `log.N.ndjson` (one JSON line per change, fdatasync'ed
 * before `appendChanges` returns): persisting one change then costs a line, not the whole index
 * (a snapshot of 100k resources takes seconds). A line torn by a crash is cut off when the log is
 * next read, before anything is appended after it. A new snapshot starts the next generation, whose
 * log is empty; the old one is deleted with the old snapshot.
 */
export class SnapshotStore {
  /** Generation of the live snapshot, and how much of its log is known to be whole. */
  private live: { generation: number; logBytes: number } | null = null;

  constructor(
    private readonly dir: string,
    private readonly analyzer: string,
  ) {}

  /** Bytes in the live generation's log (what a reload would replay). */
  get logBytes(): number {
    return this.live?.logBytes ?? 0;
  }

  /** Whether there is a snapshot to append changes to (else the next save must be whole). */
  get hasSnapshot(): boolean {
    return this.live !== null;
  }

  private async manifest(): Promise<Manifest | null> {
    let text: string;
    try {
      text = await readFile(join(this.dir, MANIFEST), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(text) as Manifest;
    } catch (cause) {
      throw new SearchSnapshotCorruptError(`unreadable ${join(this.dir, MANIFEST)}`, { cause });
    }
  }

  /** The live snapshot, or null when there is none or it was made by another analyzer version. */
  async load(): Promise<LoadedSnapshot | null> {
    const manifest = await this.manifest();
    if (manifest === null || manifest.format !== 1 || manifest.analyzer !== this.analyzer) return null;
    let indexJson: string;
    try {
      indexJson = await readFile(join(this.dir, manifest.index), 'utf8');
    } catch (cause) {
      throw new SearchSnapshotCorruptError(`missing ${manifest.index} named by the manifest`, { cause });
    }
    const docsPath = join(this.dir, manifest.docs);
    async function* records(): AsyncIterable<StoredRecord> {
      const lines = createInterface({ input: createReadStream(docsPath, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.length === 0) continue;
        try {
          yield JSON.parse(line) as StoredRecord;
        } catch (cause) {
          throw new SearchSnapshotCorruptError(`unreadable line in ${docsPath}`, { cause });
        }
      }
    }
    const logPath = join(this.dir, logName(manifest.generation));
    const changes = async (): Promise<LoggedChange[]> => {
      let bytes: Buffer;
      try {
        bytes = await readFile(logPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        bytes = Buffer.alloc(0);
      }
      // Only whole lines count: a crash during an append leaves a torn last line, which the next
      // append overwrites (its batch was never reported written, so the outbox still has it).
      const whole = bytes.lastIndexOf(0x0a) + 1;
      this.live = { generation: manifest.generation, logBytes: whole };
      const out: LoggedChange[] = [];
      for (const line of bytes.subarray(0, whole).toString('utf8').split('\n')) {
        if (line.length === 0) continue;
        try {
          out.push(JSON.parse(line) as LoggedChange);
        } catch (cause) {
          throw new SearchSnapshotCorruptError(`unreadable line in ${logPath}`, { cause });
        }
      }
      return out;
    };
    return { indexJson, records: records(), documents: manifest.documents, changes };
  }

  /**
   * Appends changes to the live generation's log and syncs it. Only after load() or save() (there
   * must be a snapshot to follow); anything after the last whole line is overwritten.
   */
  async appendChanges(changes: readonly LoggedChange[]): Promise<void> {
    const live = this.live;
    if (live === null) throw new Error('no snapshot to log changes after: save one first');
    const bytes = Buffer.from(changes.map((c) => JSON.stringify(c) + '\n').join(''), 'utf8');
    const handle = await open(join(this.dir, logName(live.generation)), 'a');
    try {
      // Cut a torn tail (a crash or a failed write): the lines appended next start on their own.
      await handle.truncate(live.logBytes);
      await handle.write(bytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    // The log's first lines may have created the file: its directory entry must be durable too,
    // or a crash could lose the whole log after the outbox was told the changes are written.
    if (live.logBytes === 0) await syncDir(this.dir);
    live.logBytes += bytes.length;
  }

  async save(
    indexJson: AsyncIterable<string>,
    records: Iterable<StoredRecord>,
    documents: number,
  ): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const previous = await this.manifest().catch(() => null);
    const generation = (previous?.generation ?? 0) + 1;
    const index = `index.${generation}.json`;
    const docs = `docs.${generation}.ndjson`;
    await writeDurably(join(this.dir, index), async (append) => {
      for await (const chunk of indexJson) await append(chunk);
    });
    await writeDurably(join(this.dir, docs), async (append) => {
      for (const record of records) await append(JSON.stringify(record) + '\n');
    });
    const manifest: Manifest = {
      format: 1,
      analyzer: this.analyzer,
      generation,
      index,
      docs,
      documents,
      savedAt: Date.now(),
    };
    // A log of this generation's number can only be a leftover (of a directory reset by hand).
    await rm(join(this.dir, logName(generation)), { force: true });
    await writeDurably(join(this.dir, MANIFEST), async (append) => append(JSON.stringify(manifest)));
    await syncDir(this.dir);
    this.live = { generation, logBytes: 0 };
    // Older generations, their logs (and temp files of an interrupted save) are garbage now.
    for (const name of await readdir(this.dir)) {
      if (name === MANIFEST || name === index || name === docs) continue;
      if (/^(index|docs|log)\.\d+\.(json|ndjson)(\.tmp)?$/.test(name) || name === `${MANIFEST}.tmp`) {
        await rm(join(this.dir, name), { force: true });
      }
    }
  }
}
