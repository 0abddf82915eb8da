import type { Principal } from '@tongke/auth';
import {
  renderSearchAnswer,
  SEARCH_FACETS,
  type RenderedSearchAnswer,
  type SearchEngine,
  type SearchFacetCounts,
  type SearchQuery,
  type SearchResult,
} from '@tongke/search';
import type { IndexChange, SearchIndexer } from './indexer/search-indexer.service.js';
import { SearchService } from './search.service.js';
import { SearchSettings } from './search.settings.js';

const teacher: Principal = {
  userId: 'u1',
  role: 'teacher',
  regionId: 'r1',
  schoolId: 's1',
  isMasterTeacher: false,
  displayName: '李老师',
};

const noFacets = Object.fromEntries(SEARCH_FACETS.map((f) => [f, {}])) as SearchFacetCounts;
const result = (total: number): SearchResult => ({
  hits: [],
  total,
  page: 1,
  pageSize: 20,
  facets: noFacets,
});

/** An engine whose answers the test releases by hand, counting the questions it was asked. */
function fakeEngine() {
  const asked: ((r: SearchResult) => void)[] = [];
  const engine = {
    searchAnswer: (query: SearchQuery) =>
      new Promise<RenderedSearchAnswer>((resolve) => {
        asked.push((r) => resolve(renderSearchAnswer(query, r, r.facets)));
      }),
  } as unknown as SearchEngine;
  return { engine, asked };
}

function service(engine: SearchEngine) {
  let listener: (c: IndexChange) => void = () => undefined;
  const indexer = {
    onIndexChange: (l: (c: IndexChange) => void) => {
      listener = l;
      return () => undefined;
    },
  } as unknown as SearchIndexer;
  const search = new SearchService(engine, indexer, new SearchSettings());
  return { search, changed: (c: IndexChange) => listener(c) };
}

const totalOf = async (answer: Promise<{ body: Buffer }>): Promise<number> =>
  (JSON.parse((await answer).body.toString('utf8')) as { total: number }).total;

describe('SearchService: one engine question for the same question asked at once', () => {
  it('shares an answer being computed with the same question asked meanwhile, then caches it', async () => {
    const { engine, asked } = fakeEngine();
    const { search } = service(engine);
    const first = search.search(teacher, { q: '勾股定理' });
    const second = search.search(teacher, { q: '勾股定理' });
    const other = search.search(teacher, { q: '方程' });
    await Promise.resolve();
    expect(asked).toHaveLength(2); // 勾股定理 once, 方程 once
    asked[0]?.(result(3));
    asked[1]?.(result(5));
    expect(await totalOf(first)).toBe(3);
    expect(await totalOf(second)).toBe(3);
    expect(await totalOf(other)).toBe(5);
    expect(await totalOf(search.search(teacher, { q: '勾股定理' }))).toBe(3); // from the cache
    expect(asked).toHaveLength(2);
  });

  it('does not hand out or keep an answer computed before the index changed', async () => {
    const { engine, asked } = fakeEngine();
    const { search, changed } = service(engine);
    const before = search.search(teacher, { q: '勾股定理' });
    await Promise.resolve();
    changed({ countersOnly: false });
    const after = search.search(teacher, { q: '勾股定理' });
    await Promise.resolve();
    expect(asked).toHaveLength(2);
    asked[0]?.(result(1));
    asked[1]?.(result(2));
    expect(await totalOf(before)).toBe(1);
    expect(await totalOf(after)).toBe(2);
    // The cache holds the answer computed after the change, not the one before it.
    expect(await totalOf(search.search(teacher, { q: '勾股定理' }))).toBe(2);
    expect(asked).toHaveLength(2);
  });

  it('keeps sharing across a change of counts alone', async () => {
    const { engine, asked } = fakeEngine();
    const { search, changed } = service(engine);
    const first = search.search(teacher, { q: '勾股定理' });
    changed({ countersOnly: true });
    const second = search.search(teacher, { q: '勾股定理' });
    await Promise.resolve();
    expect(asked).toHaveLength(1);
    asked[0]?.(result(4));
    expect(await totalOf(second)).toBe(4);
    expect(await totalOf(first)).toBe(4);
  });

  it('asks every time when the result cache is off', async () => {
    const { engine, asked } = fakeEngine();
    const settings = new SearchSettings();
    settings.resultCacheSize = 0;
    const indexer = { onIndexChange: () => () => undefined } as unknown as SearchIndexer;
    const search = new SearchService(engine, indexer, settings);
    const answers = [search.search(teacher, { q: '勾股定理' }), search.search(teacher, { q: '勾股定理' })];
    await Promise.resolve();
    expect(asked).toHaveLength(2);
    asked.forEach((release) => release(result(1)));
    await Promise.all(answers);
  });

  it('lets a failed question be asked again', async () => {
    const { engine, asked } = fakeEngine();
    const answered = engine.searchAnswer.bind(engine);
    let calls = 0;
    const flaky = {
      searchAnswer: (...args: Parameters<SearchEngine['searchAnswer']>) => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('engine down')) : answered(...args);
      },
    } as unknown as SearchEngine;
    const { search } = service(flaky);
    await expect(search.search(teacher, { q: '勾股定理' })).rejects.toThrow('engine down');
    const again = search.search(teacher, { q: '勾股定理' });
    await Promise.resolve();
    expect(asked).toHaveLength(1);
    asked[0]?.(result(7));
    expect(await totalOf(again)).toBe(7);
  });
});
