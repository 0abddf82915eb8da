import { monthOf } from '@tongke/analytics';
import type { EquityPairingDetailDto } from '@tongke/contracts';
import {
  TestContext,
  connectCast,
  createWorld,
  ok,
  scheduleLesson,
  startClassroom,
  type Cast,
  type ClassroomInstance,
  type LessonWorld,
} from '../lessons/support/lesson-harness.js';
import { waitFor } from '../support/library.js';

/**
 * Lessons start and end in the classroom service, a separate process in production: it records
 * their usage itself, and the API's equity figures show it.
 */
describe('joint-lesson usage recorded by the classroom service', () => {
  let ctx: TestContext;
  let w: LessonWorld;
  let room: ClassroomInstance;
  let cast: Cast;

  beforeAll(async () => {
    ctx = await TestContext.create();
    w = await createWorld(ctx);
    room = await startClassroom(ctx.config);
  });
  afterAll(async () => {
    for (const c of cast?.all ?? []) c.close();
    await room?.close();
    await ctx?.close();
  });

  it('an ended lesson shows as held for the pairing, per classroom, for its school and its host', async () => {
    const lessonId = (await scheduleLesson(ctx, w, { classrooms: ['A', 'B'] })).id;
    cast = await connectCast(ctx, w, lessonId, room.url);
    ok(await cast.host.send('lobby:admit', { classroomId: w.classroomA.id }));
    ok(await cast.host.send('lobby:admit', { classroomId: w.classroomB.id }));
    ok(await cast.host.send('lesson:start', {}));
    ok(await cast.host.send('lesson:end', {}));

    const period = monthOf(new Date());
    const detail = await waitFor(
      async () => {
        const res = await ctx.http
          .get(`/api/equity/pairings/${w.pairing.id}`)
          .query({ period })
          .set('Authorization', w.county.district.auth);
        return res.body as EquityPairingDetailDto;
      },
      (d) => d.lessons?.held === 1 && d.attendance?.length === 2,
    );
    expect(detail.attendance.map((c) => c.classroomId).sort()).toEqual(
      [w.classroomA.id, w.classroomB.id].sort(),
    );
    for (const c of detail.attendance) expect(c.lessons).toBe(1);

    // The master teacher sees the hosted lesson in their own activity.
    const mine = await ctx.http
      .get('/api/equity/me')
      .query({ period })
      .set('Authorization', w.county.master.auth);
    expect(mine.body.lessonsHosted).toBe(1);
    const school = await ctx.http
      .get(`/api/equity/schools/${w.county.urban.id}`)
      .query({ period })
      .set('Authorization', w.county.urbanAdmin.auth);
    expect(school.body.lessons.held).toBe(1);
  });
});
