import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SearchSnapshotCorruptError } from '../search.errors.js';
import type { ResourceSearchDocument, SearchViewer } from '../search.types.js';
import { ALL_CONTRACT_DOCS, VIEWERS } from '../testing/contract-fixtures.js';
import { isVisibleTo } from '../visibility.js';
import { describeSearchEngineContract, localEngineFactory } from '../testing/search-engine.contract.js';
import { EmbeddedSearchEngine } from './embedded-search-engine.js';

describeSearchEngineContract(
  'embedded (MiniSearch + jieba)',
  localEngineFactory(
    'tongke-search-contract-',
    (dataDir) => new EmbeddedSearchEngine({ dataDir, flushDelayMs: 50 }),
  ),
  { persistsLocally: true },
);

describe('EmbeddedSearchEngine persistence', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tongke-search-persist-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes a snapshot shortly after a write, without waiting for close', async () => {
    const engine = new EmbeddedSearchEngine({ dataDir, flushDelayMs: 20 });
    await engine.upsert(ALL_CONTRACT_DOCS.slice(0, 3));
    const deadline = Date.now() + 5_000;
    let files: string[] = [];
    while (Date.now() < deadline) {
      files = await readdir(join(dataDir, 'search')).catch(() => []);
      if (files.includes('manifest.json')) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'index.1.json', 'docs.1.ndjson']));
    // A second engine on the same directory (a restart after a crash) sees the flushed state.
    const restarted = new EmbeddedSearchEngine({ dataDir });
    expect(await restarted.count()).toBe(3);
    await restarted.close();
    await engine.close();
  });

  it('logs a change after a snapshot instead of writing the whole index again, and replays it on restart', async () => {
    const [first, second, third] = ALL_CONTRACT_DOCS;
    const engine = new EmbeddedSearchEngine({ dataDir, flushDelayMs: 60_000 });
    await engine.upsert([first, second].filter((d) => d !== undefined));
    await engine.flush();
    await engine.delete([first?.id ?? '']);
    await engine.upsert([{ ...third, title: '日志里的 二元一次方程组 复习' }]);
    await engine.flush();
    await engine.close();
    // Still generation 1: the two changes are lines of its log.
    const files = (await readdir(join(dataDir, 'search'))).sort();
    expect(files).toEqual(['docs.1.ndjson', 'index.1.json', 'log.1.ndjson', 'manifest.json']);
    const lines = (await readFile(join(dataDir, 'search', 'log.1.ndjson'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { op: string }).op)).toEqual(['delete', 'upsert']);

    const reopened = new EmbeddedSearchEngine({ dataDir });
    expect(await reopened.count()).toBe(2);
    const r = await reopened.search({ q: '二元一次方程组' }, VIEWERS.outsiderC);
    expect(r.hits.map((h) => h.id).sort()).toEqual([second?.id, third?.id].sort());
    expect(r.hits.find((h) => h.id === third?.id)?.doc.title).toBe('日志里的 二元一次方程组 复习');
    await reopened.close();
  });

  it('folds a long log into a new snapshot and keeps only the newest generation', async () => {
    const docs = ALL_CONTRACT_DOCS.slice(0, 4);
    const engine = new EmbeddedSearchEngine({ dataDir, flushDelayMs: 60_000, compactAfterChanges: 2 });
    await engine.upsert(docs.slice(0, 1));
    await engine.flush(); // generation 1
    await engine.upsert(docs.slice(1, 3));
    await engine.flush(); // 2 changes: logged
    expect((await readdir(join(dataDir, 'search'))).sort()).toContain('log.1.ndjson');
    await engine.upsert(docs.slice(3, 4));
    await engine.flush(); // a 3rd change: a whole snapshot instead
    await engine.close();
    const files = (await readdir(join(dataDir, 'search'))).sort();
    expect(files).toEqual(['docs.2.ndjson', 'index.2.json', 'manifest.json']);
    const reopened = new EmbeddedSearchEngine({ dataDir });
    expect(await reopened.count()).toBe(4);
    await reopened.close();
  });

  it('drops a log line torn by a crash, and appends after the last whole line', async () => {
    const [first, second, third] = ALL_CONTRACT_DOCS;
    const engine = new EmbeddedSearchEngine({ dataDir, flushDelayMs: 60_000 });
    await engine.upsert([first]);
    await engine.flush();
    await engine.upsert([second]);
    await engine.flush();
    await engine.close();
    // A crash in the middle of the next append: half a line, no newline.
    const log = join(dataDir, 'search', 'log.1.ndjson');
    await appendFile(log, '{"op":"upsert","doc":{"id":"torn');

    const restarted = new EmbeddedSearchEngine({ dataDir, flushDelayMs: 60_000 });
    expect(await restarted.count()).toBe(2);
    await restarted.upsert([third]);
    await restarted.flush();
    await restarted.close();
    const text = await readFile(log, 'utf8');
    expect(text).not.toContain('torn');
    expect(text.endsWith('\n')).toBe(true);
    const again = new EmbeddedSearchEngine({ dataDir });
    expect(await again.count()).toBe(3);
    await again.close();
  });

  it('refuses to start from a log with a garbled line inside it, rather than lose what follows', async () => {
    const engine = new EmbeddedSearchEngine({ dataDir, flushDelayMs: 60_000 });
    await engine.upsert(ALL_CONTRACT_DOCS.slice(0, 1));
    await engine.flush();
    await engine.upsert(ALL_CONTRACT_DOCS.slice(1, 2));
    await engine.flush();
    await engine.close();
    const log = join(dataDir, 'search', 'log.1.ndjson');
    await writeFile(log, `garbage\n${await readFile(log, 'utf8')}`);
    const broken = new EmbeddedSearchEngine({ dataDir });
    await expect(broken.init()).rejects.toBeInstanceOf(SearchSnapshotCorruptError);
  });

  it('refuses use after close', async () => {
    const engine = new EmbeddedSearchEngine({ dataDir });
    await engine.init();
    await engine.close();
    await expect(engine.search({ q: '方程' }, VIEWERS.outsiderC)).rejects.toThrow('closed');
    expect((await engine.health()).status).toBe('down');
  });
});

