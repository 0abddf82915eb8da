import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SEARCH_FACETS,
  type ResourceSearchDocument,
  type SearchFacetCounts,
  type SearchFacetName,
  type SearchFilters,
  type SearchQuery,
  type SearchResult,
  type SearchSort,
  type SearchViewer,
} from '../search.types.js';
import { isVisibleTo } from '../visibility.js';
import { andCount, bitsOf, countOf, slotsOf } from './bitset.js';
import { EmbeddedSearchEngine } from './embedded-search-engine.js';
import { rng } from '../../bench/synthetic-corpus.js';

/**
 * The embedded engine answers from bitsets (visibility, filters, facet counts), presorted orders,
 * one-pass disjunctive facet counts and per-generation caches of compiled queries and highlights.
 * These tests check every answer against what the plain rules give, on random documents, viewers,
 * filters, sorts and pages, before and after writes:
 *
 * - `oracle` holds the same documents, all public and published, so its matches are exactly the
 *   text matches (with the same scores: text statistics do not depend on visibility);
 * - the expected answer is then those matches ∩ isVisibleTo() ∩ filters, ordered and counted in
 *   plain code, and disjunctive counts are checked against the port's default (a search per facet).
 */

const WORDS = [
  '方程',
  '函数',
  '勾股定理',
  '光合作用',
  '细胞',
  '浮力',
  '课件',
  '习题',
  '阅读',
  '作文',
  '实验',
  '复习',
  'unit',
  'dialogue',
  'reading',
];
/** Words of a few documents, and one of every document: a rare and a common word make the
 * evaluator merge the common word's long posting arrays against a few candidates. */
const RARE = ['荷塘月色', '赵爽弦图', '叶绿体'];
const COMMON = '教学';
const VALUES: Record<SearchFacetName, string[]> = {
  subject: ['math', 'chinese', 'english', 'biology'],
  stage: ['primary', 'junior', 'senior'],
  grade: ['七年级', '八年级', '九年级'],
  edition: ['pep', 'bnu', 'sjedu'],
  volume: ['first', 'second'],
  resourceType: ['courseware', 'lesson_plan', 'exercise'],
  license: ['cc-by-4.0', 'cc-by-sa-4.0'],
  schoolLocale: ['urban', 'town', 'rural'],
};
const STATUSES = ['draft', 'pending_review', 'published', 'published', 'published', 'withdrawn'] as const;
const VISIBILITIES = ['private', 'school', 'district', 'public'] as const;
const SORTS: SearchSort[] = ['relevance', 'newest', 'downloads', 'rating'];
const USERS = 6;
const SCHOOLS = 4;
const REGIONS = 2;

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const words = (r: () => number, n: number): string =>
  Array.from({ length: n }, () => pick(r, WORDS)).join(' ');

function randomDoc(r: () => number, n: number, version: number): ResourceSearchDocument {
  const school = Math.floor(r() * SCHOOLS);
  const facet = (f: SearchFacetName): string => pick(r, VALUES[f]);
  return {
    id: `doc-${n}`,
    title: `${words(r, 1 + Math.floor(r() * 3))}${r() < 0.03 ? ` ${pick(r, RARE)}` : ''}`,
    description: `${COMMON} ${words(r, Math.floor(r() * 6))}`,
    tags: r() < 0.5 ? [pick(r, WORDS)] : [],
    subject: facet('subject'),
    subjectName: '',
    stage: facet('stage'),
    stageName: '',
    grade: facet('grade'),
    edition: facet('edition'),
    editionName: '',
    volume: facet('volume'),
    volumeName: '',
    unit: '',
    lessonPeriod: null,
    resourceType: facet('resourceType'),
    resourceTypeName: '',
    license: facet('license'),
    authorId: `user-${Math.floor(r() * USERS)}`,
    authorName: '',
    schoolId: `school-${school}`,
    schoolName: '',
    schoolLocale: facet('schoolLocale') as ResourceSearchDocument['schoolLocale'],
    regionId: `region-${school % REGIONS}`,
    visibility: pick(r, VISIBILITIES),
    status: pick(r, STATUSES),
    extractedText: `${COMMON} ${r() < 0.5 ? words(r, 8) : ''}`,
    // Distinct, so every order is fully decided by the documents (not by internal slots).
    createdAt: 1_700_000_000_000 + n * 1_000 + version,
    downloads: Math.floor(r() * 5),
    ratingAvg: Math.floor(r() * 3),
    ratingCount: Math.floor(r() * 3),
  };
}

