import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SearchEngine } from '../search-engine.js';
import {
  SEARCH_FACETS,
  type ResourceSearchDocument,
  type SearchQuery,
  type SearchResult,
  type SearchViewer,
} from '../search.types.js';
import { isVisibleTo } from '../visibility.js';
import { ALL_CONTRACT_DOCS, contractResource, docId, VIEWERS } from './contract-fixtures.js';

export interface SearchEngineHarness {
  engine: SearchEngine;
  /** Closes the engine and opens a fresh one on the same storage (engines that persist locally). */
  reopen?: () => Promise<SearchEngine>;
  /** Releases everything the harness created (temp dirs, indexes). */
  dispose: () => Promise<void>;
}

export type SearchEngineFactory = () => Promise<SearchEngineHarness>;

/**
 * A factory for an engine that keeps its index in a fresh temporary data dir; `reopen` closes it
 * and opens another on the same dir, which must load the snapshot rather than start empty.
 */
export function localEngineFactory(
  tempPrefix: string,
  open: (dataDir: string) => SearchEngine & { readonly loadedFromSnapshot: boolean },
): SearchEngineFactory {
  return async () => {
    const dataDir = await mkdtemp(join(tmpdir(), tempPrefix));
    let engine = open(dataDir);
    return {
      engine,
      reopen: async () => {
        await engine.close();
        engine = open(dataDir);
        await engine.init();
        expect(engine.loadedFromSnapshot).toBe(true);
        return engine;
      },
      dispose: async () => {
        await engine.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  };
}

export interface ContractOptions {
  /** The engine keeps its index in local files: check close/reopen (the harness must offer reopen). */
  persistsLocally?: boolean;
}

const ids = (r: SearchResult): string[] => r.hits.map((h) => h.id);
/** Adjacent marks merged: engines may mark 一元一次方程 as one span or as 一元 + 一次方程. */
const marks = (html: string | undefined): string => (html ?? '').replace(/<\/mark><mark>/g, '');

/**
 * The behaviour every SearchEngine adapter must show, run against a real engine instance.
 * Each case is something a teacher would notice if it broke.
 */
export function describeSearchEngineContract(
  name: string,
  factory: SearchEngineFactory,
  options: ContractOptions = {},
): void {
  describe(`SearchEngine contract: ${name}`, () => {
    let harness: SearchEngineHarness;
    let engine: SearchEngine;
    const search = (
      q: string,
      viewer: SearchViewer = VIEWERS.outsiderC,
      extra: Partial<SearchQuery> = {},
    ): Promise<SearchResult> => engine.search({ q, pageSize: 50, ...extra }, viewer);

    beforeAll(async () => {
      harness = await factory();
      engine = harness.engine;
      await engine.init();
      await engine.init(); // idempotent
      await engine.upsert(ALL_CONTRACT_DOCS);
    });

    afterAll(async () => {
      await harness.dispose();
    });

    it('reports itself up and counts every document regardless of visibility', async () => {
      const health = await engine.health();
      expect(health.status).toBe('up');
      expect(health.kind).toBe(engine.kind);
      expect(await engine.count()).toBe(ALL_CONTRACT_DOCS.length);
    });

    describe('Chinese text', () => {
      it('finds 方程 inside 一元一次方程 and 方程组', async () => {
        const r = await search('方程');
        expect(new Set(ids(r))).toEqual(new Set([docId(1), docId(2), docId(11)]));
      });

      it('folds traditional to simplified both ways (數學 finds 数学; 勾股定理 说课稿 finds 說課稿)', async () => {
        const r = await search('數學 一元一次方程');
        expect(ids(r)).toContain(docId(1));
        const back = await search('勾股定理 说课稿');
        expect(ids(back)[0]).toBe(docId(3));
      });

      it('folds full width and case (ＵＮＩＴ３ = Unit 3; unit 5 finds ＵＮＩＴ ５)', async () => {
        expect(ids(await search('ＵＮＩＴ３'))[0]).toBe(docId(6));
        expect(ids(await search('unit 5'))[0]).toBe(docId(7));
      });

      it('matches full pinyin and pinyin initials', async () => {
        expect(ids(await search('yiyuanyici'))[0]).toBe(docId(1));
        expect(ids(await search('yyyc'))).toContain(docId(1));
        expect(ids(await search('gougudingli'))).toEqual(
          expect.arrayContaining([docId(3), docId(4), docId(5)]),
        );
      });

      it('handles mixed Chinese, Latin and numbers, keeping 3.1 whole', async () => {
        expect(ids(await search('Unit 3 英语'))[0]).toBe(docId(6));
        const r = await search('3.1 勾股定理');
        expect(ids(r)).toContain(docId(4));
        expect(ids(r)).not.toContain(docId(5)); // 2.4 勾股定理的应用
      });

      it('expands taxonomy synonyms (教案 ↔ 教学设计, 幻灯片/PPT ↔ 课件, 导学案 ↔ 学案)', async () => {
        expect(ids(await search('教案'))).toEqual(expect.arrayContaining([docId(1), docId(8)]));
        expect(ids(await search('幻灯片'))).toEqual(
          expect.arrayContaining([docId(2), docId(4), docId(6), docId(9)]),
        );
        expect(ids(await search('课件'))).toContain(docId(9)); // only says PPT
        expect(ids(await search('导学案'))).toContain(docId(7));
      });

      it('finds words inside extractedText and returns an escaped snippet with <mark>', async () => {
        const r = await search('叶绿体');
        expect(ids(r)).toEqual([docId(8)]);
        const snippet = r.hits[0]?.highlights.extractedText ?? '';
        expect(marks(snippet)).toContain('<mark>叶绿体</mark>');
        expect(snippet).toContain('&lt;script&gt;');
        expect(snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
        // The hit carries the resource's fields but not its file text (up to 20k characters).
        expect(r.hits[0]?.doc.title).toBe(ALL_CONTRACT_DOCS.find((d) => d.id === docId(8))?.title);
        expect(r.hits[0]?.doc).not.toHaveProperty('extractedText');
      });

      it('highlights the title match', async () => {
        const r = await search('一元一次方程');
        const hit = r.hits.find((h) => h.id === docId(1));
        expect(marks(hit?.highlights.title)).toContain('<mark>一元一次方程</mark>');
      });

      it('offers did-you-mean for a Latin-letter typo, and not for a correct word', async () => {
        expect((await search('pythgoras')).didYouMean).toBe('pythagoras');
        expect((await search('fangchen')).didYouMean).toBe('fangcheng');
        expect((await search('pythagoras')).didYouMean).toBeUndefined();
      });
    });

    describe('facets, filters, sorting, paging', () => {
      it('counts every facet over the matching documents', async () => {
        const r = await search('方程');
        expect(r.facets).toEqual({
          subject: { math: 3 },
          stage: { junior: 3 },
          grade: { 七年级: 2, 八年级: 1 },
          edition: { pep: 2, bnu: 1 },
          volume: { first: 2, second: 1 },
          resourceType: { lesson_plan: 1, courseware: 1, test_paper: 1 },
          license: { 'cc-by-4.0': 1, 'cc-by-sa-4.0': 1, 'all-rights-reserved': 1 },
          schoolLocale: { urban: 1, town: 1, rural: 1 },
        });
      });

      it('filters by each facet value, matching the facet count', async () => {
        const all = await search('', VIEWERS.admin);
        for (const facet of SEARCH_FACETS) {
          const values = Object.entries(all.facets[facet]);
          expect(values.length).toBeGreaterThan(0);
          for (const [value, count] of values) {
            const r = await search('', VIEWERS.admin, { filters: { [facet]: [value] } });
            expect({ facet, value, total: r.total }).toEqual({ facet, value, total: count });
            expect(r.hits.every((h) => h.doc[facet] === value)).toBe(true);
          }
        }
      });

      it('ORs values within a facet and ANDs across facets, with text', async () => {
        const either = await search('勾股定理', VIEWERS.admin, {
          filters: { resourceType: ['courseware', 'exercise'] },
        });
        expect(new Set(ids(either))).toEqual(new Set([docId(4), docId(5)]));
        const both = await search('勾股定理', VIEWERS.admin, {
          filters: { resourceType: ['courseware', 'exercise'], edition: ['jiangsu'] },
        });
        expect(ids(both)).toEqual([docId(4)]);
        expect(both.facets.edition).toEqual({ jiangsu: 1 });
      });

      it('counts each filtered facet without its own filter for the sidebar, and leaves unfiltered ones alone', async () => {
        const query: SearchQuery = {
          q: '勾股定理',
          filters: { resourceType: ['courseware'], edition: ['jiangsu'] },
          pageSize: 50,
        };
        const { result, facets } = await engine.searchWithFacets(query, VIEWERS.admin);
        expect(ids(result)).toEqual([docId(4)]);
        // Every other filter still applies: the edition counts are those of the courseware, the
        // resource types those of the jiangsu edition, so the sidebar offers the values to switch to.
        const coursewareOnly = await search('勾股定理', VIEWERS.admin, {
          filters: { resourceType: ['courseware'] },
        });
        const jiangsuOnly = await search('勾股定理', VIEWERS.admin, { filters: { edition: ['jiangsu'] } });
        expect(facets.edition).toEqual(coursewareOnly.facets.edition);
        expect(facets.resourceType).toEqual(jiangsuOnly.facets.resourceType);
        expect(facets.subject).toEqual(result.facets.subject);
        const plain = await engine.searchWithFacets({ q: '方程', pageSize: 50 }, VIEWERS.outsiderC);
        expect(plain.facets).toEqual(plain.result.facets);
        expect(plain.result).toEqual(await search('方程'));
      });

      const visibleTo = (viewer: SearchViewer): ResourceSearchDocument[] =>
        ALL_CONTRACT_DOCS.filter((d) => isVisibleTo(d, viewer));
      const byNewest = (a: ResourceSearchDocument, b: ResourceSearchDocument): number =>
        b.createdAt - a.createdAt;

      it('sorts by newest, downloads and rating (ties by newest)', async () => {
        const viewer = VIEWERS.admin;
        const expected = {
          newest: visibleTo(viewer).sort(byNewest),
          downloads: visibleTo(viewer).sort((a, b) => b.downloads - a.downloads || byNewest(a, b)),
          rating: visibleTo(viewer).sort(
            (a, b) => b.ratingAvg - a.ratingAvg || b.ratingCount - a.ratingCount || byNewest(a, b),
          ),
        };
        for (const sort of ['newest', 'downloads', 'rating'] as const) {
          const r = await search('', viewer, { sort });
          expect({ sort, ids: ids(r) }).toEqual({ sort, ids: expected[sort].map((d) => d.id) });
        }
      });

      it('sorts text matches by the requested key, and by relevance by default', async () => {
        const byDownloads = await search('勾股定理', VIEWERS.admin, { sort: 'downloads' });
        expect(ids(byDownloads)).toEqual([docId(4), docId(3), docId(5)]);
        const relevant = await search('一元一次方程');
        expect(ids(relevant)[0]).toBe(docId(1)); // in the title; D11 only in its text
        expect(ids(relevant)).toContain(docId(11));
        expect(relevant.hits[0]?.score).toEqual(expect.any(Number));
      });

      it('lists everything visible, newest first, for an empty query', async () => {
        const r = await search('', VIEWERS.outsiderC);
        const expected = visibleTo(VIEWERS.outsiderC).sort(byNewest);
        expect(r.total).toBe(expected.length);
        expect(ids(r)).toEqual(expected.map((d) => d.id));
        expect(r.hits.every((h) => Object.keys(h.highlights).length === 0)).toBe(true);
      });

      it('pages without gaps or repeats', async () => {
        const full = await search('', VIEWERS.admin, { pageSize: 100 });
        const seen: string[] = [];
        for (let page = 1; page <= 10; page += 1) {
          const r = await search('', VIEWERS.admin, { page, pageSize: 4 });
          expect(r.total).toBe(full.total);
          expect(r.page).toBe(page);
          expect(r.pageSize).toBe(4);
          if (r.hits.length === 0) break;
          seen.push(...ids(r));
        }
        expect(seen).toEqual(ids(full));
        expect((await search('', VIEWERS.admin, { page: 50, pageSize: 4 })).hits).toEqual([]);
      });
    });

    describe('visibility', () => {
      const cases: [string, SearchViewer, string[], Record<string, number>][] = [
        [
          'the author (every status)',
          VIEWERS.authorA1,
          [21, 22, 23, 24, 25, 26, 27].map(docId),
          { 高一: 1, 高二: 1, 高三: 1, 九年级: 4 },
        ],
        [
          'a colleague in the same school',
          VIEWERS.colleagueA2,
          [22, 23, 24].map(docId),
          { 高二: 1, 高三: 1, 九年级: 1 },
        ],
        ['another school in the region', VIEWERS.districtB, [23, 24].map(docId), { 高三: 1, 九年级: 1 }],
        ['another region', VIEWERS.outsiderC, [24].map(docId), { 九年级: 1 }],
        [
          'a platform admin (all published)',
          VIEWERS.admin,
          [21, 22, 23, 24].map(docId),
          { 高一: 1, 高二: 1, 高三: 1, 九年级: 1 },
        ],
      ];
      it.each(cases)(
        'shows %s exactly what they may see, in hits, totals and facets',
        async (_who, viewer, expected, grades) => {
          const r = await search('酸碱中和', viewer);
          expect(new Set(ids(r))).toEqual(new Set(expected));
          expect(r.total).toBe(expected.length);
          expect(r.facets.grade).toEqual(grades);
          const listed = await search('', viewer, { filters: { subject: ['chemistry'] } });
          expect(new Set(ids(listed))).toEqual(new Set(expected));
          expect(listed.facets.subject).toEqual({ chemistry: expected.length });
        },
      );

      it('keeps drafts, pending and withdrawn resources from everyone but their author', async () => {
        for (const viewer of [VIEWERS.colleagueA2, VIEWERS.districtB, VIEWERS.outsiderC, VIEWERS.admin]) {
          const r = await search('酸碱中和 草稿', viewer);
          expect(ids(r)).not.toContain(docId(25));
        }
        expect(ids(await search('酸碱中和 草稿', VIEWERS.authorA1))).toContain(docId(25));
      });
    });

    describe('suggestions', () => {
      it('suggests titles by Chinese prefix and by pinyin prefix', async () => {
        const title1 = ALL_CONTRACT_DOCS[0]?.title;
        expect((await engine.suggest('一元', VIEWERS.outsiderC, 5)).map((s) => s.text)).toContain(title1);
        expect((await engine.suggest('yiyuan', VIEWERS.outsiderC, 5)).map((s) => s.text)).toContain(title1);
        const gougu = await engine.suggest('勾股', VIEWERS.outsiderC, 10);
        expect(gougu.map((s) => s.id)).toEqual(expect.arrayContaining([docId(3), docId(4)]));
        expect(gougu.length).toBeLessThanOrEqual(10);
      });

      it('suggests only titles the viewer may see', async () => {
        const outsider = await engine.suggest('酸碱', VIEWERS.outsiderC, 10);
        expect(outsider.map((s) => s.id)).toEqual([docId(24)]);
        const author = await engine.suggest('酸碱', VIEWERS.authorA1, 10);
        expect(author.map((s) => s.id)).toContain(docId(21));
      });
    });

    describe('writes', () => {
      it('replaces a document on upsert instead of duplicating it', async () => {
        const before = await engine.count();
        await engine.upsert([contractResource(40, { title: '鹦鹉螺化石 标本图片' })]);
        expect(ids(await search('鹦鹉螺'))).toEqual([docId(40)]);
        await engine.upsert([contractResource(40, { title: '珊瑚礁 标本图片' })]);
        expect(ids(await search('鹦鹉螺'))).toEqual([]);
        expect(ids(await search('珊瑚礁'))).toEqual([docId(40)]);
        expect(await engine.count()).toBe(before + 1);
      });

      it('removes deleted documents from results and counts', async () => {
        const before = await engine.count();
        await engine.delete([docId(40), 'ffffffff-0000-4000-8000-000000000000']);
        expect(ids(await search('珊瑚礁'))).toEqual([]);
        expect(await engine.count()).toBe(before - 1);
      });

      it('applies a new version that changes only counts, status or visibility, still finding it by its text', async () => {
        const text = { title: '三叶虫化石 观察记录', extractedText: '寒武纪的三叶虫化石，观察其分节。' };
        await engine.upsert([
          contractResource(41, { ...text, downloads: 5 }),
          contractResource(42, { title: '三叶虫复原图', downloads: 50 }),
        ]);
        const byDownloads = { sort: 'downloads' as const };
        expect(ids(await search('三叶虫', VIEWERS.outsiderC, byDownloads))).toEqual([docId(42), docId(41)]);

        // A download count: new order and count, same postings and snippets.
        await engine.upsert([contractResource(41, { ...text, downloads: 500 })]);
        const counted = await search('三叶虫', VIEWERS.outsiderC, byDownloads);
        expect(ids(counted)).toEqual([docId(41), docId(42)]);
        expect(counted.hits[0]?.doc.downloads).toBe(500);
        expect(marks(counted.hits[0]?.highlights.title)).toContain('<mark>三叶虫</mark>');
        expect(ids(await search('寒武纪'))).toEqual([docId(41)]);

        // Narrowed to the school: gone for outsiders, in hits and facet counts; kept for a colleague.
        await engine.upsert([contractResource(41, { ...text, downloads: 500, visibility: 'school' })]);
        const outside = await search('三叶虫', VIEWERS.outsiderC);
        expect(ids(outside)).toEqual([docId(42)]);
        expect(outside.facets.subject).toEqual({ math: 1 });
        expect(ids(await search('寒武纪', VIEWERS.colleagueA2))).toEqual([docId(41)]);

        // Withdrawn: only its author still finds it.
        await engine.upsert([contractResource(41, { ...text, visibility: 'school', status: 'withdrawn' })]);
        expect(ids(await search('寒武纪', VIEWERS.colleagueA2))).toEqual([]);
        expect(ids(await search('寒武纪', VIEWERS.authorA1))).toEqual([docId(41)]);

        // And a new text after all that still replaces the old one.
        await engine.upsert([contractResource(41, { title: '菊石化石 观察记录' })]);
        expect(ids(await search('寒武纪'))).toEqual([]);
        expect(ids(await search('菊石'))).toEqual([docId(41)]);
        await engine.delete([docId(41), docId(42)]);
      });
    });

    if (options.persistsLocally) {
      describe('persistence', () => {
        it('keeps the index across close and reopen without reindexing', async () => {
          const reopen = harness.reopen;
          if (reopen === undefined) throw new Error('a locally persisting engine needs harness.reopen');
          const before = await engine.count();
          engine = await reopen();
          expect(await engine.count()).toBe(before);
          expect(ids(await search('一元一次方程'))[0]).toBe(docId(1));
          expect(ids(await search('酸碱中和', VIEWERS.outsiderC))).toEqual([docId(24)]);
          expect((await engine.suggest('yiyuan', VIEWERS.outsiderC, 5)).map((s) => s.id)).toContain(docId(1));
          // The file text came back too: its snippet is still shown.
          expect(marks((await search('叶绿体')).hits[0]?.highlights.extractedText)).toContain(
            '<mark>叶绿体</mark>',
          );
        });
      });
    }
  });
}
