import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SearchTaskFailedError, SearchUnavailableError } from '../search.errors.js';
import { EXTRACTED_TEXT_INDEX_LIMIT } from '../search.types.js';
import { prepareQuery } from '../text/prepare-query.js';
import { CONTRACT_DOCS, VIEWERS } from '../testing/contract-fixtures.js';
import { describeSearchEngineContract } from '../testing/search-engine.contract.js';
import { toMeiliDocument } from './meilisearch-document.js';
import {
  didYouMeanFromHits,
  formatHighlight,
  highlightedWords,
  phraseFilters,
  visibilityFilter,
} from './meilisearch-query.js';
import { MeilisearchEngine } from './meilisearch-search-engine.js';
import { desiredSettings, settingsDiff } from './meilisearch-settings.js';

// Against a real server only when one is configured (production runs Meilisearch from
// docker-compose; there is none on developer machines by default).
const meiliUrl = process.env['MEILI_URL'];
if (meiliUrl) {
  describeSearchEngineContract('meilisearch', () => {
    const engine = new MeilisearchEngine({
      url: meiliUrl,
      apiKey: process.env['MEILI_API_KEY'] ?? process.env['MEILI_MASTER_KEY'],
      indexName: `tongke_contract_${randomUUID().replace(/-/g, '')}`,
    });
    return Promise.resolve({ engine, dispose: () => engine.dropIndex() });
  });
}

describe('Meilisearch document preparation', () => {
  const doc1 = CONTRACT_DOCS[0];
  const doc3 = CONTRACT_DOCS[2];
  if (doc1 === undefined || doc3 === undefined) throw new Error('fixtures missing');

  it('indexes pre-segmented search-mode tokens so 方程 matches inside 一元一次方程', () => {
    const m = toMeiliDocument(doc1);
    expect(m.seg_title.split(' ')).toEqual(expect.arrayContaining(['一元一次方程', '方程', '一元', '3.1']));
    expect(m.py_title.split(' ')).toEqual(
      expect.arrayContaining(['yiyuanyicifangcheng', 'yyycfc', 'shuxue']),
    );
    expect(m.phrase_terms).toEqual(expect.arrayContaining(['一元一次方程', '教学设计']));
    expect(m.title).toBe(doc1.title);
  });

  it('folds traditional characters in the searchable copies but keeps the original for display', () => {
    const m = toMeiliDocument(doc3);
    expect(m.n_title).toBe('八年级数学 勾股定理 说课稿');
    expect(m.seg_title.split(' ')).toEqual(expect.arrayContaining(['数学', '勾股定理', '说课稿']));
    expect(m.title).toBe('八年級數學 勾股定理 說課稿');
  });

  it('caps extractedText at the index limit', () => {
    const m = toMeiliDocument({ ...doc1, extractedText: '方程'.repeat(EXTRACTED_TEXT_INDEX_LIMIT) });
    expect(m.extractedText.length).toBe(EXTRACTED_TEXT_INDEX_LIMIT);
  });
});

describe('Meilisearch query building', () => {
  it('expresses visibility as a filter for each kind of viewer', () => {
    expect(visibilityFilter(VIEWERS.colleagueA2)).toBe(
      `(authorId = "${VIEWERS.colleagueA2.userId}") OR (status = "published" AND (visibility = "public" OR ` +
        `(visibility = "district" AND regionId = "${VIEWERS.colleagueA2.regionId}") OR ` +
        `(visibility = "school" AND schoolId = "${VIEWERS.colleagueA2.schoolId}")))`,
    );
    expect(visibilityFilter(VIEWERS.admin)).toBe(
      `(authorId = "${VIEWERS.admin.userId}") OR (status = "published")`,
    );
    expect(visibilityFilter({ userId: 'x"y', schoolId: null, regionId: null, isPlatformAdmin: false })).toBe(
      '(authorId = "x\\"y") OR (status = "published" AND (visibility = "public"))',
    );
  });

  it('turns a quoted phrase into filters on the pre-segmented terms', () => {
    expect(phraseFilters(prepareQuery('"一元一次方程 教学设计" 课件'))).toEqual([
      'phrase_terms = "一元一次方程"',
      'phrase_terms = "教学设计"',
    ]);
  });

  it('turns Meilisearch highlights into escaped <mark> snippets', () => {
    expect(formatHighlight('a<b> \u0002方程\u0003 & c')).toBe('a&lt;b&gt; <mark>方程</mark> &amp; c');
    expect(formatHighlight('no match here')).toBeUndefined();
    const long = `${'甲'.repeat(300)}\u0002方程\u0003${'乙'.repeat(300)}`;
    const snippet = formatHighlight(long, 100) ?? '';
    expect(snippet).toContain('<mark>方程</mark>');
    expect(snippet.startsWith('…') && snippet.endsWith('…')).toBe(true);
    expect(snippet.replace(/<\/?mark>|…/g, '').length).toBe(100);
  });

  it('derives did-you-mean from the words Meilisearch matched', () => {
    expect(highlightedWords('shuxue \u0002fangchen\u0003g yici')).toEqual(['fangcheng']);
    expect(didYouMeanFromHits(prepareQuery('fangchen'), ['fangcheng', 'fangchengzu'])).toBe('fangcheng');
    expect(didYouMeanFromHits(prepareQuery('pythgoras theorem'), ['pythagoras', 'theorem'])).toBe(
      'pythagoras theorem',
    );
    expect(didYouMeanFromHits(prepareQuery('yyyc'), ['yyycfc'])).toBeUndefined();
    expect(didYouMeanFromHits(prepareQuery('pythagoras'), ['pythagoras'])).toBeUndefined();
  });
});

