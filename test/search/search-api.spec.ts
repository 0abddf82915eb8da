import type { HealthResponse, SearchResponseDto, SearchSuggestResponse } from '@tongke/contracts';
import { TestContext, type Actor, type County } from '../support/context.js';
import { SearchEngine, ThreadedSearchEngine } from '@tongke/search';
import { SearchSettings } from '../../apps/api/src/search/search.settings.js';
import {
  buildPptx,
  createResource,
  drainExtraction,
  mp4Bytes,
  publishedResource,
  waitFor,
} from '../support/library.js';

/**
 * GET /api/search and /api/search/suggest over resources made through the library's real API,
 * indexed by the outbox worker running in the background as in production.
 */

async function search(ctx: TestContext, viewer: Actor, query: string): Promise<SearchResponseDto> {
  const res = await ctx.http.get(`/api/search?${query}`).set('Authorization', viewer.auth);
  if (res.status !== 200) throw new Error(`search ${query}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as SearchResponseDto;
}

const q = (text: string, extra = ''): string => `q=${encodeURIComponent(text)}${extra}`;

/** Waits until `viewer` finds `resourceId` with `query` (the index is fed asynchronously). */
async function found(
  ctx: TestContext,
  viewer: Actor,
  query: string,
  resourceId: string,
): Promise<SearchResponseDto> {
  return waitFor(
    () => search(ctx, viewer, query),
    (r) => r.hits.some((h) => h.id === resourceId),
  ).catch(async (e: unknown) => {
    const health = await ctx.http.get('/api/health');
    throw new Error(`${String(e)}; search health: ${JSON.stringify(health.body.details?.search)}`);
  });
}

const facetCounts = (
  r: SearchResponseDto,
  facet: keyof SearchResponseDto['facets'],
): Record<string, number> => Object.fromEntries(r.facets[facet].map((b) => [b.value, b.count]));

describe('search API', () => {
  let ctx: TestContext;
  let county: County;
  let other: County;
  let colleague: Actor;

  beforeAll(async () => {
    ctx = await TestContext.create();
    county = await ctx.newCounty();
    other = await ctx.newCounty();
    colleague = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
  });
  afterAll(() => ctx.close());

  it('scenario 2: an approved upload becomes searchable by words inside its files, by traditional characters and by pinyin', async () => {
    const pptx = await buildPptx([
      { title: '勾股定理的证明', lines: ['赵爽弦图与面积拼补', '课堂练习：直角三角形的三边关系'] },
      { title: '课堂小结', lines: ['勾股定理的逆定理'] },
    ]);
    const resource = await createResource(ctx, county.master, {
      title: '勾股定理 微课与课件',
      description: '八年级下册第十七章，名师微课配套课件',
      grade: '八年级',
      volume: 'second',
      unit: '第十七章 勾股定理',
      resourceType: 'micro_lecture',
      tags: ['勾股定理', '几何'],
    });
    for (const [name, data] of [
      ['勾股定理微课.mp4', mp4Bytes(64 * 1024)],
      ['勾股定理.pptx', pptx],
    ] as const) {
      const up = await ctx.http
        .post(`/api/resources/${resource.id}/files`)
        .set('Authorization', county.master.auth)
        .attach('file', data, { filename: name, contentType: 'application/octet-stream' });
      expect(up.status).toBe(201);
    }
    const submitted = await ctx.http
      .post(`/api/resources/${resource.id}/submit`)
      .set('Authorization', county.master.auth)
      .send({ visibility: 'district' });
    expect(submitted.status).toBe(200);

    // The author finds their own pending resource; the rural teacher of the county does not, yet.
    await found(ctx, county.master, q('赵爽弦图'), resource.id);
    const before = await search(ctx, county.ruralTeacher, q('赵爽弦图'));
    expect(before.hits.map((h) => h.id)).not.toContain(resource.id);
    expect(before.total).toBe(0);

    const approved = await ctx.http
      .post(`/api/resources/${resource.id}/approve`)
      .set('Authorization', county.urbanAdmin.auth);
    expect(approved.status).toBe(200);

    // Words inside the PPTX (extracted in the background), with the match highlighted.
    const inFile = await found(ctx, county.ruralTeacher, q('赵爽弦图'), resource.id);
    const hit = inFile.hits.find((h) => h.id === resource.id);
    expect(hit?.highlights.extractedText).toContain('<mark>');
    expect(hit?.title).toBe('勾股定理 微课与课件');
    expect(hit?.resourceType).toEqual({ code: 'micro_lecture', name: '微课' });
    expect(hit?.school.name).toBe(county.urban.name);

    // Traditional characters (a teacher in Hong Kong, or a traditional-character input method).
    const traditional = await found(ctx, county.ruralTeacher, q('趙爽弦圖 課件'), resource.id);
    expect(traditional.hits[0]?.id).toBe(resource.id);

    // Pinyin, full and initials, for the title.
    await found(ctx, county.ruralTeacher, q('gougudingli'), resource.id);
    await found(ctx, county.ruralTeacher, q('ggdl'), resource.id);

    // As-you-type suggestions offer its title to the rural teacher, not to another county.
    const suggest = await ctx.http
      .get(`/api/search/suggest?q=${encodeURIComponent('勾股')}`)
      .set('Authorization', county.ruralTeacher.auth);
    expect(suggest.status).toBe(200);
    expect((suggest.body as SearchSuggestResponse).suggestions).toContainEqual({
      text: '勾股定理 微课与课件',
      resourceId: resource.id,
    });
    const outsider = await ctx.http
      .get(`/api/search/suggest?q=${encodeURIComponent('勾股')}`)
      .set('Authorization', other.master.auth);
    expect((outsider.body as SearchSuggestResponse).suggestions).toEqual([]);
  });

  it('never shows, nor counts in facets, what a viewer may not open — across schools and counties', async () => {
    const marker = 'visibilitycheck';
    const make = async (
      visibility: 'private' | 'school' | 'district' | 'public',
      subject: string,
      approvers: Actor[],
    ) =>
      (
        await publishedResource(ctx, county.master, visibility, {
          approvers,
          overrides: { title: `${marker} ${subject} 资源`, subject, tags: [marker] },
        })
      ).resource;
    const priv = await make('private', 'math', []);
    const school = await make('school', 'chinese', []);
    const district = await make('district', 'english', [county.urbanAdmin]);
    const pub = await make('public', 'physics', [county.urbanAdmin, county.district]);
    const draft = await createResource(ctx, county.master, {
      title: `${marker} history 资源`,
      subject: 'history',
      tags: [marker],
    });
    expect(pub.status).toBe('published');
    expect(pub.visibility).toBe('public');

    const platform = await ctx.platform();
    const expectations: [string, Actor, string[]][] = [
      ['author', county.master, [priv.id, school.id, district.id, pub.id, draft.id]],
      ['colleague in the same school', colleague, [school.id, district.id, pub.id]],
      ['rural teacher in the same county', county.ruralTeacher, [district.id, pub.id]],
      ['teacher of another county', other.master, [pub.id]],
      ['platform admin', platform, [priv.id, school.id, district.id, pub.id]],
    ];
    const subjectOf: Record<string, string> = {
      [priv.id]: 'math',
      [school.id]: 'chinese',
      [district.id]: 'english',
      [pub.id]: 'physics',
      [draft.id]: 'history',
    };
    for (const [who, viewer, ids] of expectations) {
      const r = await waitFor(
        () => search(ctx, viewer, q(marker)),
        (res) => res.total === ids.length && ids.every((id) => res.hits.some((h) => h.id === id)),
      ).catch(() => search(ctx, viewer, q(marker)));
      expect({ who, ids: r.hits.map((h) => h.id).sort(), total: r.total }).toEqual({
        who,
        ids: [...ids].sort(),
        total: ids.length,
      });
      const subjects = Object.fromEntries(ids.map((id) => [subjectOf[id], 1]));
      expect({ who, subjects: facetCounts(r, 'subject') }).toEqual({ who, subjects });
      expect({ who, locales: facetCounts(r, 'schoolLocale') }).toEqual({
        who,
        locales: { urban: ids.length },
      });
    }

    // Filtering by a facet the viewer cannot see into finds nothing, and says so with zero counts.
    const filtered = await search(ctx, county.ruralTeacher, q(marker, '&subject=chinese,math'));
    expect(filtered.total).toBe(0);
    expect(filtered.hits).toEqual([]);
    expect(filtered.facets.subject).toEqual(
      expect.arrayContaining([
        { value: 'chinese', label: '语文', count: 0, selected: true },
        { value: 'math', label: '数学', count: 0, selected: true },
      ]),
    );
    // The subject facet still offers the values the rural teacher can switch to (disjunctive counts).
    expect(facetCounts(filtered, 'subject')).toEqual({ chinese: 0, math: 0, english: 1, physics: 1 });

    // Withdrawing and deleting take effect in search too.
    const withdrawn = await ctx.http
      .post(`/api/resources/${district.id}/withdraw`)
      .set('Authorization', county.master.auth)
      .send({});
    expect(withdrawn.status).toBe(200);
    const removed = await ctx.http
      .delete(`/api/resources/${pub.id}`)
      .set('Authorization', county.master.auth);
    expect(removed.status).toBe(204);
    const after = await waitFor(
      () => search(ctx, county.ruralTeacher, q(marker)),
      (r) => r.total === 0,
    );
    expect(after.hits).toEqual([]);
    const own = await waitFor(
      () => search(ctx, county.master, q(marker)),
      (r) => !r.hits.some((h) => h.id === pub.id),
    );
    expect(own.hits.map((h) => h.id).sort()).toEqual([priv.id, school.id, district.id, draft.id].sort());
  });

  it('filters by repeated parameters or comma lists, sorts, pages, and rejects unknown values', async () => {
    const marker = 'facetpaging';
    const ids: string[] = [];
    for (const [grade, subject] of [
      ['七年级', 'math'],
      ['七年级', 'chinese'],
      ['八年级', 'math'],
    ] as const) {
      const { resource } = await publishedResource(ctx, county.master, 'school', {
        overrides: { title: `${marker} ${grade} ${subject}`, grade, subject, tags: [marker] },
      });
      ids.push(resource.id);
    }
    const all = await waitFor(
      () => search(ctx, colleague, q(marker)),
      (r) => r.total === 3,
    );
    expect(facetCounts(all, 'grade')).toEqual({ 七年级: 2, 八年级: 1 });
    expect(all.facets.grade[0]).toEqual({ value: '七年级', label: '七年级', count: 2, selected: false });

    const repeated = await search(ctx, colleague, q(marker, '&grade=七年级&subject=math&subject=chinese'));
    const commas = await search(
      ctx,
      colleague,
      q(marker, `&grade=${encodeURIComponent('七年级')}&subject=math,chinese`),
    );
    expect(repeated.total).toBe(2);
    expect(commas.hits.map((h) => h.id).sort()).toEqual(repeated.hits.map((h) => h.id).sort());
    expect(commas.hits.map((h) => h.id).sort()).toEqual([ids[0], ids[1]].sort());

    const newest = await search(ctx, colleague, q(marker, '&sort=newest&pageSize=2&page=2'));
    expect(newest).toEqual(
      expect.objectContaining({ total: 3, page: 2, pageSize: 2, pageCount: 2, sort: 'newest' }),
    );
    expect(newest.hits.map((h) => h.id)).toEqual([ids[0]]);

    // Without words the list is everything visible, newest first.
    const browse = await search(ctx, colleague, `grade=${encodeURIComponent('八年级')}`);
    expect(browse.sort).toBe('newest');
    expect(browse.hits.map((h) => h.id)).toContain(ids[2]);

    const bad = await ctx.http
      .get('/api/search?subject=astrology&sort=cleverest&pageSize=1000&colour=red')
      .set('Authorization', colleague.auth);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(
      Object.keys((bad.body as { details: { fields: Record<string, string[]> } }).details.fields).sort(),
    ).toEqual(['colour', 'pageSize', 'sort', 'subject']);
    expect((await ctx.http.get('/api/search?q=x')).status).toBe(401);
    expect((await ctx.http.get('/api/search/suggest').set('Authorization', colleague.auth)).status).toBe(400);
  });

  it('answers a browser that already holds the same answer with a 304, and a changed answer in full', async () => {
    const marker = 'revalidate';
    const first = await publishedResource(ctx, county.master, 'school', {
      overrides: { title: `${marker} 第一课`, tags: [marker] },
    });
    await found(ctx, colleague, q(marker), first.resource.id);
    const url = `/api/search?${q(marker)}`;
    const full = await ctx.http.get(url).set('Authorization', colleague.auth);
    expect(full.status).toBe(200);
    expect(full.headers['content-type']).toBe('application/json; charset=utf-8');
    // The answer depends on who asks: no shared cache may keep it, and a browser must revalidate.
    expect(full.headers['cache-control']).toBe('private, no-cache');
    const etag = String(full.headers.etag);
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[\w+/]{27}"$/);
    expect(Number(full.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(full.body)));

    const again = await ctx.http.get(url).set('Authorization', colleague.auth).set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBeFalsy();

    // A new match changes the answer: the old validator no longer holds, the new list comes whole.
    const second = await publishedResource(ctx, county.master, 'school', {
      overrides: { title: `${marker} 第二课`, tags: [marker] },
    });
    await found(ctx, colleague, q(marker), second.resource.id);
    const changed = await ctx.http.get(url).set('Authorization', colleague.auth).set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect((changed.body as SearchResponseDto).total).toBe(2);

    // Another viewer's answer to the same URL is their own (a colleague in another county sees none).
    const stranger = await ctx.newTeacher(other.urbanAdmin, other.urban.id);
    const theirs = await ctx.http.get(url).set('Authorization', stranger.auth).set('If-None-Match', etag);
    expect(theirs.status).toBe(200);
    expect((theirs.body as SearchResponseDto).total).toBe(0);
  });

  it("gives every answer's shared memory back to the search thread once it is sent (200, 304, HEAD)", async () => {
    const engine = ctx.app.get(SearchEngine);
    if (!(engine instanceof ThreadedSearchEngine)) throw new Error('the tests run the engine on its thread');
    const settings = ctx.app.get(SearchSettings);
    const size = settings.resultCacheSize;
    settings.resultCacheSize = 0; // every answer comes from the engine, in a shared slot
    try {
      const url = `/api/search?${q('方程')}`;
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => ctx.http.get(url).set('Authorization', colleague.auth)),
      );
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
      // Every body is the page's JSON, whole and the same (no slot was reused while being sent).
      expect(new Set(answers.map((r) => r.text)).size).toBe(1);
      expect(answers[0].body).toMatchObject({ q: '方程', hits: expect.any(Array), page: 1 });
      const etag = String(answers[0].headers.etag);
      const notModified = await ctx.http
        .get(url)
        .set('Authorization', colleague.auth)
        .set('If-None-Match', etag);
      expect(notModified.status).toBe(304);
      const head = await ctx.http.head(url).set('Authorization', colleague.auth);
      expect(head.status).toBe(200);
      expect(head.headers.etag).toBe(etag);
      await waitFor(
        () => Promise.resolve(engine.answersInFlight()),
        (n) => n === 0,
      );
    } finally {
      settings.resultCacheSize = size;
    }
  });

  it('keeps cached answers while only download counts change, and drops them on an edit', async () => {
    const settings = ctx.app.get(SearchSettings);
    const ttl = settings.resultCacheTtlMs;
    settings.resultCacheTtlMs = 60_000;
    try {
      const marker = 'countcache';
      const { resource } = await publishedResource(ctx, county.master, 'school', {
        overrides: { title: `${marker} 第一课`, tags: [marker] },
      });
      const url = `/api/search?${q(marker)}`;
      const pendingRows = async (): Promise<number> => {
        const rows = await ctx.dataSource.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM resource_outbox WHERE processed_at IS NULL AND resource_id = $1',
          [resource.id],
        );
        return rows[0]?.n ?? 0;
      };
      const indexed = (): Promise<number> => waitFor(pendingRows, (n) => n === 0);
      const downloads = async (): Promise<number> => {
        const rows = await ctx.dataSource.query<{ downloads: number }[]>(
          'SELECT downloads FROM resources WHERE id = $1',
          [resource.id],
        );
        return rows[0]?.downloads ?? 0;
      };
      // The file's text extraction is a change of its own: let it land first.
      await drainExtraction(ctx);
      await found(ctx, colleague, q(marker), resource.id);
      await indexed();
      const first = await ctx.http.get(url).set('Authorization', colleague.auth);
      expect((first.body as SearchResponseDto).hits[0]?.counts.downloads).toBe(0);
      const etag = String(first.headers.etag);

      // A download is counted and indexed, but the cached answer stands: the browser's copy is
      // still current (304), only its count lags until the answer expires.
      const download = await ctx.http
        .get(`/api/resources/${resource.id}/download`)
        .set('Authorization', colleague.auth);
      expect(download.status).toBe(200);
      // Counted once the body has gone out; then indexed.
      await waitFor(downloads, (n) => n === 1);
      await indexed();
      const afterDownload = await ctx.http
        .get(url)
        .set('Authorization', colleague.auth)
        .set('If-None-Match', etag);
      expect(afterDownload.status).toBe(304);

      // The index has the count: an answer not taken from the cache (as after it expires) shows it.
      settings.resultCacheTtlMs = 0;
      const expired = await search(ctx, colleague, q(marker));
      expect(expired.hits[0]?.counts.downloads).toBe(1);

      // An edit is not a count: it drops the cached answers at once.
      settings.resultCacheTtlMs = 60_000;
      const cached = await ctx.http.get(url).set('Authorization', colleague.auth);
      const edit = await ctx.http
        .patch(`/api/resources/${resource.id}`)
        .set('Authorization', county.master.auth)
        .send({ title: `${marker} 第一课（修订）` });
      expect(edit.status).toBe(200);
      await indexed();
      const afterEdit = await ctx.http
        .get(url)
        .set('Authorization', colleague.auth)
        .set('If-None-Match', String(cached.headers.etag));
      expect(afterEdit.status).toBe(200);
      expect((afterEdit.body as SearchResponseDto).hits[0]?.title).toBe(`${marker} 第一课（修订）`);
    } finally {
      settings.resultCacheTtlMs = ttl;
    }
  });

  it('suggests a corrected spelling for a mistyped Latin word', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'public', {
      approvers: [county.urbanAdmin, county.district],
      overrides: { title: 'Pythagoras theorem reading', subject: 'english', tags: ['pythagoras'] },
    });
    await found(ctx, colleague, q('pythagoras'), resource.id);
    const r = await search(ctx, colleague, q('pythgoras'));
    expect(r.didYouMean).toBe('pythagoras');
  });

  it('reports the search engine and the indexing lag in /api/health', async () => {
    const res = await ctx.http.get('/api/health');
    expect(res.status).toBe(200);
    const body = res.body as HealthResponse;
    expect(body.components.search).toBe('embedded');
    const detail = body.details?.search as {
      engine: string;
      backlog: number;
      lagMs: number | null;
      documents: number;
    };
    expect(detail.engine).toBe('embedded');
    expect(typeof detail.backlog).toBe('number');
    expect(detail.documents).toBeGreaterThan(0);
  });
});
