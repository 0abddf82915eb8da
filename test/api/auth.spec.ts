import { jest } from '@jest/globals';
import { Clock } from '../../apps/api/src/common/clock.js';
import { TEST_PASSWORD, TestContext, type County } from '../support/context.js';

describe('accounts', () => {
  let ctx: TestContext;
  let county: County;

  beforeAll(async () => {
    ctx = await TestContext.create();
    county = await ctx.newCounty();
  });
  afterAll(() => ctx.close());

  it('logs in with email (any case) and returns a short-lived access token and a refresh token', async () => {
    const res = await ctx.http
      .post('/api/auth/login')
      .send({ identifier: county.master.user.email!.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.expiresIn).toBe(900);
    expect(res.body.user).toMatchObject({
      id: county.master.user.id,
      role: 'teacher',
      isMasterTeacher: true,
    });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    const me = await ctx.http.get('/api/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(county.master.user.id);
  });

  it('refuses a wrong password with one message that does not reveal whether the account exists', async () => {
    const wrong = await ctx.http
      .post('/api/auth/login')
      .send({ identifier: county.master.user.email, password: 'nope-nope-nope' });
    const unknown = await ctx.http
      .post('/api/auth/login')
      .send({ identifier: 'nobody@test.tongke.cn', password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(expect.objectContaining({ statusCode: 401, code: 'AUTH_BAD_CREDENTIALS' }));
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('rotates refresh tokens, and reusing an old one revokes the whole family', async () => {
    const login = await ctx.login(county.ruralTeacher.user.email!);
    const first = await ctx.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(login.refreshToken);
    // The legitimate holder goes on using its newest token.
    const second = await ctx.http.post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken });
    expect(second.status).toBe(200);

    // The stolen-token case: the old token shows up again after its successor was used.
    const reuse = await ctx.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('AUTH_REFRESH_REUSED');

    // The legitimate holder's newest token died with the family.
    const after = await ctx.http.post('/api/auth/refresh').send({ refreshToken: second.body.refreshToken });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('AUTH_REFRESH_INVALID');

    // Another login (another family) is untouched.
    const other = await ctx.login(county.ruralTeacher.user.email!);
    expect((await ctx.http.post('/api/auth/refresh').send({ refreshToken: other.refreshToken })).status).toBe(
      200,
    );
  });

  it('a page reloaded mid-refresh keeps its session: the lost successor is replaced, not the family revoked', async () => {
    const login = await ctx.login(county.ruralTeacher.user.email!);
    // The response carrying this token never reached the page.
    const lost = await ctx.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(lost.status).toBe(200);

    const again = await ctx.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(again.status).toBe(200);
    expect(again.body.refreshToken).not.toBe(lost.body.refreshToken);
    // Only one live token per session: the lost one no longer works, the new one does.
    const lostUse = await ctx.http.post('/api/auth/refresh').send({ refreshToken: lost.body.refreshToken });
    expect(lostUse.status).toBe(401);
    const next = await ctx.http.post('/api/auth/refresh').send({ refreshToken: again.body.refreshToken });
    expect(next.status).toBe(200);
  });

  it('an old refresh token presented after the grace window revokes the family', async () => {
    const login = await ctx.login(county.ruralTeacher.user.email!);
    const first = await ctx.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(first.status).toBe(200);
    const clock = ctx.app.get(Clock);
    const later = new Date(Date.now() + 5 * 60_000);
    const spy = jest.spyOn(clock, 'now').mockReturnValue(later);
    try {
      const reuse = await ctx.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('AUTH_REFRESH_REUSED');
      const newest = await ctx.http.post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken });
      expect(newest.status).toBe(401);
    } finally {
      spy.mockRestore();
    }
  });

  it('logout ends the session’s refresh tokens, even without a valid access token', async () => {
    const login = await ctx.login(county.ruralAdmin.user.email!);
    const out = await ctx.http.post('/api/auth/logout').send({ refreshToken: login.refreshToken });
    expect(out.status).toBe(204);
    const refresh = await ctx.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(refresh.status).toBe(401);
  });

  it('changes the password: old one stops working, other sessions are signed out', async () => {
    const teacher = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
    const otherSession = await ctx.login(teacher.user.email!);
    const bad = await ctx.http
      .post('/api/auth/change-password')
      .set('Authorization', teacher.auth)
      .send({ currentPassword: 'wrong-wrong-wrong', newPassword: 'a-brand-new-passphrase' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('AUTH_WRONG_PASSWORD');
    const ok = await ctx.http
      .post('/api/auth/change-password')
      .set('Authorization', teacher.auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-passphrase' });
    expect(ok.status).toBe(200);
    expect(ok.body.refreshToken).toBeTruthy();
    expect(
      (
        await ctx.http
          .post('/api/auth/login')
          .send({ identifier: teacher.user.email, password: TEST_PASSWORD })
      ).status,
    ).toBe(401);
    expect(
      (await ctx.http.post('/api/auth/refresh').send({ refreshToken: otherSession.refreshToken })).status,
    ).toBe(401);
    await expect(ctx.login(teacher.user.email!, 'a-brand-new-passphrase')).resolves.toBeTruthy();
  });

  it('invite codes are single-use', async () => {
    const invite = await ctx.http
      .post(`/api/schools/${county.rural.id}/invites`)
      .set('Authorization', county.ruralAdmin.auth)
      .send({ note: '新教师' });
    expect(invite.status).toBe(201);
    expect(invite.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const join = (email: string) =>
      ctx.http
        .post('/api/auth/accept-invite')
        .send({ code: invite.body.code, displayName: '新老师', email, password: TEST_PASSWORD });
    const first = await join('new1@test.tongke.cn');
    expect(first.status).toBe(201);
    expect(first.body.user).toMatchObject({
      role: 'teacher',
      schoolId: county.rural.id,
      regionId: county.region.id,
    });
    const second = await join('new2@test.tongke.cn');
    expect(second.status).toBe(400);
    expect(second.body.code).toBe('INVITE_INVALID');
    // The listing never shows codes again.
    const list = await ctx.http
      .get(`/api/schools/${county.rural.id}/invites`)
      .set('Authorization', county.ruralAdmin.auth);
    expect(list.body.find((i: { id: string }) => i.id === invite.body.id)).toMatchObject({
      usedAt: expect.any(String),
    });
    expect(list.body.every((i: { code?: string }) => i.code === undefined)).toBe(true);
  });

  it('invite codes expire', async () => {
    const invite = await ctx.http
      .post(`/api/schools/${county.rural.id}/invites`)
      .set('Authorization', county.ruralAdmin.auth)
      .send({});
    await ctx.dataSource.query(`UPDATE invites SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      invite.body.id,
    ]);
    const res = await ctx.http.post('/api/auth/accept-invite').send({
      code: invite.body.code,
      displayName: '迟到的老师',
      phone: '13912345678',
      password: TEST_PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVITE_INVALID');
    expect(await ctx.dataSource.query(`SELECT 1 FROM users WHERE phone = '13912345678'`)).toHaveLength(0);
  });

  it('logs in by phone number as typed with spaces or +86', async () => {
    const invite = await ctx.http
      .post(`/api/schools/${county.rural.id}/invites`)
      .set('Authorization', county.ruralAdmin.auth)
      .send({});
    const joined = await ctx.http.post('/api/auth/accept-invite').send({
      code: invite.body.code,
      displayName: '手机老师',
      phone: '13800001111',
      password: TEST_PASSWORD,
    });
    expect(joined.status).toBe(201);
    const res = await ctx.http
      .post('/api/auth/login')
      .send({ identifier: '+86 138 0000 1111', password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user.phone).toBe('13800001111');
  });

  it('a disabled account cannot log in or refresh', async () => {
    const teacher = await ctx.newTeacher(county.ruralAdmin, county.rural.id);
    const disable = await ctx.http
      .patch(`/api/users/${teacher.user.id}`)
      .set('Authorization', county.ruralAdmin.auth)
      .send({ disabled: true });
    expect(disable.status).toBe(200);
    expect(disable.body.disabled).toBe(true);
    const login = await ctx.http
      .post('/api/auth/login')
      .send({ identifier: teacher.user.email, password: TEST_PASSWORD });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('AUTH_ACCOUNT_DISABLED');
    expect(
      (await ctx.http.post('/api/auth/refresh').send({ refreshToken: teacher.refreshToken })).status,
    ).toBe(401);
  });

  it('rejects requests without, or with a forged, access token', async () => {
    expect((await ctx.http.get('/api/auth/me')).status).toBe(401);
    const forged = county.master.token.slice(0, -4) + 'AAAA';
    const res = await ctx.http.get('/api/auth/me').set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(expect.objectContaining({ statusCode: 401, code: 'UNAUTHENTICATED' }));
  });
});

describe('login throttling', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create({ LOGIN_THROTTLE_LIMIT: '3', LOGIN_THROTTLE_TTL_SECONDS: '60' });
  });
  afterAll(() => ctx.close());

  it('answers 429 after too many attempts for one account, while other accounts still get through', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (
          await ctx.http
            .post('/api/auth/login')
            .send({ identifier: 'victim@test.tongke.cn', password: `guess-${i}` })
        ).status,
      );
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const blocked = await ctx.http
      .post('/api/auth/login')
      .send({ identifier: 'victim@test.tongke.cn', password: 'x' });
    expect(blocked.body.code).toBe('TOO_MANY_REQUESTS');
    const other = await ctx.http
      .post('/api/auth/login')
      .send({ identifier: 'someone-else@test.tongke.cn', password: 'x' });
    expect(other.status).toBe(401);
  });
});