describe('Meilisearch settings', () => {
  it('finds nothing to change when the index already has the settings, in any set order', () => {
    const desired = desiredSettings();
    const actual = {
      ...desired,
      filterableAttributes: [...(desired.filterableAttributes ?? [])].reverse(),
      typoTolerance: { ...desired.typoTolerance, disableOnWords: [] },
    };
    expect(settingsDiff(desired, actual)).toEqual({});
  });

  it('updates only what differs, and treats searchable order as meaningful', () => {
    const desired = desiredSettings();
    const actual = {
      ...desired,
      searchableAttributes: [...(desired.searchableAttributes ?? [])].reverse(),
      synonyms: {},
    };
    expect(Object.keys(settingsDiff(desired, actual)).sort()).toEqual(['searchableAttributes', 'synonyms']);
  });

  it('makes taxonomy aliases mutual synonyms and keeps typo tolerance to Latin fields', () => {
    const s = desiredSettings();
    expect(s.synonyms?.['教案']).toEqual(['教学设计']);
    expect(s.synonyms?.['教学设计']).toEqual(['教案']);
    expect(s.synonyms?.['ppt']).toEqual(['幻灯片', '课件']);
    expect(s.typoTolerance?.disableOnAttributes).toContain('seg_title');
    expect(s.typoTolerance?.disableOnAttributes).not.toContain('latin_text');
    expect(s.localizedAttributes?.[0]?.locales).toEqual(['cmn']);
  });
});

interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

