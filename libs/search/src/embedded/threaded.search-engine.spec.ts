import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SearchUnavailableError } from '../search.errors.js';
import type { SearchQuery } from '../search.types.js';
import { ALL_CONTRACT_DOCS, VIEWERS } from '../testing/contract-fixtures.js';
import { describeSearchEngineContract, localEngineFactory } from '../testing/search-engine.contract.js';
import { EmbeddedSearchEngine } from './embedded-search-engine.js';
import { AnswerSlab } from './thread/answer-slab.js';
import { ThreadedSearchEngine } from './threaded-search-engine.js';

describeSearchEngineContract(
  'embedded on its own thread',
  localEngineFactory(
    'tongke-search-thread-contract-',
    (dataDir) => new ThreadedSearchEngine({ dataDir, flushDelayMs: 50 }),
  ),
  { persistsLocally: true },
);

/** The thread's worker, to stop it as a crash would. */
function threadOf(engine: ThreadedSearchEngine): { terminate(): Promise<number> } {
  return (engine as unknown as { worker: { terminate(): Promise<number> } }).worker;
}

describe('ThreadedSearchEngine', () => {
  let dataDir: string;
  let engine: ThreadedSearchEngine;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tongke-search-thread-'));
    engine = new ThreadedSearchEngine({ dataDir, flushDelayMs: 60_000 });
  });
  afterEach(async () => {
    await engine.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers exactly as the in-process engine does, disjunctive facet counts included', async () => {
    const inProcess = new EmbeddedSearchEngine({ dataDir: join(dataDir, 'in-process') });
    await inProcess.upsert(ALL_CONTRACT_DOCS);
    await engine.upsert(ALL_CONTRACT_DOCS);
    const queries: SearchQuery[] = [
      { q: '方程', filters: {}, sort: 'relevance', page: 1, pageSize: 5 },
      { q: '', filters: { subject: ['math'] }, sort: 'newest', page: 1, pageSize: 10 },
      {
        q: '数学',
        filters: { stage: ['junior'], subject: ['math'] },
        sort: 'relevance',
        page: 1,
        pageSize: 10,
      },
    ];
    for (const viewer of Object.values(VIEWERS))
      for (const query of queries) {
        const [a, b] = [await engine.search(query, viewer), await inProcess.search(query, viewer)];
        expect(a).toEqual(b);
        expect(await engine.searchWithFacets(query, viewer)).toEqual(
          await inProcess.searchWithFacets(query, viewer),
        );
        // A result from elsewhere (e.g. rebuilt from a cache) is counted by searching again.
        expect(await engine.disjunctiveFacetCounts(query, viewer, a)).toEqual(
          await inProcess.disjunctiveFacetCounts(query, viewer, b),
        );
        // The page rendered on the thread is the in-process page, byte for byte, with its ETag.
        for (const disjunctiveFacets of [true, false]) {
          const [threaded, local] = [
            await engine.searchAnswer(query, viewer, { disjunctiveFacets }),
            await inProcess.searchAnswer(query, viewer, { disjunctiveFacets }),
          ];
          expect(Buffer.from(threaded.body).toString('utf8')).toBe(Buffer.from(local.body).toString('utf8'));
          expect(threaded.etag).toBe(local.etag);
          const page = JSON.parse(Buffer.from(threaded.body).toString('utf8')) as {
            total: number;
            q: string;
          };
          expect(page).toMatchObject({ q: query.q, total: a.total });
          // The thread's page lies in the memory it shares with this thread until released.
          expect(threaded.release).toBeDefined();
          expect(engine.answersInFlight()).toBe(1);
          threaded.release?.();
          threaded.release?.(); // once is enough; again does nothing
          expect(engine.answersInFlight()).toBe(0);
        }
      }
    await inProcess.close();
  });

  it('keeps answering in buffers of their own while every shared slot is held', async () => {
    await engine.upsert(ALL_CONTRACT_DOCS);
    const viewer = Object.values(VIEWERS)[0];
    const query: SearchQuery = { q: '方程', filters: {}, sort: 'relevance', page: 1, pageSize: 5 };
    const held = await Promise.all(
      Array.from({ length: AnswerSlab.SLOTS }, () =>
        engine.searchAnswer(query, viewer, { disjunctiveFacets: true }),
      ),
    );
    expect(engine.answersInFlight()).toBe(AnswerSlab.SLOTS);
    const extra = await engine.searchAnswer(query, viewer, { disjunctiveFacets: true });
    expect(extra.release).toBeUndefined();
    expect(Buffer.from(extra.body).toString('utf8')).toBe(Buffer.from(held[0].body).toString('utf8'));
    expect(extra.etag).toBe(held[0].etag);
    for (const answer of held) answer.release?.();
    expect(engine.answersInFlight()).toBe(0);
    // Slots given back are used again.
    const again = await engine.searchAnswer(query, viewer, { disjunctiveFacets: true });
    expect(again.release).toBeDefined();
    again.release?.();
  });

  it('fails calls in flight as unavailable when the thread dies, then starts again from the snapshot', async () => {
    await engine.upsert(ALL_CONTRACT_DOCS.slice(0, 4));
    await engine.flush();
    await engine.upsert(ALL_CONTRACT_DOCS.slice(4, 6)); // applied, not yet in a snapshot
    const viewer = Object.values(VIEWERS)[0];
    const inFlight = engine.count();
    await threadOf(engine).terminate();
    await expect(inFlight).rejects.toBeInstanceOf(SearchUnavailableError);
    // The next call starts a new thread, which loads the last snapshot: what the indexer has
    // not seen flushed it sends again (it marks outbox rows done only after a flush).
    expect(await engine.count()).toBe(4);
    expect(engine.loadedFromSnapshot).toBe(true);
    const r = await engine.search({ q: '', filters: {}, sort: 'newest', page: 1, pageSize: 20 }, viewer);
    expect(r.total).toBeGreaterThan(0);
  });

  it('refuses calls after close and keeps the index for the next start', async () => {
    await engine.upsert(ALL_CONTRACT_DOCS.slice(0, 3));
    await engine.close();
    await expect(engine.count()).rejects.toBeInstanceOf(SearchUnavailableError);
    engine = new ThreadedSearchEngine({ dataDir });
    expect(await engine.count()).toBe(3);
    expect((await engine.health()).status).toBe('up');
  });

  it('reports the heap of the thread that holds the index', async () => {
    await engine.upsert(ALL_CONTRACT_DOCS);
    const { heapUsedBytes } = await engine.memory();
    expect(heapUsedBytes).toBeGreaterThan(1024 * 1024);
  });
});
