import { TestContext, type County } from '../support/context.js';

/** Every query is scoped: school admins see their school, district admins their region. */
describe('roles and scope', () => {
  let ctx: TestContext;
  let a: County;
  let b: County;

  beforeAll(async () => {
    ctx = await TestContext.create();
    a = await ctx.newCounty();
    b = await ctx.newCounty();
  });
  afterAll(() => ctx.close());

  const pairingBody = (c: County) => ({
    urbanSchoolId: c.urban.id,
    partnerSchoolIds: [c.rural.id],
    masterTeacherId: c.master.user.id,
    classroomIds: [c.ruralClassroom.id],
    term: '2026-2027-1',
    subjects: ['math'],
  });

  it('a school admin cannot read or change another school’s teachers', async () => {
    const own = await ctx.http
      .get(`/api/schools/${a.rural.id}/staff`)
      .set('Authorization', a.ruralAdmin.auth);
    expect(own.status).toBe(200);
    expect(own.body.map((u: { id: string }) => u.id)).toContain(a.ruralTeacher.user.id);

    const sameRegionOtherSchool = await ctx.http
      .get(`/api/schools/${a.urban.id}/staff`)
      .set('Authorization', a.ruralAdmin.auth);
    expect(sameRegionOtherSchool.status).toBe(403);
    const otherRegion = await ctx.http
      .get(`/api/schools/${b.rural.id}/staff`)
      .set('Authorization', a.ruralAdmin.auth);
    expect(otherRegion.status).toBe(404);

    const change = await ctx.http
      .patch(`/api/users/${a.master.user.id}`)
      .set('Authorization', a.ruralAdmin.auth)
      .send({ isMasterTeacher: false });
    expect(change.status).toBe(404);
    const invite = await ctx.http
      .post(`/api/schools/${a.urban.id}/invites`)
      .set('Authorization', a.ruralAdmin.auth)
      .send({});
    expect(invite.status).toBe(403);
    // Nothing changed.
    const me = await ctx.http.get('/api/auth/me').set('Authorization', a.master.auth);
    expect(me.body.isMasterTeacher).toBe(true);
  });

  it('a district admin sees only their region', async () => {
    const schools = await ctx.http.get('/api/schools').set('Authorization', a.district.auth);
    const ids = schools.body.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([a.urban.id, a.rural.id]));
    expect(ids).not.toContain(b.urban.id);
    expect(
      (await ctx.http.get(`/api/schools/${b.urban.id}`).set('Authorization', a.district.auth)).status,
    ).toBe(404);
    const staff = await ctx.http
      .get(`/api/schools/${a.urban.id}/staff`)
      .set('Authorization', a.district.auth);
    expect(staff.status).toBe(200);
    const regions = await ctx.http.get('/api/regions').set('Authorization', a.district.auth);
    expect(regions.body).toEqual([expect.objectContaining({ id: a.region.id })]);
  });

  it('a teacher cannot create pairings', async () => {
    const res = await ctx.http.post('/api/pairings').set('Authorization', a.master.auth).send(pairingBody(a));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    const asSchoolAdmin = await ctx.http
      .post('/api/pairings')
      .set('Authorization', a.urbanAdmin.auth)
      .send(pairingBody(a));
    expect(asSchoolAdmin.status).toBe(403);
  });

  it('a district admin cannot pair schools of another region', async () => {
    const res = await ctx.http
      .post('/api/pairings')
      .set('Authorization', a.district.auth)
      .send(pairingBody(b));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PAIRING_SCHOOL_NOT_FOUND');
  });

  it('pairing lifecycle: proposed → active → ended; both schools see it, other schools do not', async () => {
    const created = await ctx.http
      .post('/api/pairings')
      .set('Authorization', a.district.auth)
      .send(pairingBody(a));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'proposed',
      urbanSchool: { id: a.urban.id },
      partnerSchools: [{ id: a.rural.id, locale: 'rural' }],
      masterTeacher: { id: a.master.user.id },
      classrooms: [{ id: a.ruralClassroom.id }],
    });
    const id = created.body.id as string;

    const dup = await ctx.http
      .post('/api/pairings')
      .set('Authorization', a.district.auth)
      .send(pairingBody(a));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('PAIRING_DUPLICATE');

    const activated = await ctx.http
      .post(`/api/pairings/${id}/activate`)
      .set('Authorization', a.district.auth);
    expect(activated.body.status).toBe('active');

    for (const viewer of [a.urbanAdmin, a.ruralAdmin, a.master, a.ruralTeacher]) {
      const list = await ctx.http.get('/api/pairings').set('Authorization', viewer.auth);
      expect(list.body.map((p: { id: string }) => p.id)).toContain(id);
      expect((await ctx.http.get(`/api/pairings/${id}`).set('Authorization', viewer.auth)).status).toBe(200);
    }
    for (const outsider of [b.district, b.ruralAdmin, b.master]) {
      const list = await ctx.http.get('/api/pairings').set('Authorization', outsider.auth);
      expect(list.body.map((p: { id: string }) => p.id)).not.toContain(id);
      expect((await ctx.http.get(`/api/pairings/${id}`).set('Authorization', outsider.auth)).status).toBe(
        404,
      );
    }
    // A school admin of either side may not end it; the district may.
    expect(
      (await ctx.http.post(`/api/pairings/${id}/end`).set('Authorization', a.urbanAdmin.auth).send({}))
        .status,
    ).toBe(403);
    const ended = await ctx.http
      .post(`/api/pairings/${id}/end`)
      .set('Authorization', a.district.auth)
      .send({ reason: '学期结束' });
    expect(ended.body).toMatchObject({ status: 'ended', endReason: '学期结束' });
    const again = await ctx.http.post(`/api/pairings/${id}/activate`).set('Authorization', a.district.auth);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PAIRING_BAD_TRANSITION');
  });

  it('refuses pairings whose schools or people do not fit, naming the problem', async () => {
    const urbanAsPartner = await ctx.http
      .post('/api/pairings')
      .set('Authorization', a.district.auth)
      .send({
        ...pairingBody(a),
        urbanSchoolId: a.rural.id,
        partnerSchoolIds: [a.urban.id],
        classroomIds: [],
      });
    expect(urbanAsPartner.body.code).toBe('PAIRING_URBAN_SCHOOL_INVALID');
    const notMaster = await ctx.http
      .post('/api/pairings')
      .set('Authorization', a.district.auth)
      .send({ ...pairingBody(a), masterTeacherId: a.ruralTeacher.user.id, term: '2027-2028-1' });
    expect(notMaster.body.code).toBe('PAIRING_MASTER_TEACHER_INVALID');
    const foreignRoom = await ctx.http
      .post('/api/pairings')
      .set('Authorization', a.district.auth)
      .send({ ...pairingBody(a), classroomIds: [b.ruralClassroom.id], term: '2027-2028-1' });
    expect(foreignRoom.body.code).toBe('PAIRING_CLASSROOM_INVALID');
    const badTerm = await ctx.http
      .post('/api/pairings')
      .set('Authorization', a.district.auth)
      .send({ ...pairingBody(a), term: '2026' });
    expect(badTerm.status).toBe(400);
    expect(badTerm.body.details.fields).toHaveProperty('term');
    const badSubject = await ctx.http
      .post('/api/pairings')
      .set('Authorization', a.district.auth)
      .send({ ...pairingBody(a), subjects: ['astrology'], term: '2027-2028-2' });
    expect(badSubject.body.code).toBe('PAIRING_SUBJECT_INVALID');
  });

  it('only the district admin invites school admins, and only platform admins invite district admins', async () => {
    const bySchoolAdmin = await ctx.http
      .post(`/api/schools/${a.rural.id}/invites`)
      .set('Authorization', a.ruralAdmin.auth)
      .send({ role: 'school_admin' });
    expect(bySchoolAdmin.status).toBe(403);
    const byDistrict = await ctx.http
      .post(`/api/schools/${a.rural.id}/invites`)
      .set('Authorization', a.district.auth)
      .send({ role: 'school_admin' });
    expect(byDistrict.status).toBe(201);
    expect(byDistrict.body.role).toBe('school_admin');
    const districtInvite = await ctx.http
      .post(`/api/regions/${a.region.id}/invites`)
      .set('Authorization', a.district.auth)
      .send({});
    expect(districtInvite.status).toBe(403);
  });

  it('a school admin cannot change their school’s locale, the district can', async () => {
    const res = await ctx.http
      .patch(`/api/schools/${a.rural.id}`)
      .set('Authorization', a.ruralAdmin.auth)
      .send({ locale: 'urban' });
    expect(res.status).toBe(403);
    const ok = await ctx.http
      .patch(`/api/schools/${a.rural.id}`)
      .set('Authorization', a.ruralAdmin.auth)
      .send({ enrolment: 95 });
    expect(ok.body).toMatchObject({ enrolment: 95, locale: 'rural' });
  });
});
