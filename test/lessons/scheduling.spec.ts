import type { LessonDto, LessonSeriesDto } from '@tongke/contracts';
import {
  TestContext,
  createWorld,
  inMinutes,
  scheduleLesson,
  type LessonWorld,
} from './support/lesson-harness.js';

const DAY = 86_400_000;
/** YYYY-MM-DD of the Shanghai calendar day `days` from now. */
const shanghaiDate = (days: number) =>
  new Date(Date.now() + days * DAY + 8 * 3600_000).toISOString().slice(0, 10);
const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

describe('scheduling joint lessons (同步课表)', () => {
  let ctx: TestContext;
  let w: LessonWorld;

  const body = (over: Record<string, unknown> = {}) => ({
    pairingId: w.pairing.id,
    title: '分数的初步认识',
    subject: 'math',
    startsAt: inMinutes(24 * 60 * 30),
    endsAt: inMinutes(24 * 60 * 30 + 40),
    classrooms: [{ classroomId: w.classroomA.id, coTeacherIds: [w.county.ruralTeacher.user.id] }],
    observerIds: [w.observer.user.id],
    attachments: w.attachments,
    ...over,
  });
  const post = (auth: string, b: unknown, path = '/api/lessons') =>
    ctx.http
      .post(path)
      .set('Authorization', auth)
      .send(b as object);
  const window = (fromMin: number, toMin: number) =>
    `from=${encodeURIComponent(inMinutes(fromMin))}&to=${encodeURIComponent(inMinutes(toMin))}`;

  beforeAll(async () => {
    ctx = await TestContext.create();
    w = await createWorld(ctx);
  });
  afterAll(() => ctx?.close());

  it('the master teacher lists the partner schools’ teachers to choose co-teachers from, names only; outsiders get 404', async () => {
    const res = await ctx.http
      .get(`/api/pairings/${w.pairing.id}/teachers`)
      .set('Authorization', w.county.master.auth);
    expect(res.status).toBe(200);
    const ids = (res.body as { id: string; schoolId: string }[]).map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining([w.county.ruralTeacher.user.id, w.teacherB.user.id, w.teacherC.user.id]),
    );
    // The urban side is not a partner school; nobody's contact details travel.
    expect(ids).not.toContain(w.observer.user.id);
    for (const t of res.body as Record<string, unknown>[]) {
      expect(Object.keys(t).sort()).toEqual(['displayName', 'id', 'role', 'schoolId']);
    }
    const outsider = await ctx.newCounty();
    const refused = await ctx.http
      .get(`/api/pairings/${w.pairing.id}/teachers`)
      .set('Authorization', outsider.master.auth);
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('PAIRING_NOT_FOUND');
  });

  it('the master teacher schedules a lesson that both schools, the people in it and the district see — and nobody else', async () => {
    const res = await post(w.county.master.auth, body({ startsAt: inMinutes(600), endsAt: inMinutes(645) }));
    expect(res.status).toBe(201);
    const lesson = res.body as LessonDto;
    expect(lesson).toEqual(
      expect.objectContaining({
        status: 'scheduled',
        host: { id: w.county.master.user.id, displayName: expect.any(String) },
        classrooms: [
          expect.objectContaining({
            id: w.classroomA.id,
            coTeachers: [expect.objectContaining({ id: w.county.ruralTeacher.user.id })],
          }),
        ],
        observers: [expect.objectContaining({ id: w.observer.user.id })],
        attachments: w.attachments.map((a) => ({ ...a, id: a.id.toLowerCase() })),
        seriesId: null,
      }),
    );
    const sees = async (auth: string) =>
      (
        (await ctx.http.get(`/api/lessons?${window(500, 700)}`).set('Authorization', auth))
          .body as LessonDto[]
      ).some((l) => l.id === lesson.id);
    for (const who of [
      w.county.district,
      w.county.urbanAdmin,
      w.county.ruralAdmin,
      w.county.master,
      w.county.ruralTeacher,
      w.observer,
    ]) {
      expect(await sees(who.auth)).toBe(true);
    }
    // Classroom B's co-teacher is not in this lesson; another county sees nothing of it.
    expect(await sees(w.teacherB.auth)).toBe(false);
    const other = await ctx.newCounty();
    expect(await sees(other.district.auth)).toBe(false);
    expect(
      (await ctx.http.get(`/api/lessons/${lesson.id}`).set('Authorization', other.district.auth)).status,
    ).toBe(404);
    expect(
      (await ctx.http.get(`/api/lessons/${lesson.id}`).set('Authorization', w.teacherB.auth)).status,
    ).toBe(404);
  });

  it('refuses what does not fit the pairing, with a clear code', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ subject: 'physics' }, 400, 'LESSON_SUBJECT_INVALID'],
      [
        { classrooms: [{ classroomId: w.county.urban.id, coTeacherIds: [w.county.ruralTeacher.user.id] }] },
        400,
        'LESSON_CLASSROOM_INVALID',
      ],
      [
        { classrooms: [{ classroomId: w.classroomA.id, coTeacherIds: [w.teacherB.user.id] }] },
        400,
        'LESSON_CO_TEACHER_INVALID',
      ],
      [{ observerIds: [w.county.ruralTeacher.user.id] }, 400, 'LESSON_OBSERVER_INVALID'],
      [{ startsAt: inMinutes(-60), endsAt: inMinutes(-15) }, 400, 'LESSON_TIME_INVALID'],
      [{ startsAt: inMinutes(100), endsAt: inMinutes(105) }, 400, 'LESSON_TIME_INVALID'],
      [{ attachments: [{ kind: 'video', id: w.attachments[0].id, title: 'x' }] }, 400, 'VALIDATION_FAILED'],
      [{ classrooms: [] }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [over, status, code] of cases) {
      const res = await post(w.county.master.auth, body(over));
      expect({ over, status: res.status, code: res.body.code }).toEqual({ over, status, code });
    }
    const other = await ctx.newCounty();
    const res = await post(w.county.master.auth, body({ observerIds: [other.master.user.id] }));
    expect(res.body.code).toBe('LESSON_OBSERVER_INVALID');
  });

  it('only the pairing’s master teacher or the district schedules; only the district picks another host', async () => {
    expect((await post(w.county.ruralTeacher.auth, body())).status).toBe(403);
    expect((await post(w.county.urbanAdmin.auth, body())).status).toBe(403);
    const other = await ctx.newCounty();
    expect((await post(other.district.auth, body())).status).toBe(404);

    const second = await ctx.newTeacher(w.county.urbanAdmin, w.county.urban.id, { master: true });
    expect((await post(w.county.master.auth, body({ hostId: second.user.id }))).status).toBe(403);
    const byDistrict = await post(
      w.county.district.auth,
      body({ hostId: second.user.id, startsAt: inMinutes(3000), endsAt: inMinutes(3040) }),
    );
    expect(byDistrict.status).toBe(201);
    expect(byDistrict.body.host.id).toBe(second.user.id);
    // The pairing's own master teacher still sees the pairing's lesson in the timetable.
    const seen = await ctx.http
      .get(`/api/lessons?${window(2900, 3100)}`)
      .set('Authorization', w.county.master.auth);
    expect((seen.body as LessonDto[]).map((l) => l.id)).toContain(byDistrict.body.id);
    expect((await post(w.county.district.auth, body({ hostId: w.observer.user.id }))).body.code).toBe(
      'LESSON_HOST_INVALID',
    );
  });

  it('needs an active pairing', async () => {
    const proposed = await ctx.http
      .post('/api/pairings')
      .set('Authorization', w.county.district.auth)
      .send({
        urbanSchoolId: w.county.urban.id,
        partnerSchoolIds: [w.county.rural.id],
        masterTeacherId: w.county.master.user.id,
        classroomIds: [w.classroomA.id],
        term: '2026-2027-2',
        subjects: ['math'],
      });
    expect(proposed.status).toBe(201);
    const res = await post(w.county.master.auth, body({ pairingId: proposed.body.id }));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('LESSON_PAIRING_NOT_ACTIVE');
  });

  it('refuses double-booking of the host or a classroom, names the clash, and allows back-to-back lessons', async () => {
    const start = 24 * 60 * 40;
    const booked = await post(
      w.county.master.auth,
      body({ startsAt: inMinutes(start), endsAt: inMinutes(start + 45) }),
    );
    expect(booked.status).toBe(201);

    const hostClash = await post(
      w.county.master.auth,
      body({
        startsAt: inMinutes(start + 30),
        endsAt: inMinutes(start + 75),
        classrooms: [{ classroomId: w.classroomB.id, coTeacherIds: [w.teacherB.user.id] }],
      }),
    );
    expect(hostClash.status).toBe(409);
    expect(hostClash.body.code).toBe('LESSON_DOUBLE_BOOKED');
    expect(hostClash.body.details.conflicts).toEqual([
      {
        resource: 'host',
        classroomId: null,
        name: 'host',
        startsAt: booked.body.startsAt,
        endsAt: booked.body.endsAt,
      },
    ]);

    // Another host, same classroom A at an overlapping time.
    const second = await ctx.newTeacher(w.county.urbanAdmin, w.county.urban.id, { master: true });
    const roomClash = await post(
      w.county.district.auth,
      body({ hostId: second.user.id, startsAt: inMinutes(start + 10), endsAt: inMinutes(start + 50) }),
    );
    expect(roomClash.status).toBe(409);
    expect(roomClash.body.details.conflicts).toEqual([
      expect.objectContaining({
        resource: 'classroom',
        classroomId: w.classroomA.id,
        name: w.classroomA.name,
      }),
    ]);
    expect(roomClash.body.message).toContain(w.classroomA.name);

    const backToBack = await post(
      w.county.master.auth,
      body({ startsAt: inMinutes(start + 45), endsAt: inMinutes(start + 90) }),
    );
    expect(backToBack.status).toBe(201);
  });

  it('lets exactly one of two simultaneous schedulers book the same slot', async () => {
    const start = 24 * 60 * 50;
    const b = body({ startsAt: inMinutes(start), endsAt: inMinutes(start + 45) });
    const [r1, r2] = await Promise.all([post(w.county.master.auth, b), post(w.county.district.auth, b)]);
    expect([r1.status, r2.status].sort()).toEqual([201, 409]);
  });

  it('materialises a weekly series in Asia/Shanghai, with cancelled and moved occurrences as exceptions', async () => {
    const fromDate = shanghaiDate(60);
    const untilDate = shanghaiDate(60 + 21);
    const res = await post(
      w.county.master.auth,
      {
        ...body(),
        startsAt: undefined,
        endsAt: undefined,
        rule: { weekday: isoWeekday(fromDate), startTime: '08:00', durationMinutes: 45, fromDate, untilDate },
      },
      '/api/lessons/series',
    );
    expect(res.status).toBe(201);
    const series = res.body as LessonSeriesDto;
    expect(series.rule.timezone).toBe('Asia/Shanghai');
    expect(series.occurrences).toHaveLength(4);
    for (const o of series.occurrences) {
      expect(o.startsAt).toMatch(/T00:00:00\.000Z$/); // 08:00 in Shanghai
      expect(new Date(o.endsAt).getTime() - new Date(o.startsAt).getTime()).toBe(45 * 60_000);
      expect(o.originalStartsAt).toBe(o.startsAt);
      expect(o.seriesId).toBe(series.id);
    }
    const [first, second, third] = series.occurrences;

    const cancelled = await ctx.http
      .post(`/api/lessons/${first.id}/cancel`)
      .set('Authorization', w.county.master.auth)
      .send({ reason: '运动会' });
    expect(cancelled.body).toEqual(
      expect.objectContaining({ status: 'cancelled', isException: true, cancelReason: '运动会' }),
    );

    const moved = await ctx.http
      .patch(`/api/lessons/${second.id}`)
      .set('Authorization', w.county.master.auth)
      .send({ startsAt: new Date(new Date(second.startsAt).getTime() + DAY).toISOString() });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual(
      expect.objectContaining({
        isException: true,
        originalStartsAt: second.startsAt,
        endsAt: new Date(new Date(second.endsAt).getTime() + DAY).toISOString(),
      }),
    );

    // Moving onto another occurrence's time is a double-booking.
    const clash = await ctx.http
      .patch(`/api/lessons/${second.id}`)
      .set('Authorization', w.county.master.auth)
      .send({ startsAt: third.startsAt });
    expect(clash.body.code).toBe('LESSON_DOUBLE_BOOKED');

    // The cancelled slot is free again.
    expect(
      (await post(w.county.master.auth, body({ startsAt: first.startsAt, endsAt: first.endsAt }))).status,
    ).toBe(201);

    const timetable = await ctx.http
      .get(
        `/api/lessons?from=${encodeURIComponent(first.startsAt)}&to=${encodeURIComponent(series.occurrences[3].endsAt)}&pairingId=${w.pairing.id}`,
      )
      .set('Authorization', w.county.ruralAdmin.auth);
    expect((timetable.body as LessonDto[]).filter((l) => l.seriesId === series.id)).toHaveLength(3);
    const withCancelled = await ctx.http
      .get(
        `/api/lessons?from=${encodeURIComponent(first.startsAt)}&to=${encodeURIComponent(series.occurrences[3].endsAt)}&includeCancelled=true`,
      )
      .set('Authorization', w.county.ruralAdmin.auth);
    expect((withCancelled.body as LessonDto[]).filter((l) => l.seriesId === series.id)).toHaveLength(4);

    const ended = await ctx.http
      .post(`/api/lessons/series/${series.id}/cancel`)
      .set('Authorization', w.county.district.auth)
      .send({});
    expect((ended.body as LessonSeriesDto).occurrences.map((o) => o.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });

  it('refuses a series that would double-book, creating nothing', async () => {
    const existing = await scheduleLesson(ctx, w, { startIn: 24 * 60 * 120, classrooms: ['B'] });
    const date = new Date(new Date(existing.startsAt).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const hhmm = new Date(new Date(existing.startsAt).getTime() + 8 * 3600_000).toISOString().slice(11, 16);
    const count = async () =>
      Number((await ctx.dataSource.query('SELECT count(*) AS n FROM joint_lessons'))[0].n);
    const before = await count();
    const res = await post(
      w.county.master.auth,
      {
        ...body(),
        startsAt: undefined,
        endsAt: undefined,
        rule: {
          weekday: isoWeekday(date),
          startTime: hhmm,
          durationMinutes: 40,
          fromDate: shanghaiDate(110),
          untilDate: shanghaiDate(130),
        },
      },
      '/api/lessons/series',
    );
    expect(res.status).toBe(409);
    expect(res.body.details.conflicts[0]).toEqual(
      expect.objectContaining({ resource: 'host', startsAt: existing.startsAt }),
    );
    expect(await count()).toBe(before);
    const bad = await post(
      w.county.master.auth,
      {
        ...body(),
        startsAt: undefined,
        endsAt: undefined,
        rule: {
          weekday: 1,
          startTime: '25:00',
          durationMinutes: 45,
          fromDate: '2027-02-30',
          untilDate: '2027-01-01',
        },
      },
      '/api/lessons/series',
    );
    expect(bad.status).toBe(400);
  });
});
