import type { NotificationDto, ResourceDto, ResourcePageDto } from '@tongke/contracts';
import { TestContext, type Actor, type County } from '../support/context.js';
import { attach, createResource, publishedResource } from '../support/library.js';

/** Every read path a viewer might try, each of which must answer 404 for what they may not see. */
async function readPaths(ctx: TestContext, viewer: Actor, resource: ResourceDto): Promise<number[]> {
  const fileId = resource.currentVersion?.files[0]?.id;
  if (!fileId) throw new Error('resource without a file');
  const auth = { Authorization: viewer.auth };
  return [
    (await ctx.http.get(`/api/resources/${resource.id}`).set(auth)).status,
    (await ctx.http.get(`/api/resources/${resource.id}/download`).set(auth)).status,
    (await ctx.http.get(`/api/resources/${resource.id}/versions`).set(auth)).status,
    (await ctx.http.get(`/api/files/${fileId}/download`).set(auth)).status,
    (await ctx.http.get(`/api/files/${fileId}/preview`).set(auth)).status,
    (await ctx.http.get(`/api/files/${fileId}/outline`).set(auth)).status,
  ];
}

async function listIds(ctx: TestContext, viewer: Actor): Promise<string[]> {
  const res = await ctx.http.get('/api/resources?pageSize=100').set('Authorization', viewer.auth);
  expect(res.status).toBe(200);
  return (res.body as ResourcePageDto).items.map((r) => r.id);
}

async function notificationsOf(ctx: TestContext, actor: Actor): Promise<NotificationDto[]> {
  const res = await ctx.http.get('/api/notifications').set('Authorization', actor.auth);
  expect(res.status).toBe(200);
  return res.body as NotificationDto[];
}

