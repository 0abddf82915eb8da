import type { ResourceDto, ResourcePageDto, ResourceVersionDto } from '@tongke/contracts';
import { DomainEvents } from '@tongke/common';
import { ResourceFile } from '@tongke/database';
import { ResourceSearchDocuments } from '../../apps/api/src/library/search/resource-search-documents.service.js';
import { TestContext, type Actor, type County } from '../support/context.js';
import {
  attach,
  BASE_RESOURCE,
  buildDocx,
  createResource,
  drainExtraction,
  gc,
  mp4Bytes,
  publishedResource,
  sha256,
  storedObjects,
} from '../support/library.js';

const keyOf = (sha: string): string => `sha256/${sha.slice(0, 2)}/${sha}`;

describe('library: records, versions, remixes, ratings and garbage collection', () => {
  let ctx: TestContext;
  let county: County;
  let colleague: Actor;

  beforeAll(async () => {
    ctx = await TestContext.create();
    county = await ctx.newCounty();
    colleague = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
  });
  afterAll(() => ctx.close());

  const outboxCount = async (resourceId: string): Promise<number> =>
    Number(
      (
        await ctx.dataSource.query('SELECT count(*)::int AS n FROM resource_outbox WHERE resource_id = $1', [
          resourceId,
        ])
      )[0].n,
    );

  it('metadata is validated against the curriculum taxonomy, naming each bad field', async () => {
    const bad = await ctx.http
      .post('/api/resources')
      .set('Authorization', county.master.auth)
      .send({
        ...BASE_RESOURCE,
        subject: 'alchemy',
        edition: 'nope',
        license: 'mine',
        resourceType: 'poster',
        hacker: 1,
      });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.details.fields)).toEqual(
      expect.arrayContaining(['subject', 'edition', 'license', 'resourceType', 'hacker']),
    );
    const science = await ctx.http
      .post('/api/resources')
      .set('Authorization', county.master.auth)
      .send({ ...BASE_RESOURCE, subject: 'science', grade: '三年级' });
    expect(science.status).toBe(400);
    expect(science.body.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(science.body.details.fields)).toEqual(['subject', 'grade']);

    const created = await createResource(ctx, county.master);
    expect(created).toEqual(
      expect.objectContaining({
        status: 'draft',
        visibility: 'school',
        subject: { code: 'math', name: '数学' },
        edition: { code: 'pep', name: '人教版' },
        resourceType: { code: 'lesson_plan', name: '教学设计' },
        school: expect.objectContaining({ id: county.urban.id, locale: 'urban' }),
        author: expect.objectContaining({ id: county.master.user.id, isMasterTeacher: true }),
      }),
    );
    const edit = await ctx.http
      .patch(`/api/resources/${created.id}`)
      .set('Authorization', county.master.auth)
      .send({ stage: 'primary' });
    expect(edit.status).toBe(400);
    expect(edit.body.details.fields.grade).toBeDefined();
    const ok = await ctx.http
      .patch(`/api/resources/${created.id}`)
      .set('Authorization', county.master.auth)
      .send({ title: '一元一次方程（修订）', tags: ['方程', '方程', ' 解方程 '] });
    expect(ok.status).toBe(200);
    expect(ok.body.title).toBe('一元一次方程（修订）');
    expect(ok.body.tags).toEqual(['方程', '解方程']);
    const notMine = await ctx.http
      .patch(`/api/resources/${created.id}`)
      .set('Authorization', colleague.auth)
      .send({ title: 'x' });
    expect(notMine.status).toBe(404);
    // District admins have no school to publish from.
    const district = await ctx.http
      .post('/api/resources')
      .set('Authorization', county.district.auth)
      .send(BASE_RESOURCE);
    expect(district.status).toBe(403);
  });

  it('a new version keeps the history; revising content published to the district sends it back through review', async () => {
    const { resource, file } = await publishedResource(ctx, county.master, 'district', {
      approvers: [county.urbanAdmin],
      file: { name: '第一版.txt', data: Buffer.from('第一版内容') },
    });
    expect(resource.status).toBe('published');
    const before = await outboxCount(resource.id);
    const revised = await ctx.http
      .post(`/api/resources/${resource.id}/versions`)
      .set('Authorization', county.master.auth)
      .send({ note: '补充了例题', copyFiles: true });
    expect(revised.status).toBe(201);
    expect(revised.body.status).toBe('draft');
    expect(revised.body.currentVersion).toEqual(expect.objectContaining({ number: 2, note: '补充了例题' }));
    expect(revised.body.currentVersion.files.map((f: { sha256: string }) => f.sha256)).toEqual([file.sha256]);
    await attach(ctx, county.master, resource.id, '例题.txt', Buffer.from('例题'));
    expect(await outboxCount(resource.id)).toBeGreaterThan(before);

    const versions = await ctx.http
      .get(`/api/resources/${resource.id}/versions`)
      .set('Authorization', county.master.auth);
    const list = versions.body as ResourceVersionDto[];
    expect(list.map((v) => [v.number, v.files.map((f) => f.name)])).toEqual([
      [2, ['第一版.txt', '例题.txt']],
      [1, ['第一版.txt']],
    ]);
    // The first version's file is still there to download.
    const old = await ctx.http
      .get(`/api/files/${list[1].files[0].id}/download`)
      .set('Authorization', county.master.auth);
    expect(old.text).toBe('第一版内容');

    const resubmitted = await ctx.http
      .post(`/api/resources/${resource.id}/submit`)
      .set('Authorization', county.master.auth)
      .send({ visibility: 'district' });
    expect(resubmitted.body.status).toBe('pending_review');
    const history = await ctx.http
      .get(`/api/resources/${resource.id}/reviews`)
      .set('Authorization', county.master.auth);
    expect(history.body.map((e: { action: string }) => e.action)).toEqual([
      'submitted',
      'approved',
      'revised',
      'submitted',
    ]);
  });

  it('a remix credits its source and shares its stored files; all-rights-reserved material cannot be remixed', async () => {
    const { resource, file } = await publishedResource(ctx, county.master, 'district', {
      approvers: [county.urbanAdmin],
      file: { name: '原版课件.mp4', data: mp4Bytes(5000, 77) },
    });
    const objectsBefore = await storedObjects(ctx);
    const remix = await ctx.http
      .post(`/api/resources/${resource.id}/remix`)
      .set('Authorization', county.ruralTeacher.auth)
      .send({ title: '一元一次方程（乡村版）' });
    expect(remix.status).toBe(201);
    expect(remix.body).toEqual(
      expect.objectContaining({
        title: '一元一次方程（乡村版）',
        status: 'draft',
        author: expect.objectContaining({ id: county.ruralTeacher.user.id }),
        school: expect.objectContaining({ id: county.rural.id }),
        remixOf: {
          id: resource.id,
          title: resource.title,
          authorName: resource.author.displayName,
          available: true,
        },
      }),
    );
    expect(remix.body.currentVersion.files.map((f: { sha256: string }) => f.sha256)).toEqual([file.sha256]);
    expect(await storedObjects(ctx)).toEqual(objectsBefore);

    const { resource: closed } = await publishedResource(ctx, county.master, 'district', {
      approvers: [county.urbanAdmin],
      overrides: { license: 'all-rights-reserved' },
    });
    const refused = await ctx.http
      .post(`/api/resources/${closed.id}/remix`)
      .set('Authorization', county.ruralTeacher.auth)
      .send({});
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('LIBRARY_REMIX_NOT_PERMITTED');
  });

  it('teachers rate once each (1–5, changeable) and keep favourites; the average is on the resource', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'school');
    const rate = (who: Actor, stars: unknown) =>
      ctx.http.put(`/api/resources/${resource.id}/rating`).set('Authorization', who.auth).send({ stars });
    expect((await rate(colleague, 5)).body).toEqual(expect.objectContaining({ myRating: 5 }));
    const changed = await rate(colleague, 3);
    expect(changed.body.counts).toEqual(expect.objectContaining({ ratingAvg: 3, ratingCount: 1 }));
    const admin = await rate(county.urbanAdmin, 4);
    expect(admin.body.counts).toEqual(expect.objectContaining({ ratingAvg: 3.5, ratingCount: 2 }));
    expect((await rate(colleague, 6)).status).toBe(400);
    expect((await rate(colleague, 0)).status).toBe(400);
    expect((await rate(colleague, 2.5)).status).toBe(400);
    const own = await rate(county.master, 5);
    expect(own.status).toBe(409);
    expect((await rate(county.ruralTeacher, 5)).status).toBe(404);

    const fav = await ctx.http
      .put(`/api/resources/${resource.id}/favourite`)
      .set('Authorization', colleague.auth);
    expect(fav.body.favourited).toBe(true);
    await ctx.http
      .put(`/api/resources/${resource.id}/favourite`)
      .set('Authorization', colleague.auth)
      .expect(200);
    const favourites = await ctx.http
      .get('/api/resources?scope=favourites')
      .set('Authorization', colleague.auth);
    expect((favourites.body as ResourcePageDto).items.map((r) => r.id)).toEqual([resource.id]);
    const unfav = await ctx.http
      .delete(`/api/resources/${resource.id}/favourite`)
      .set('Authorization', colleague.auth);
    expect(unfav.body.favourited).toBe(false);

    const sorted = await ctx.http
      .get('/api/resources?sort=rating&pageSize=5')
      .set('Authorization', colleague.auth);
    expect((sorted.body as ResourcePageDto).items[0].id).toBe(resource.id);
  });

  it('lists filter by curriculum position and title, newest first', async () => {
    const mine = await createResource(ctx, county.master, {
      title: '勾股定理 导学案',
      stage: 'junior',
      grade: '八年级',
      resourceType: 'study_guide',
    });
    const found = await ctx.http
      .get('/api/resources?scope=mine&q=勾股&grade=八年级')
      .set('Authorization', county.master.auth);
    expect((found.body as ResourcePageDto).items.map((r) => r.id)).toEqual([mine.id]);
    const none = await ctx.http
      .get('/api/resources?scope=mine&q=勾股&resourceType=exercise')
      .set('Authorization', county.master.auth);
    expect((none.body as ResourcePageDto).total).toBe(0);
    const bad = await ctx.http
      .get('/api/resources?subject=alchemy&pageSize=1000')
      .set('Authorization', county.master.auth);
    expect(bad.status).toBe(400);
  });

  it('builds the search document from the database, with labels, school and the extracted text', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'school', {
      file: { name: '教学设计.docx', data: await buildDocx() },
    });
    await drainExtraction(ctx);
    const doc = await ctx.app.get(ResourceSearchDocuments).build(resource.id);
    expect(doc).toEqual(
      expect.objectContaining({
        id: resource.id,
        subjectName: '数学',
        stageName: '初中',
        editionName: '人教版',
        volumeName: '上册',
        resourceTypeName: '教学设计',
        lessonPeriod: '1',
        authorId: county.master.user.id,
        schoolId: county.urban.id,
        schoolName: county.urban.name,
        schoolLocale: 'urban',
        regionId: county.region.id,
        visibility: 'school',
        status: 'published',
        extractedText: expect.stringContaining('移项得'),
      }),
    );
  });

  it('deleted resources vanish; their objects are collected once nothing live uses them, shared ones stay', async () => {
    const onlyHere = mp4Bytes(8000, 101);
    const shared = mp4Bytes(8000, 102);
    const a = await createResource(ctx, county.master);
    await attach(ctx, county.master, a.id, '独有.mp4', onlyHere);
    await attach(ctx, county.master, a.id, '共享.mp4', shared);
    const b = await createResource(ctx, colleague);
    const bFile = await attach(ctx, colleague, b.id, '共享副本.mp4', shared);
    const withdrawnOne = await publishedResource(ctx, county.master, 'school', {
      file: { name: '撤下.mp4', data: mp4Bytes(8000, 103) },
    });
    await ctx.http
      .post(`/api/resources/${withdrawnOne.resource.id}/withdraw`)
      .set('Authorization', county.master.auth)
      .send({})
      .expect(200);

    expect(
      (await ctx.http.delete(`/api/resources/${a.id}`).set('Authorization', colleague.auth)).status,
    ).toBe(404);
    const outboxBefore = await outboxCount(a.id);
    expect(
      (await ctx.http.delete(`/api/resources/${a.id}`).set('Authorization', county.master.auth)).status,
    ).toBe(204);
    expect(await outboxCount(a.id)).toBe(outboxBefore + 1);
    expect(
      (await ctx.http.get(`/api/resources/${a.id}`).set('Authorization', county.master.auth)).status,
    ).toBe(404);
    expect(await ctx.app.get(ResourceSearchDocuments).build(a.id)).toBeNull();

    // Fresh objects are safe from the collector (an upload may be about to commit them).
    await gc(ctx).run();
    expect(await storedObjects(ctx)).toContain(keyOf(sha256(onlyHere)));

    const report = await gc(ctx).run({ objectGraceMs: 0 });
    expect(report.objectsDeleted).toBeGreaterThanOrEqual(1);
    const keys = await storedObjects(ctx);
    expect(keys).not.toContain(keyOf(sha256(onlyHere)));
    expect(keys).toContain(keyOf(sha256(shared)));
    expect(keys).toContain(keyOf(withdrawnOne.file.sha256));
    // The deleted resource's rows stay (history) but say their bytes are gone; no live row points at nothing.
    const rows = await ctx.dataSource
      .getRepository(ResourceFile)
      .find({ where: { resourceId: a.id }, order: { position: 'ASC' } });
    expect(rows.map((r) => r.purgedAt !== null)).toEqual([true, false]);
    const live: { key: string }[] = await ctx.dataSource.query(
      `SELECT f.object_key AS key FROM resource_files f JOIN resources r ON r.id = f.resource_id
       WHERE r.deleted_at IS NULL AND f.purged_at IS NULL`,
    );
    for (const { key } of live) expect(keys).toContain(key);
    const still = await ctx.http.get(`/api/files/${bFile.id}/download`).set('Authorization', colleague.auth);
    expect(still.status).toBe(200);

    // Once the last user of the shared content is deleted too, it goes.
    await ctx.http.delete(`/api/resources/${b.id}`).set('Authorization', colleague.auth).expect(204);
    await gc(ctx).run({ objectGraceMs: 0 });
    expect(await storedObjects(ctx)).not.toContain(keyOf(sha256(shared)));
  });

  it('a teaching-research group’s published plan version arrives as a lesson plan waiting for review', async () => {
    const docx = await buildDocx();
    const event = (userId: string, schoolId: string | null) => ({
      planId: '00000000-0000-4000-8000-000000000001',
      versionId: '00000000-0000-4000-8000-000000000002',
      groupId: '00000000-0000-4000-8000-000000000003',
      regionId: county.region.id,
      docx: new Uint8Array(docx),
      fileName: '解一元一次方程（一）-定稿.docx',
      metadata: {
        title: '解一元一次方程（一）',
        resourceType: 'lesson_plan' as const,
        subject: 'math',
        stage: 'junior',
        grade: '七年级',
        edition: 'pep',
        volume: 'first',
        unit: '第三单元 一元一次方程',
        lessonPeriod: 1,
        versionName: '定稿',
        author: { groupId: '00000000-0000-4000-8000-000000000003', groupName: '七年级数学教研组' },
      },
      actor: { userId, schoolId, regionId: county.region.id },
    });
    const bus = ctx.app.get(DomainEvents);
    bus.publish('planning.version_published', event(county.master.user.id, county.urban.id));
    bus.publish('planning.version_published', event(county.district.user.id, null));
    await bus.drain();

    const mine = await ctx.http
      .get('/api/resources?scope=mine&q=解一元一次方程')
      .set('Authorization', county.master.auth);
    const items = (mine.body as ResourcePageDto).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toEqual(
      expect.objectContaining({
        title: '解一元一次方程（一）',
        status: 'pending_review',
        review: { requestedVisibility: 'district', stage: 'school' },
        tags: ['集体备课', '七年级数学教研组'],
      }),
    );
    expect(items[0].currentVersion?.files.map((f) => [f.name, f.kind])).toEqual([
      ['解一元一次方程（一）-定稿.docx', 'docx'],
    ]);
    const queue = await ctx.http.get('/api/reviews').set('Authorization', county.urbanAdmin.auth);
    expect((queue.body as ResourceDto[]).map((r) => r.id)).toContain(items[0].id);
    // A district admin who publishes has no school to author from: nothing half-made appears.
    const count = await ctx.dataSource.query(
      "SELECT count(*)::int AS n FROM resources WHERE title = '解一元一次方程（一）'",
    );
    expect(count[0].n).toBe(1);
  });

  it('views are counted for other people, not for the author', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'school');
    await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', county.master.auth).expect(200);
    await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', colleague.auth).expect(200);
    const seen = await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', colleague.auth);
    expect((seen.body as ResourceDto).counts.views).toBe(2);
  });
});
