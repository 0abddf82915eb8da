import { randomUUID } from 'node:crypto';
import {
  admitBothAndStart,
  closeLesson,
  loggedSeqs,
  ok,
  openLesson,
  TestContext,
  waitFor,
  type Cast,
  type ClassroomInstance,
  type LessonWorld,
} from './support/lesson-harness.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Events are broadcast as soon as the server has decided them and appended behind the
 * broadcast. When an append fails (here: another writer took the seq, as a second instance
 * would), the events from that seq on are void: the lesson is told (`lesson:rollback`), every
 * client ends with exactly the log's events, and the voided commands are decided again in the
 * order they were sent.
 */
describe('early broadcast: rollback when an append fails', () => {
  let ctx: TestContext;
  let w: LessonWorld;
  let room: ClassroomInstance;
  let cast: Cast;
  let lessonId: string;

  beforeAll(async () => {
    ctx = await TestContext.create();
    ({ w, room, lessonId, cast } = await openLesson(ctx));
    await admitBothAndStart(w, cast);
  });

  afterAll(() => closeLesson({ cast, room, ctx }));

  /** Appends a page turn to the log behind the service's back (another instance would). */
  async function appendElsewhere(page: number): Promise<number> {
    const rows: { last_seq: string | number }[] = await ctx.dataSource.query(
      'WITH moved AS (UPDATE joint_lessons SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq) SELECT last_seq FROM moved',
      [lessonId],
    );
    const seq = Number(rows[0].last_seq);
    const host = w.county.master.user.id;
    await ctx.dataSource.query(
      `INSERT INTO lesson_events (lesson_id, seq, type, actor_id, actor_role, classroom_id, client_msg_id, payload, created_at)
       VALUES ($1, $2, 'page.set', $3, 'host', NULL, $4, $5::jsonb, now())`,
      [lessonId, seq, host, `${host}:elsewhere-${randomUUID()}`, JSON.stringify({ page })],
    );
    return seq;
  }

  it('voids the broadcast events, decides the commands again in send order, and every client ends on the log', async () => {
    const foreign = await appendElsewhere(9);
    const pages = range(1, 8);
    const acks = await Promise.all(pages.map((page) => cast.host.send('page:set', { page }).then(ok)));

    // The first command lost its seq to the other writer; all were decided again, in order.
    expect(acks.map((a) => a.seq)).toEqual(range(foreign + 1, foreign + pages.length));
    expect(acks.every((a) => !a.duplicate)).toBe(true);
    const log = await loggedSeqs(ctx, lessonId);
    expect(log.map((e) => e.seq)).toEqual(range(1, foreign + pages.length));

    const last = foreign + pages.length;
    for (const c of cast.all) {
      await c.caughtUp(last);
      await waitFor('the rollback announced', () => c.rollbacks.includes(foreign));
      // Every client had applied the voided event, so it was rebuilt from the log: exactly the
      // log's events, once each, the other writer's page turn included.
      expect(c.resets).toBeGreaterThanOrEqual(1);
      expect(c.applied.map((e) => e.seq)).toEqual(range(1, last));
      expect(c.applied.find((e) => e.seq === foreign)).toEqual(
        expect.objectContaining({ type: 'page.set', payload: { page: 9 } }),
      );
      expect(c.state.seq).toBe(last);
      expect(c.state.page).toBe(8);
    }
    // Nothing was logged twice.
    const rows: { n: string | number }[] = await ctx.dataSource.query(
      `SELECT count(*) AS n FROM lesson_events WHERE lesson_id = $1 AND type = 'page.set'`,
      [lessonId],
    );
    expect(Number(rows[0].n)).toBe(pages.length + 1);
  });

  it('a retry of a command that is in the log is answered with its first seq, without a broadcast', async () => {
    const clientMsgId = randomUUID();
    const first = ok(await cast.host.send('page:set', { clientMsgId, page: 3 }));
    await cast.devA.caughtUp(first.seq);
    const seen = cast.devA.received.length;
    expect(ok(await cast.host.send('page:set', { clientMsgId, page: 3 }))).toEqual({
      seq: first.seq,
      duplicate: true,
    });
    const marker = ok(await cast.host.send('page:set', { page: 4 }));
    await cast.devA.caughtUp(marker.seq);
    expect(cast.devA.received.slice(seen).map((e) => e.seq)).toEqual([marker.seq]);
  });

  it('resync compares the mark of the client’s last event: a mismatch (a voided event) gets a reset snapshot', async () => {
    const c = cast.coA;
    const head = c.sequencer.lastSeq;
    const held = c.applied[c.applied.length - 1];
    const same = ok(
      await c.raw<{ mode: string; events?: unknown[] }>('lesson:resync', {
        sinceSeq: head,
        sinceMark: { at: held.at, clientMsgId: held.type === 'hidden' ? null : held.clientMsgId },
      }),
    );
    expect(same).toEqual({ mode: 'events', toSeq: head, events: [] });

    const voided = ok(
      await c.raw<{ mode: string; reset?: boolean; toSeq: number }>('lesson:resync', {
        sinceSeq: head,
        sinceMark: { at: held.at + 1, clientMsgId: 'a-voided-event' },
      }),
    );
    expect(voided).toEqual(expect.objectContaining({ mode: 'snapshot', reset: true, toSeq: head }));

    // A client that claims a seq the lesson never reached is reset too (it may hold voided events).
    const ahead = ok(
      await c.raw<{ mode: string; reset?: boolean; toSeq: number }>('lesson:resync', {
        sinceSeq: head + 5,
        sinceMark: { at: held.at, clientMsgId: null },
      }),
    );
    expect(ahead).toEqual(expect.objectContaining({ mode: 'snapshot', reset: true, toSeq: head }));
  });
});