describe('library: publishing, review and visibility', () => {
  let ctx: TestContext;
  let county: County;
  let other: County;
  let urbanColleague: Actor;

  beforeAll(async () => {
    ctx = await TestContext.create();
    county = await ctx.newCounty();
    other = await ctx.newCounty();
    urbanColleague = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
  });
  afterAll(() => ctx.close());

  it('a school-visible resource is published by its author at once and is invisible (404) outside the school on every read path', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'school');
    expect(resource.status).toBe('published');
    expect(resource.visibility).toBe('school');

    expect(await readPaths(ctx, urbanColleague, resource)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await readPaths(ctx, county.ruralTeacher, resource)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(await readPaths(ctx, other.master, resource)).toEqual([404, 404, 404, 404, 404, 404]);
    const hidden = await ctx.http
      .get(`/api/resources/${resource.id}`)
      .set('Authorization', other.master.auth);
    expect(hidden.body).toEqual(
      expect.objectContaining({ statusCode: 404, code: 'LIBRARY_RESOURCE_NOT_FOUND' }),
    );

    expect(await listIds(ctx, urbanColleague)).toContain(resource.id);
    expect(await listIds(ctx, county.ruralTeacher)).not.toContain(resource.id);
  });

  it('a private resource is seen by its author only, not even by the school admin', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'private');
    expect(resource.status).toBe('published');
    expect(await readPaths(ctx, county.master, resource)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await readPaths(ctx, county.urbanAdmin, resource)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(await listIds(ctx, urbanColleague)).not.toContain(resource.id);
  });

  it('drafts stay with their author; publishing without a file is refused', async () => {
    const draft = await createResource(ctx, county.master);
    expect(draft.status).toBe('draft');
    expect(
      (await ctx.http.get(`/api/resources/${draft.id}`).set('Authorization', urbanColleague.auth)).status,
    ).toBe(404);
    const res = await ctx.http
      .post(`/api/resources/${draft.id}/submit`)
      .set('Authorization', county.master.auth)
      .send({ visibility: 'school' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('LIBRARY_NO_FILES');
  });

  it('a district request waits in the school admin’s queue; approval publishes it to the county and the author is told', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'district');
    expect(resource.status).toBe('pending_review');
    expect(resource.review).toEqual({ requestedVisibility: 'district', stage: 'school' });
    expect(await readPaths(ctx, county.ruralTeacher, resource)).toEqual([404, 404, 404, 404, 404, 404]);

    const queue = await ctx.http.get('/api/reviews').set('Authorization', county.urbanAdmin.auth);
    expect(queue.status).toBe(200);
    expect((queue.body as ResourceDto[]).map((r) => r.id)).toContain(resource.id);
    const ruralQueue = await ctx.http.get('/api/reviews').set('Authorization', county.ruralAdmin.auth);
    expect((ruralQueue.body as ResourceDto[]).map((r) => r.id)).not.toContain(resource.id);
    expect((await ctx.http.get('/api/reviews').set('Authorization', county.master.auth)).status).toBe(403);

    // The reviewer can open what they review.
    expect(await readPaths(ctx, county.urbanAdmin, resource)).toEqual([200, 200, 200, 200, 200, 200]);

    const approved = await ctx.http
      .post(`/api/resources/${resource.id}/approve`)
      .set('Authorization', county.urbanAdmin.auth);
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual(
      expect.objectContaining({ status: 'published', visibility: 'district', review: null }),
    );

    expect(await readPaths(ctx, county.ruralTeacher, resource)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await listIds(ctx, county.ruralTeacher)).toContain(resource.id);
    expect(await readPaths(ctx, other.ruralTeacher, resource)).toEqual([404, 404, 404, 404, 404, 404]);

    const told = await notificationsOf(ctx, county.master);
    const note = told.find((n) => n.resourceId === resource.id);
    expect(note).toEqual(expect.objectContaining({ kind: 'review_approved', readAt: null }));
    expect(note?.message).toContain(resource.title);
    const read = await ctx.http
      .post(`/api/notifications/${note?.id}/read`)
      .set('Authorization', county.master.auth);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect(
      (await ctx.http.post(`/api/notifications/${note?.id}/read`).set('Authorization', urbanColleague.auth))
        .status,
    ).toBe(404);
  });

  it('a public request passes the school admin, then the district admin, then everyone sees it', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'public', {
      approvers: [county.urbanAdmin],
    });
    expect(resource.status).toBe('pending_review');
    expect(resource.review).toEqual({ requestedVisibility: 'public', stage: 'district' });
    expect(
      (await notificationsOf(ctx, county.master)).some(
        (n) => n.resourceId === resource.id && n.kind === 'review_escalated',
      ),
    ).toBe(true);

    // The school admin has done their part; it is now in the district queue.
    const schoolQueue = await ctx.http.get('/api/reviews').set('Authorization', county.urbanAdmin.auth);
    expect((schoolQueue.body as ResourceDto[]).map((r) => r.id)).not.toContain(resource.id);
    // …and, as an unpublished resource outside their queue, it is hidden from them again.
    const again = await ctx.http
      .post(`/api/resources/${resource.id}/approve`)
      .set('Authorization', county.urbanAdmin.auth);
    expect(again.status).toBe(404);
    const districtQueue = await ctx.http.get('/api/reviews').set('Authorization', county.district.auth);
    expect((districtQueue.body as ResourceDto[]).map((r) => r.id)).toContain(resource.id);
    const otherDistrict = await ctx.http.get('/api/reviews').set('Authorization', other.district.auth);
    expect((otherDistrict.body as ResourceDto[]).map((r) => r.id)).not.toContain(resource.id);

    const approved = await ctx.http
      .post(`/api/resources/${resource.id}/approve`)
      .set('Authorization', county.district.auth);
    expect(approved.body).toEqual(expect.objectContaining({ status: 'published', visibility: 'public' }));
    expect(await readPaths(ctx, other.ruralTeacher, resource)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('a rejection sends the resource back to draft with the reason, and the author is told', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'district');
    const rejected = await ctx.http
      .post(`/api/resources/${resource.id}/reject`)
      .set('Authorization', county.urbanAdmin.auth)
      .send({ reason: '请补充教学目标' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toEqual(expect.objectContaining({ status: 'draft', review: null }));
    const mine = await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', county.master.auth);
    expect(mine.body.lastRejection).toBe('请补充教学目标');
    const note = (await notificationsOf(ctx, county.master)).find((n) => n.resourceId === resource.id);
    expect(note?.kind).toBe('review_rejected');
    expect(note?.message).toContain('请补充教学目标');
    const history = await ctx.http
      .get(`/api/resources/${resource.id}/reviews`)
      .set('Authorization', county.master.auth);
    expect(history.body.map((e: { action: string }) => e.action)).toEqual(['submitted', 'rejected']);
    const noReason = await ctx.http
      .post(`/api/resources/${resource.id}/reject`)
      .set('Authorization', county.urbanAdmin.auth)
      .send({});
    expect(noReason.status).toBe(400);
  });

  it('nobody approves their own request, and teachers cannot approve at all', async () => {
    const own = await createResource(ctx, county.urbanAdmin);
    await attach(ctx, county.urbanAdmin, own.id, '管理员的教案.txt', Buffer.from('管理员'));
    const submitted = await ctx.http
      .post(`/api/resources/${own.id}/submit`)
      .set('Authorization', county.urbanAdmin.auth)
      .send({ visibility: 'district' });
    // A school admin's own request goes straight to the district.
    expect(submitted.body.review).toEqual({ requestedVisibility: 'district', stage: 'district' });
    expect(
      (await ctx.http.post(`/api/resources/${own.id}/approve`).set('Authorization', county.urbanAdmin.auth))
        .status,
    ).toBe(403);

    const { resource } = await publishedResource(ctx, county.master, 'district');
    expect(
      (await ctx.http.post(`/api/resources/${resource.id}/approve`).set('Authorization', urbanColleague.auth))
        .status,
    ).toBe(404);
    expect(
      (await ctx.http.post(`/api/resources/${resource.id}/approve`).set('Authorization', county.master.auth))
        .status,
    ).toBe(403);
    expect(
      (
        await ctx.http
          .post(`/api/resources/${resource.id}/approve`)
          .set('Authorization', county.ruralAdmin.auth)
      ).status,
    ).toBe(404);
  });

  it('widening a published resource keeps it visible where it was while the request waits', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'school');
    const widened = await ctx.http
      .post(`/api/resources/${resource.id}/submit`)
      .set('Authorization', county.master.auth)
      .send({ visibility: 'district' });
    expect(widened.body).toEqual(
      expect.objectContaining({
        status: 'published',
        visibility: 'school',
        review: { requestedVisibility: 'district', stage: 'school' },
      }),
    );
    expect(
      (await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', urbanColleague.auth)).status,
    ).toBe(200);
    expect(
      (await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', county.ruralTeacher.auth))
        .status,
    ).toBe(404);
    await ctx.http
      .post(`/api/resources/${resource.id}/approve`)
      .set('Authorization', county.urbanAdmin.auth)
      .expect(200);
    expect(
      (await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', county.ruralTeacher.auth))
        .status,
    ).toBe(200);

    // Narrowing needs no review.
    const narrowed = await ctx.http
      .post(`/api/resources/${resource.id}/submit`)
      .set('Authorization', county.master.auth)
      .send({ visibility: 'school' });
    expect(narrowed.body).toEqual(
      expect.objectContaining({ status: 'published', visibility: 'school', review: null }),
    );
    expect(
      (await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', county.ruralTeacher.auth))
        .status,
    ).toBe(404);
  });

  it('a withdrawn resource disappears for everyone but its author; an admin’s withdrawal is told to the author', async () => {
    const { resource } = await publishedResource(ctx, county.master, 'district', {
      approvers: [county.urbanAdmin],
    });
    const withdrawn = await ctx.http
      .post(`/api/resources/${resource.id}/withdraw`)
      .set('Authorization', county.urbanAdmin.auth)
      .send({ reason: '内容有误' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect(await readPaths(ctx, county.ruralTeacher, resource)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(
      (await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', county.master.auth)).body
        .status,
    ).toBe('withdrawn');
    const note = (await notificationsOf(ctx, county.master)).find(
      (n) => n.resourceId === resource.id && n.kind === 'resource_withdrawn',
    );
    expect(note?.message).toContain('内容有误');
    // Only published resources can be withdrawn; the rural school's admin is not this school's admin.
    expect(
      (
        await ctx.http
          .post(`/api/resources/${resource.id}/withdraw`)
          .set('Authorization', county.master.auth)
          .send({})
      ).status,
    ).toBe(409);
  });

  it('lesson packs show each viewer only the items they may see, and private packs are the owner’s', async () => {
    const { resource: shared } = await publishedResource(ctx, county.master, 'public', {
      approvers: [county.district],
    });
    const { resource: schoolOnly } = await publishedResource(ctx, county.ruralTeacher, 'school');
    const created = await ctx.http
      .post('/api/packs')
      .set('Authorization', county.ruralTeacher.auth)
      .send({
        title: '七年级 一元一次方程 第1课时',
        visibility: 'district',
        resourceIds: [shared.id, schoolOnly.id],
      });
    expect(created.status).toBe(201);
    expect(created.body.items.map((i: { resource: { id: string } }) => i.resource.id)).toEqual([
      shared.id,
      schoolOnly.id,
    ]);

    const seen = await ctx.http.get(`/api/packs/${created.body.id}`).set('Authorization', county.master.auth);
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((i: { resource: { id: string } }) => i.resource.id)).toEqual([shared.id]);
    expect(seen.body.hiddenItems).toBe(1);
    expect(
      (await ctx.http.get(`/api/packs/${created.body.id}`).set('Authorization', other.master.auth)).status,
    ).toBe(404);
    expect(
      (
        await ctx.http
          .get(`/api/packs/${created.body.id}/download.zip`)
          .set('Authorization', other.master.auth)
      ).status,
    ).toBe(404);
    expect(
      (
        await ctx.http
          .put(`/api/packs/${created.body.id}/items`)
          .set('Authorization', county.master.auth)
          .send({ resourceIds: [] })
      ).status,
    ).toBe(403);

    // Nobody can put into a pack what they cannot see.
    const { resource: urbanSchoolOnly } = await publishedResource(ctx, county.master, 'school');
    const sneaky = await ctx.http
      .put(`/api/packs/${created.body.id}/items`)
      .set('Authorization', county.ruralTeacher.auth)
      .send({ resourceIds: [urbanSchoolOnly.id] });
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.code).toBe('LIBRARY_PACK_ITEMS_INVALID');

    const privatePack = await ctx.http
      .post('/api/packs')
      .set('Authorization', county.ruralTeacher.auth)
      .send({ title: '我的备课', resourceIds: [shared.id] });
    expect(privatePack.body.visibility).toBe('private');
    expect(
      (await ctx.http.get(`/api/packs/${privatePack.body.id}`).set('Authorization', county.ruralAdmin.auth))
        .status,
    ).toBe(404);
    const mine = await ctx.http.get('/api/packs?scope=mine').set('Authorization', county.ruralTeacher.auth);
    expect(mine.body.map((p: { id: string }) => p.id)).toEqual(
      expect.arrayContaining([created.body.id, privatePack.body.id]),
    );
    const visible = await ctx.http.get('/api/packs?scope=visible').set('Authorization', county.master.auth);
    expect(visible.body.map((p: { id: string }) => p.id)).toContain(created.body.id);
    expect(visible.body.map((p: { id: string }) => p.id)).not.toContain(privatePack.body.id);
  });
});