function randomViewer(r: () => number): SearchViewer {
  const school = Math.floor(r() * (SCHOOLS + 1));
  return {
    userId: `user-${Math.floor(r() * (USERS + 1))}`,
    schoolId: school === SCHOOLS ? null : `school-${school}`,
    regionId: school === SCHOOLS ? null : `region-${school % REGIONS}`,
    isPlatformAdmin: r() < 0.1,
  };
}

function randomFilters(r: () => number): SearchFilters {
  const filters: SearchFilters = {};
  for (const f of SEARCH_FACETS) {
    if (r() < 0.2) filters[f] = [pick(r, VALUES[f]), ...(r() < 0.4 ? [pick(r, VALUES[f])] : [])];
  }
  return filters;
}

const passes = (d: ResourceSearchDocument, filters: SearchFilters, except?: SearchFacetName): boolean =>
  SEARCH_FACETS.every((f) => f === except || filters[f] === undefined || filters[f].includes(d[f]));

function countFacets(docs: ResourceSearchDocument[]): SearchFacetCounts {
  const out = {} as SearchFacetCounts;
  for (const f of SEARCH_FACETS) {
    const counts: Record<string, number> = {};
    for (const d of docs) counts[d[f]] = (counts[d[f]] ?? 0) + 1;
    out[f] = counts;
  }
  return out;
}

/** Counts with keys in one order, so objects compare by content alone. */
const sorted = (counts: SearchFacetCounts): Record<string, [string, number][]> =>
  Object.fromEntries(
    SEARCH_FACETS.map((f) => [f, Object.entries(counts[f]).sort(([a], [b]) => a.localeCompare(b))]),
  );

function compare(sort: SearchSort, score: Map<string, number>) {
  const newest = (a: ResourceSearchDocument, b: ResourceSearchDocument): number => b.createdAt - a.createdAt;
  return (a: ResourceSearchDocument, b: ResourceSearchDocument): number => {
    switch (sort) {
      case 'relevance':
        return (score.get(b.id) ?? 0) - (score.get(a.id) ?? 0) || b.downloads - a.downloads || newest(a, b);
      case 'newest':
        return newest(a, b);
      case 'downloads':
        return b.downloads - a.downloads || newest(a, b);
      case 'rating':
        return b.ratingAvg - a.ratingAvg || b.ratingCount - a.ratingCount || newest(a, b);
    }
  };
}

describe('bitsets', () => {
  it('round-trips slot lists and counts intersections', () => {
    const r = rng(3);
    const slots = Int32Array.from(new Set(Array.from({ length: 500 }, () => Math.floor(r() * 3000)))).sort();
    const bits = bitsOf(slots, slots.length, 100);
    expect([...slotsOf(bits)]).toEqual([...slots]);
    expect(countOf(bits)).toBe(slots.length);
    const evens = Int32Array.from(slots.filter((s) => s % 2 === 0));
    expect(andCount(bits, bitsOf(evens, evens.length, 100))).toBe(evens.length);
    // The top bit of a word (slot 31, 63, …) survives the signed arithmetic.
    expect([...slotsOf(bitsOf(Int32Array.from([31, 63, 3199]), 3, 100))]).toEqual([31, 63, 3199]);
  });
});

