import { JwtService } from '@nestjs/jwt';
import { TokenService } from '@tongke/auth';
import { LESSON_JOIN_TOKEN_TYPE, type LessonJoinClaims } from '@tongke/contracts';
import {
  LessonClient,
  TestContext,
  createWorld,
  joinToken,
  ok,
  scheduleLesson,
  startClassroom,
  type ClassroomInstance,
  type LessonWorld,
} from './support/lesson-harness.js';

const decode = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

describe('lesson join tokens', () => {
  let ctx: TestContext;
  let w: LessonWorld;
  let room: ClassroomInstance;
  let lessonId: string;
  let otherLessonId: string;

  const request = (actor: { auth: string }, id: string, b: Record<string, unknown>) =>
    ctx.http.post(`/api/lessons/${id}/join-token`).set('Authorization', actor.auth).send(b);
  const claims = (over: Partial<LessonJoinClaims> = {}): LessonJoinClaims => ({
    lessonId,
    userId: w.county.master.user.id,
    role: 'host',
    classroomId: null,
    name: '名师',
    ...over,
  });
  /** Connects without joining; resolves with the client or the handshake error's data. */
  const handshake = async (token: string, extraHeaders?: Record<string, string>) => {
    try {
      return {
        client: await LessonClient.connect(room.url, lessonId, () => Promise.resolve(token), {
          autoJoin: false,
          extraHeaders,
        }),
      };
    } catch (e) {
      return { error: e as Error & { data?: { code?: string } } };
    }
  };

  beforeAll(async () => {
    ctx = await TestContext.create();
    w = await createWorld(ctx);
    room = await startClassroom(ctx.config);
    lessonId = (await scheduleLesson(ctx, w, { classrooms: ['A', 'B'] })).id;
    otherLessonId = (await scheduleLesson(ctx, w, { classrooms: ['A'] })).id;
  });
  afterAll(async () => {
    await room?.close();
    await ctx?.close();
  });

  describe('issued by the API only to people who belong to the lesson', () => {
    it('names the lesson, the participant, the role and the classroom, and lives about two minutes', async () => {
      const res = await request(w.county.ruralAdmin, lessonId, {
        role: 'classroom',
        classroomId: w.classroomA.id,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          lessonId,
          role: 'classroom',
          classroomId: w.classroomA.id,
          namespace: '/lesson',
          realtimeUrl: expect.any(String),
        }),
      );
      const c = decode(res.body.token);
      expect(c).toEqual(
        expect.objectContaining({
          typ: LESSON_JOIN_TOKEN_TYPE,
          lessonId,
          userId: w.county.ruralAdmin.user.id,
          role: 'classroom',
          classroomId: w.classroomA.id,
        }),
      );
      expect(Number(c.exp) - Number(c.iat)).toBe(120);

      const co = await request(w.county.ruralTeacher, lessonId, { role: 'co_teacher' });
      expect(decode(co.body.token)).toEqual(
        expect.objectContaining({ role: 'co_teacher', classroomId: w.classroomA.id }),
      );
      expect((await request(w.observer, lessonId, { role: 'observer' })).status).toBe(200);
      expect((await request(w.county.master, lessonId, { role: 'host' })).status).toBe(200);
      // A co-teacher may bring up the room's screen too.
      expect(
        (await request(w.teacherB, lessonId, { role: 'classroom', classroomId: w.classroomB.id })).status,
      ).toBe(200);
    });

    it('refuses roles the caller does not hold (403) and lessons they cannot see (404)', async () => {
      const cases: [{ auth: string }, Record<string, unknown>, number, string][] = [
        [w.county.ruralTeacher, { role: 'host' }, 403, 'LESSON_ROLE_NOT_ALLOWED'],
        [
          w.county.ruralTeacher,
          { role: 'co_teacher', classroomId: w.classroomB.id },
          403,
          'LESSON_ROLE_NOT_ALLOWED',
        ],
        [w.county.ruralTeacher, { role: 'observer' }, 403, 'LESSON_ROLE_NOT_ALLOWED'],
        [w.observer, { role: 'co_teacher' }, 403, 'LESSON_ROLE_NOT_ALLOWED'],
        [w.county.urbanAdmin, { role: 'host' }, 403, 'LESSON_ROLE_NOT_ALLOWED'],
        [
          w.county.urbanAdmin,
          { role: 'classroom', classroomId: w.classroomA.id },
          403,
          'LESSON_ROLE_NOT_ALLOWED',
        ],
        [
          w.county.ruralAdmin,
          { role: 'classroom', classroomId: w.classroomB.id },
          403,
          'LESSON_ROLE_NOT_ALLOWED',
        ],
        [w.county.ruralAdmin, { role: 'classroom' }, 400, 'LESSON_CLASSROOM_REQUIRED'],
        [w.county.district, { role: 'host' }, 403, 'LESSON_ROLE_NOT_ALLOWED'],
        [w.teacherC, { role: 'co_teacher' }, 404, 'LESSON_NOT_FOUND'],
        [w.county.master, { role: 'teacher' }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [actor, b, status, code] of cases) {
        const res = await request(actor, lessonId, b);
        expect({ b, status: res.status, code: res.body.code }).toEqual({ b, status, code });
      }
    });

    it('opens a day before the lesson and not for cancelled lessons', async () => {
      const far = await scheduleLesson(ctx, w, { startIn: 3 * 24 * 60, classrooms: ['B'] });
      expect((await request(w.county.master, far.id, { role: 'host' })).body.code).toBe('LESSON_NOT_OPEN');
      await ctx.http
        .post(`/api/lessons/${otherLessonId}/cancel`)
        .set('Authorization', w.county.master.auth)
        .send({});
      expect((await request(w.county.master, otherLessonId, { role: 'host' })).body.code).toBe(
        'LESSON_CANCELLED',
      );
    });
  });

  describe('verified by the /lesson namespace on the handshake and on every join', () => {
    it('refuses expired, forged, re-signed and plain access tokens at the handshake', async () => {
      const tokens = ctx.app.get(TokenService);
      const expired = tokens.signTyped(LESSON_JOIN_TOKEN_TYPE, claims(), -10);
      expect(Number(decode(expired).exp)).toBeLessThan(Date.now() / 1000);
      const foreign = new JwtService({ secret: 'another-secret-another-secret-0123456' }).sign(
        { ...claims(), typ: LESSON_JOIN_TOKEN_TYPE },
        { expiresIn: 120, issuer: 'tongke' },
      );
      const good = await joinToken(ctx, w.county.ruralTeacher, lessonId, 'co_teacher');
      const [header, , signature] = good.split('.');
      const forgedPayload = Buffer.from(
        JSON.stringify({ ...decode(good), role: 'host', classroomId: null }),
      ).toString('base64url');
      const forged = `${header}.${forgedPayload}.${signature}`;
      for (const token of [expired, foreign, forged, w.county.master.token, 'not-a-jwt']) {
        const r = await handshake(token);
        expect(r.error?.data).toEqual({ code: 'JOIN_TOKEN_INVALID', message: expect.any(String) });
      }
    });

    it('refuses a browser page from an origin outside the allowlist', async () => {
      const token = await joinToken(ctx, w.county.master, lessonId, 'host');
      const evil = await handshake(token, { origin: 'https://evil.example.com' });
      expect(evil.error).toBeDefined();
      const allowed = await handshake(token, { origin: ctx.config.allowedOrigins[0] });
      expect(allowed.client?.socket.connected).toBe(true);
      allowed.client?.close();
    });

    it('answers nothing but join before a join, and checks the token again on join', async () => {
      const hostToken = await joinToken(ctx, w.county.master, lessonId, 'host');
      const { client } = await handshake(hostToken);
      if (!client) throw new Error('handshake failed');
      try {
        expect(await client.send('page:set', { page: 2 })).toEqual({
          ok: false,
          error: expect.objectContaining({ code: 'LESSON_NOT_JOINED' }),
        });
        // A token for another lesson, or a lesson other than the handshake's, is the wrong lesson.
        const forOther = await joinToken(
          ctx,
          w.county.master,
          (await scheduleLesson(ctx, w, { classrooms: ['B'] })).id,
          'host',
        );
        expect(await client.join(forOther, lessonId)).toEqual({
          ok: false,
          error: expect.objectContaining({ code: 'JOIN_TOKEN_WRONG_LESSON' }),
        });
        expect(await client.join(hostToken, otherLessonId)).toEqual({
          ok: false,
          error: expect.objectContaining({ code: 'JOIN_TOKEN_WRONG_LESSON' }),
        });
        // Someone else's token on this connection is refused.
        const someoneElse = await joinToken(ctx, w.observer, lessonId, 'observer');
        expect(await client.join(someoneElse, lessonId)).toEqual({
          ok: false,
          error: expect.objectContaining({ code: 'JOIN_TOKEN_INVALID' }),
        });
        expect(await client.join('garbage', lessonId)).toEqual({
          ok: false,
          error: expect.objectContaining({ code: 'JOIN_TOKEN_INVALID' }),
        });
        const joined = ok(await client.join(hostToken, lessonId));
        expect(joined).toEqual(expect.objectContaining({ role: 'host', lobby: false }));
        ok(await client.send('page:set', { page: 2 }));
      } finally {
        client.close();
      }
    });

    it('gives a token only the rights of its role', async () => {
      const co = await LessonClient.connect(room.url, lessonId, () =>
        joinToken(ctx, w.teacherB, lessonId, 'co_teacher'),
      );
      try {
        expect(co.joinResult).toEqual(
          expect.objectContaining({ role: 'co_teacher', classroomId: w.classroomB.id }),
        );
        expect(await co.send('lesson:start', {})).toEqual({
          ok: false,
          error: expect.objectContaining({ code: 'FORBIDDEN' }),
        });
      } finally {
        co.close();
      }
    });

    it('follows changes made through the API while people are connected: a cancel stops the start, new attachments can be shown', async () => {
      const id = (await scheduleLesson(ctx, w, { classrooms: ['B'] })).id;
      const host = await LessonClient.connect(room.url, id, () =>
        joinToken(ctx, w.county.master, id, 'host'),
      );
      try {
        const extra = {
          kind: 'resource' as const,
          id: '7f0c1d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f',
          title: '补充练习',
        };
        const patched = await ctx.http
          .patch(`/api/lessons/${id}`)
          .set('Authorization', w.county.master.auth)
          .send({ attachments: [...w.attachments, extra] });
        expect(patched.status).toBe(200);
        ok(await host.send('material:set', { material: { kind: extra.kind, id: extra.id }, page: 1 }));

        await ctx.http.post(`/api/lessons/${id}/cancel`).set('Authorization', w.county.master.auth).send({});
        expect(await host.send('lesson:start', {})).toEqual({
          ok: false,
          error: expect.objectContaining({ code: 'LESSON_CANCELLED' }),
        });
        const rows: { status: string }[] = await ctx.dataSource.query(
          'SELECT status FROM joint_lessons WHERE id = $1',
          [id],
        );
        expect(rows[0].status).toBe('cancelled');
      } finally {
        host.close();
      }
    });

    it('refuses to join a lesson cancelled after the token was issued', async () => {
      const id = (await scheduleLesson(ctx, w, { classrooms: ['B'] })).id;
      const token = await joinToken(ctx, w.county.master, id, 'host');
      await ctx.http.post(`/api/lessons/${id}/cancel`).set('Authorization', w.county.master.auth).send({});
      const c = await LessonClient.connect(room.url, id, () => Promise.resolve(token), { autoJoin: false });
      try {
        expect(await c.join(token, id)).toEqual({
          ok: false,
          error: expect.objectContaining({ code: 'LESSON_NOT_FOUND' }),
        });
      } finally {
        c.close();
      }
    });
  });
});
