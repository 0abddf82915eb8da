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

export interface LoadedSnapshot {
  indexJson: string;
  records: AsyncIterable<StoredRecord>;
  documents: number;
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

/**
 * Generational snapshot files under `<dataDir>/search/`: `index.N.json` (MiniSearch), `docs.N.ndjson`
 * (stored documents) and `manifest.json` naming the live generation. Each file is written to a
 * temporary name, fsynced and renamed, and the manifest is switched last, so a crash at any point
 * leaves the previous complete snapshot in place.
 */
export class SnapshotStore {
  constructor(
    private readonly dir: string,
    private readonly analyzer: string,
  ) {}

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
    return { indexJson, records: records(), documents: manifest.documents };
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
    await writeDurably(join(this.dir, MANIFEST), async (append) => append(JSON.stringify(manifest)));
    await syncDir(this.dir);
    // Older generations (and temp files of an interrupted save) are garbage now.
    for (const name of await readdir(this.dir)) {
      if (name === MANIFEST || name === index || name === docs) continue;
      if (/^(index|docs)\.\d+\.(json|ndjson)(\.tmp)?$/.test(name) || name === `${MANIFEST}.tmp`) {
        await rm(join(this.dir, name), { force: true });
      }
    }
  }
}