/** A tiny stand-in for the Meilisearch HTTP API: routes answer from a table, requests are recorded. */
async function stubMeili(
  routes: Record<string, (body: unknown) => [number, unknown]>,
): Promise<{ url: string; requests: Recorded[]; close: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const body: unknown = raw.length > 0 ? JSON.parse(raw) : undefined;
      requests.push({ method: req.method ?? '', path, body });
      const route = routes[`${req.method} ${path}`];
      const [status, payload] = route
        ? route(body)
        : [404, { message: 'not found', code: 'not_found', type: 'invalid_request', link: '' }];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const enqueued = (taskUid: number, type: string): [number, unknown] => [
  202,
  { taskUid, indexUid: 'resources', status: 'enqueued', type, enqueuedAt: new Date().toISOString() },
];
const task = (uid: number, status: string, error: unknown = null): [number, unknown] => [
  200,
  {
    uid,
    indexUid: 'resources',
    status,
    type: 'documentAdditionOrUpdate',
    error,
    batchUid: null,
    canceledBy: null,
    duration: null,
    startedAt: null,
    finishedAt: null,
    enqueuedAt: new Date().toISOString(),
  },
];

describe('MeilisearchEngine against a stub server', () => {
  it('throws SearchUnavailableError when the server cannot be reached, and reports down', async () => {
    const stub = await stubMeili({});
    await stub.close(); // nothing listens on this port any more
    const engine = new MeilisearchEngine({ url: stub.url, indexName: 'resources', requestTimeoutMs: 2_000 });
    await expect(engine.upsert(CONTRACT_DOCS.slice(0, 1))).rejects.toBeInstanceOf(SearchUnavailableError);
    await expect(engine.search({ q: '方程' }, VIEWERS.outsiderC)).rejects.toBeInstanceOf(
      SearchUnavailableError,
    );
    expect((await engine.health()).status).toBe('down');
  });

  it('throws SearchTaskFailedError when the write task fails, and resolves only once a task succeeded', async () => {
    let fail = true;
    const stub = await stubMeili({
      'POST /indexes/resources/documents': () => enqueued(7, 'documentAdditionOrUpdate'),
      'GET /tasks/7': () =>
        fail
          ? task(7, 'failed', {
              code: 'invalid_document_id',
              message: 'bad id',
              type: 'invalid_request',
              link: '',
            })
          : task(7, 'succeeded'),
    });
    const engine = new MeilisearchEngine({ url: stub.url, indexName: 'resources' });
    const error: unknown = await engine.upsert(CONTRACT_DOCS.slice(0, 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SearchTaskFailedError);
    expect(error).toMatchObject({ taskUid: 7, taskStatus: 'failed', backendCode: 'invalid_document_id' });
    fail = false;
    await expect(engine.upsert(CONTRACT_DOCS.slice(0, 1))).resolves.toBeUndefined();
    const sent = stub.requests.filter((r) => r.path === '/indexes/resources/documents');
    expect((sent[0]?.body as { seg_title: string }[])[0]?.seg_title).toContain('方程');
    await stub.close();
  });

  it('applies settings only when they differ (idempotent init)', async () => {
    let settings: Record<string, unknown> = {};
    const stub = await stubMeili({
      'GET /indexes/resources': () => [
        200,
        { uid: 'resources', primaryKey: 'id', createdAt: '', updatedAt: '' },
      ],
      'GET /indexes/resources/settings': () => [200, settings],
      'PATCH /indexes/resources/settings': (body) => {
        settings = { ...settings, ...(body as Record<string, unknown>) };
        return enqueued(9, 'settingsUpdate');
      },
      'GET /tasks/9': () => task(9, 'succeeded'),
    });
    const engine = new MeilisearchEngine({ url: stub.url, indexName: 'resources' });
    await engine.init();
    await engine.init();
    const patches = stub.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(Object.keys(patches[0]?.body as object)).toEqual(
      expect.arrayContaining(['searchableAttributes', 'synonyms', 'localizedAttributes']),
    );
    await stub.close();
  });

  it('sends visibility, facets, Chinese locale and highlight tags, and maps the response', async () => {
    const doc = CONTRACT_DOCS[0];
    const stub = await stubMeili({
      'POST /indexes/resources/search': () => [
        200,
        {
          hits: [
            {
              ...doc,
              _rankingScore: 0.9,
              _formatted: {
                n_title: '人教版七年级数学上册 3.1 \u0002一元一次方程\u0003 教学设计',
                n_description: '无',
              },
            },
          ],
          query: '一元一次方程',
          processingTimeMs: 1,
          hitsPerPage: 20,
          page: 1,
          totalPages: 1,
          totalHits: 1,
          facetDistribution: { subject: { math: 1 }, grade: { 七年级: 1 } },
        },
      ],
    });
    const engine = new MeilisearchEngine({ url: stub.url, indexName: 'resources' });
    const r = await engine.search({ q: '一元一次方程', filters: { subject: ['math'] } }, VIEWERS.districtB);
    const body = stub.requests[0]?.body as Record<string, unknown>;
    expect(body['filter']).toEqual([visibilityFilter(VIEWERS.districtB), 'subject IN ["math"]']);
    expect(body['locales']).toEqual(['cmn']);
    expect(body['attributesToSearchOn']).not.toContain('py_title');
    expect(body['matchingStrategy']).toBe('all');
    expect(body['facets']).toEqual([
      'subject',
      'stage',
      'grade',
      'edition',
      'volume',
      'resourceType',
      'license',
      'schoolLocale',
    ]);
    expect(r.total).toBe(1);
    expect(r.hits[0]?.highlights.title).toBe('人教版七年级数学上册 3.1 <mark>一元一次方程</mark> 教学设计');
    expect(r.hits[0]?.score).toBe(0.9);
    expect(r.hits[0]?.doc.title).toBe(doc?.title);
    expect(r.facets.subject).toEqual({ math: 1 });
    expect(r.facets.license).toEqual({});
    await stub.close();
  });
});