describe('EmbeddedSearchEngine fast paths give what the plain rules give', () => {
  let dataDir: string;
  let engine: EmbeddedSearchEngine;
  let oracle: EmbeddedSearchEngine;
  const docs = new Map<string, ResourceSearchDocument>();
  const everyone: SearchViewer = { userId: 'nobody', schoolId: null, regionId: null, isPlatformAdmin: true };
  const open = (d: ResourceSearchDocument): ResourceSearchDocument => ({
    ...d,
    visibility: 'public',
    status: 'published',
  });

  async function write(changed: ResourceSearchDocument[], deleted: string[] = []): Promise<void> {
    for (const d of changed) docs.set(d.id, d);
    for (const id of deleted) docs.delete(id);
    await engine.upsert(changed);
    await oracle.upsert(changed.map(open));
    if (deleted.length > 0) {
      await engine.delete(deleted);
      await oracle.delete(deleted);
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tongke-search-bitsets-'));
    engine = new EmbeddedSearchEngine({ dataDir: join(dataDir, 'engine'), flushDelayMs: 3_600_000 });
    oracle = new EmbeddedSearchEngine({ dataDir: join(dataDir, 'oracle'), flushDelayMs: 3_600_000 });
    const r = rng(1);
    await write(Array.from({ length: 400 }, (_, n) => randomDoc(r, n, 0)));
  });

  afterAll(async () => {
    await engine.close();
    await oracle.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Text matches (id → score) from the oracle. */
  async function textMatches(q: string): Promise<Map<string, number>> {
    const all = new Map<string, number>();
    for (let page = 1; ; page += 1) {
      const r = await oracle.search({ q, sort: 'relevance', page, pageSize: 100 }, everyone);
      for (const h of r.hits) all.set(h.id, h.score ?? 0);
      if (r.hits.length < 100) break;
    }
    return all;
  }

  const compared = { answers: 0, walks: 0, disjunctive: 0, sums: 0, repeated: 0 };

  async function check(r: () => number, round: number): Promise<void> {
    const roll = r();
    const q =
      roll < 0.2
        ? ''
        : roll < 0.35
          ? `${pick(r, RARE)} ${r() < 0.5 ? COMMON : pick(r, WORDS)}`
          : words(r, 1 + Math.floor(r() * 2));
    const filters = randomFilters(r);
    const sort = pick(r, SORTS);
    const pageSize = 1 + Math.floor(r() * 25);
    const page = 1 + Math.floor(r() * 3);
    const query: SearchQuery = { q, filters, sort, page, pageSize };
    // The same question from several viewers in a row: the engine answers the later ones from
    // what it computed for everyone plus what only they see.
    const viewers = [randomViewer(r), randomViewer(r), randomViewer(r)];
    for (const [asked, viewer] of viewers.entries()) {
      if (!(await checkFor(query, viewer, round))) return;
      if (asked > 0) compared.repeated += 1;
    }
  }

  /** Compares one viewer's answer with the rules; false when no document has every word. */
  async function checkFor(query: SearchQuery, viewer: SearchViewer, round: number): Promise<boolean> {
    const { q = '', filters = {}, sort = 'relevance', page = 1, pageSize = 20 } = query;
    const label = JSON.stringify({ round, query, viewer });

    const text = q === '' ? new Map([...docs.keys()].map((id) => [id, 0])) : await textMatches(q);
    if (q !== '') {
      // Documents with every word are those each word finds alone; when there are none, engines
      // drop words (compared elsewhere), so only the plain case is compared here.
      const single = await Promise.all(q.split(' ').map((w) => textMatches(w)));
      const every = [...docs.keys()].filter((id) => single.every((m) => m.has(id)));
      if (every.length === 0) return false;
      expect({ label, text: [...text.keys()].sort() }).toEqual({ label, text: every.sort() });
      // Scores of different words add up (the same IDFs, one sum per word), whichever way each
      // word was evaluated (dense, or merged against the candidates).
      if (single.length === 2 && q.split(' ')[0] !== q.split(' ')[1]) {
        for (const [id, score] of text)
          expect({ label, id, score }).toEqual({
            label,
            id,
            score: (single[0]?.get(id) ?? 0) + (single[1]?.get(id) ?? 0),
          });
        compared.sums += 1;
      }
    }
    const visible = [...docs.values()].filter((d) => text.has(d.id) && isVisibleTo(d, viewer));
    const expected = visible.filter((d) => passes(d, filters));
    const result: SearchResult = await engine.search(query, viewer);
    if (expected.length === 0) {
      // Nothing visible has every word: the engine drops words, or answers nothing.
      if (q === '' || q.split(' ').length < 2)
        expect({ label, total: result.total }).toEqual({ label, total: 0 });
      return true;
    }
    compared.answers += 1;
    const effectiveSort = q === '' && sort === 'relevance' ? 'newest' : sort;
    if (effectiveSort !== 'relevance') compared.walks += 1;
    const ranked = [...expected].sort(compare(effectiveSort, text));
    const from = (page - 1) * pageSize;
    expect({ label, total: result.total }).toEqual({ label, total: expected.length });
    expect({ label, ids: result.hits.map((h) => h.id) }).toEqual({
      label,
      ids: ranked.slice(from, from + pageSize).map((d) => d.id),
    });
    expect({ label, facets: sorted(result.facets) }).toEqual({
      label,
      facets: sorted(countFacets(expected)),
    });
    if (effectiveSort === 'relevance') {
      for (const h of result.hits)
        expect({ label, id: h.id, score: h.score }).toEqual({ label, id: h.id, score: text.get(h.id) });
    }

    // Disjunctive counts: the engine's one pass against the port's default (a search per facet)…
    const fast = await engine.disjunctiveFacetCounts(query, viewer, result);
    const plain: SearchFacetCounts = { ...result.facets };
    for (const f of SEARCH_FACETS) {
      if (filters[f] === undefined) continue;
      const others: SearchFilters = { ...filters };
      delete others[f];
      plain[f] = (
        await engine.search({ q, filters: others, sort: 'newest', page: 1, pageSize: 1 }, viewer)
      ).facets[f];
    }
    expect({ label, fast: sorted(fast) }).toEqual({ label, fast: sorted(plain) });
    // …and against the rule, where no word had to be dropped.
    for (const f of SEARCH_FACETS) {
      if (filters[f] === undefined) continue;
      const others = visible.filter((d) => passes(d, filters, f));
      if (others.length === 0) continue;
      compared.disjunctive += 1;
      expect({ label, f, counts: sorted(fast)[f] }).toEqual({
        label,
        f,
        counts: sorted(countFacets(others))[f],
      });
    }
    return true;
  }

  it('matches the rules on random queries, then again after updates and deletions', async () => {
    const r = rng(2);
    const update = async (share: number, version: number, added: number): Promise<void> => {
      const ids = [...docs.keys()];
      const changed = ids.filter(() => r() < share).map((id) => randomDoc(r, Number(id.slice(4)), version));
      const deleted = ids.filter(() => r() < share / 4).filter((id) => !changed.some((d) => d.id === id));
      await write(changed, deleted);
      await write(Array.from({ length: added }, (_, i) => randomDoc(r, 1_000 * version + i, 0)));
    };
    for (let round = 0; round < 100; round += 1) await check(r, round);
    // Writes drop prepared state (compiled queries, highlights) and move their slots in the
    // presorted orders (a few writes) or drop those too (many): answers follow at once.
    await update(0.03, 1, 5);
    for (let round = 100; round < 200; round += 1) await check(r, round);
    await update(0.4, 2, 30);
    for (let round = 200; round < 300; round += 1) await check(r, round);
    // Most rounds were compared in full (the rest had no document with every word).
    expect(compared.answers).toBeGreaterThan(150);
    expect(compared.walks).toBeGreaterThan(50);
    expect(compared.disjunctive).toBeGreaterThan(50);
    expect(compared.sums).toBeGreaterThan(50);
    expect(compared.repeated).toBeGreaterThan(300);
  });

  it('highlights the same terms as the oracle, before and after the document changes', async () => {
    const doc = docs.get('doc-7') as ResourceSearchDocument;
    const word = doc.title.split(' ')[0] ?? '';
    const admin: SearchViewer = { ...everyone, userId: doc.authorId };
    const highlight = async (e: EmbeddedSearchEngine) =>
      (await e.search({ q: word, pageSize: 100 }, admin)).hits.find((h) => h.id === doc.id)?.highlights;
    expect(await highlight(engine)).toEqual(await highlight(oracle));
    expect((await highlight(engine))?.title).toContain('<mark>');
    await write([{ ...doc, title: `${word} 新标题` }]);
    expect((await highlight(engine))?.title).toContain('新标题');
    expect(await highlight(engine)).toEqual(await highlight(oracle));
  });
});