describe('EmbeddedSearchEngine specifics', () => {
  let dataDir: string;
  let engine: EmbeddedSearchEngine;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tongke-search-specific-'));
    engine = new EmbeddedSearchEngine({ dataDir });
    await engine.upsert(ALL_CONTRACT_DOCS);
  });
  afterAll(async () => {
    await engine.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('requires a quoted phrase to occur as written', async () => {
    const loose = await engine.search({ q: '勾股定理 应用' }, VIEWERS.outsiderC);
    expect(loose.hits.map((h) => h.doc.title)).toEqual(
      expect.arrayContaining(['八年级数学 2.4 勾股定理的应用 习题', '八年級數學 勾股定理 說課稿']),
    );
    const exact = await engine.search({ q: '"勾股定理的应用"' }, VIEWERS.outsiderC);
    expect(exact.hits.map((h) => h.doc.title)).toEqual(['八年级数学 2.4 勾股定理的应用 习题']);
  });

  it('applies exactly the isVisibleTo() rule, also for viewers without school or region', async () => {
    const viewers: SearchViewer[] = [
      ...Object.values(VIEWERS),
      { userId: 'no-school-teacher', schoolId: null, regionId: null, isPlatformAdmin: false },
      { userId: VIEWERS.authorA1.userId, schoolId: null, regionId: null, isPlatformAdmin: false },
    ];
    for (const viewer of viewers) {
      const listed = await engine.search({ q: '', pageSize: 100 }, viewer);
      const expected = ALL_CONTRACT_DOCS.filter((d) => isVisibleTo(d, viewer)).map((d) => d.id);
      expect(new Set(listed.hits.map((h) => h.id))).toEqual(new Set(expected));
    }
  });

  it('falls back to the rarer words when no resource has every word', async () => {
    const r = await engine.search({ q: '勾股定理 火星探测' }, VIEWERS.outsiderC);
    expect(r.total).toBeGreaterThan(0);
    expect(r.hits.every((h) => h.doc.title.includes('勾股') || h.doc.description.includes('勾股'))).toBe(
      true,
    );
  });

  it('answers each viewer by what they see, also when the same question comes from many', async () => {
    const owner = VIEWERS.outsiderC;
    const template = ALL_CONTRACT_DOCS[0];
    const doc = (over: Partial<ResourceSearchDocument>): ResourceSearchDocument => ({
      ...template,
      subject: 'physics',
      authorId: owner.userId,
      schoolId: owner.schoolId ?? '',
      regionId: owner.regionId ?? '',
      ...over,
    });
    // A draft only its author sees has every word of the question; a public resource has one.
    await engine.upsert([
      doc({ id: 'draft-mars', title: '勾股定理 火星探测 草稿', status: 'draft', visibility: 'private' }),
      doc({
        id: 'public-mars',
        title: '火星探测 科普',
        description: '火星',
        status: 'published',
        visibility: 'public',
      }),
    ]);
    try {
      const question = { q: '勾股定理 火星探测' };
      for (let round = 0; round < 2; round += 1) {
        // No word is dropped for the author…
        const mine = await engine.search(question, owner);
        expect(mine.hits.map((h) => h.id)).toEqual(['draft-mars']);
        expect(mine.total).toBe(1);
        // …while anyone else asking the same right after gets the question without its
        // commoner word (勾股定理), and never the draft.
        const theirs = await engine.search(question, VIEWERS.authorA1);
        expect(theirs.hits.map((h) => h.id)).toEqual(['public-mars']);
        expect(theirs.facets.subject).toEqual({ physics: 1 });
      }
      const filtered = { q: '勾股定理 火星探测', filters: { subject: ['physics'] } };
      const mine = await engine.searchWithFacets(filtered, owner);
      expect(mine.result.hits.map((h) => h.id)).toEqual(['draft-mars']);
      expect(mine.facets.subject).toEqual({ physics: 1 });
      const theirs = await engine.searchWithFacets(filtered, VIEWERS.authorA1);
      expect(theirs.result.hits.map((h) => h.id)).toEqual(['public-mars']);
      expect(theirs.facets.subject).toEqual({ physics: 1 });
    } finally {
      await engine.delete(['draft-mars', 'public-mars']);
    }
  });
});
