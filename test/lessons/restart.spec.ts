import { randomUUID } from 'node:crypto';
import {
  closeLesson,
  loggedSeqs,
  ok,
  openLesson,
  startClassroom,
  TestContext,
  waitFor,
  type Cast,
  type ClassroomInstance,
  type LessonWorld,
} from './support/lesson-harness.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The classroom service restarts mid-lesson (a deploy, a crash loop): the new process starts on
 * the same database and port, clients reconnect by themselves with fresh join tokens and resync
 * from their last seq. Nothing that was acknowledged is lost, and the lesson goes on.
 */
describe('a classroom service restart in the middle of a lesson', () => {
  let ctx: TestContext;
  let w: LessonWorld;
  let room: ClassroomInstance;
  let cast: Cast;
  let lessonId: string;

  beforeAll(async () => {
    ctx = await TestContext.create();
    ({ w, room, lessonId, cast } = await openLesson(ctx));
  });

  afterAll(() => closeLesson({ cast, room, ctx }));

  it('loses no acknowledged event and carries on from the same seq', async () => {
    const [resource] = w.attachments;
    const acked: number[] = [];
    const keep = (r: { seq: number }) => (acked.push(r.seq), r);
    keep(ok(await cast.host.send('lobby:admit', { classroomId: w.classroomA.id })));
    keep(ok(await cast.host.send('lobby:admit', { classroomId: w.classroomB.id })));
    keep(ok(await cast.host.send('lesson:start', {})));
    keep(
      ok(
        await cast.host.send('material:set', { material: { kind: resource.kind, id: resource.id }, page: 2 }),
      ),
    );
    keep(ok(await cast.host.send('pen:grant', { classroomId: w.classroomA.id })));
    const surface = {
      layer: 'annotation' as const,
      material: { kind: resource.kind, id: resource.id },
      page: 2,
    };
    for (let i = 0; i < 5; i++) {
      keep(
        ok(
          await cast.coA.send('stroke:batch', {
            surface,
            segments: [
              {
                strokeId: `before-${i}`,
                tool: 'pen',
                color: '#2ca02c',
                width: 2,
                points: [0.1 * i, 0.1, 0.1 * i, 0.3],
                done: true,
              },
            ],
          }),
        ),
      );
    }
    keep(ok(await cast.coB.send('hand:raise', {})));
    const pageBeforeRestart = randomUUID();
    keep(ok(await cast.host.send('page:set', { clientMsgId: pageBeforeRestart, page: 2 })));
    const raisedBeforeRestart = randomUUID();
    keep(ok(await cast.coA.send('hand:raise', { clientMsgId: raisedBeforeRestart })));
    const lastBefore = Math.max(...acked);
    // One client has not seen the tail yet when the service goes away.
    cast.observer.socket.disconnect();

    const port = room.port;
    const joins = cast.all.map((c) => c.joins);
    await room.close();
    room = await startClassroom(ctx.config, port);

    for (const c of cast.all.filter((c) => c !== cast.observer)) {
      await waitFor(
        () => `clients to reconnect and re-join the new instance (${c.lifecycle.slice(-6).join(' | ')})`,
        () => c.joins > joins[cast.all.indexOf(c)],
      );
    }
    cast.observer.socket.connect();

    // The lesson goes on: new events continue the sequence.
    const after = ok(await cast.host.send('page:set', { page: 3 }));
    expect(after.seq).toBe(lastBefore + 1);
    // Retries of commands acked before the restart are recognised from the log, not applied twice:
    // one the rules would now refuse (the hand is up), one they would accept again (a page turn).
    expect(ok(await cast.host.send('page:set', { clientMsgId: pageBeforeRestart, page: 2 }))).toEqual({
      seq: acked[acked.length - 2],
      duplicate: true,
    });
    expect(ok(await cast.coA.send('hand:raise', { clientMsgId: raisedBeforeRestart }))).toEqual({
      seq: acked[acked.length - 1],
      duplicate: true,
    });
    const more = ok(
      await cast.coA.send('stroke:batch', {
        surface,
        segments: [
          {
            strokeId: 'after-0',
            tool: 'pen',
            color: '#2ca02c',
            width: 2,
            points: [0.9, 0.1, 0.9, 0.3],
            done: true,
          },
        ],
      }),
    );

    for (const c of cast.all) await c.caughtUp(more.seq);
    expect((await loggedSeqs(ctx, lessonId)).map((e) => e.seq)).toEqual(range(1, more.seq));
    for (const c of cast.all) {
      expect(c.applied.map((e) => e.seq)).toEqual(range(1, more.seq));
      expect(c.state.page).toBe(3);
      expect(c.state.status).toBe('live');
      expect(c.state.hands.map((h) => h.classroomId).sort()).toEqual(
        [w.classroomA.id, w.classroomB.id].sort(),
      );
      const strokes = c.state.surfaces[`a:${resource.kind}:${resource.id}:2`].map((s) => s.id);
      expect(strokes).toEqual(['before-0', 'before-1', 'before-2', 'before-3', 'before-4', 'after-0']);
    }
  });

  it('closes the attendance of the connections the old instance had, and opens new ones', async () => {
    const rows: { classroom_id: string | null; left_at: Date | null }[] = await ctx.dataSource.query(
      `SELECT classroom_id, left_at FROM lesson_attendance WHERE lesson_id = $1 AND classroom_id = $2`,
      [lessonId, w.classroomA.id],
    );
    expect(rows.filter((r) => r.left_at !== null).length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => r.left_at === null)).toHaveLength(2);
  });
});
