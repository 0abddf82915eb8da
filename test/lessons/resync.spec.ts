import { randomUUID } from 'node:crypto';
import { REALTIME_LIMITS } from '@tongke/contracts';
import {
  admitBothAndStart,
  closeLesson,
  joinToken,
  LessonClient,
  loggedSeqs,
  logHead,
  ok,
  openLesson,
  scheduleLesson,
  TestContext,
  waitFor,
  type Cast,
  type ClassroomInstance,
  type LessonWorld,
} from './support/lesson-harness.js';

const contiguous = (c: LessonClient) => c.applied.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('weak networks: resync, retries and bad payloads', () => {
  let ctx: TestContext;
  let w: LessonWorld;
  let room: ClassroomInstance;
  let cast: Cast;
  let lessonId: string;
  const surface = () => ({ layer: 'whiteboard' as const, page: 1 });

  beforeAll(async () => {
    ctx = await TestContext.create();
    ({ w, room, lessonId, cast } = await openLesson(ctx));
    await admitBothAndStart(w, cast);
  });

  afterAll(() => closeLesson({ cast, room, ctx }));

  it('a classroom whose network drops catches up on reconnect without losing a stroke', async () => {
    const before = cast.devA.sequencer.lastSeq;
    cast.devA.socket.disconnect();
    const acked: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = ok(
        await cast.host.send('stroke:batch', {
          surface: surface(),
          segments: [
            {
              strokeId: `drop-${i}`,
              tool: 'pen',
              color: '#000000',
              width: 3,
              points: [i / 20, 0.1, i / 20, 0.2],
              done: true,
            },
          ],
        }),
      );
      acked.push(r.seq);
    }
    expect(cast.devA.sequencer.lastSeq).toBe(before);
    const joins = cast.devA.joins;
    cast.devA.socket.connect();
    await waitFor('the device re-joined', () => cast.devA.joins > joins);
    await cast.devA.caughtUp(acked[acked.length - 1]);

    expect(contiguous(cast.devA)).toEqual(range(1, acked[acked.length - 1]));
    expect(cast.devA.state.surfaces['w:1'].map((s) => s.id)).toEqual(
      cast.host.state.surfaces['w:1'].map((s) => s.id),
    );
    expect(cast.devA.state.surfaces['w:1'].filter((s) => s.id.startsWith('drop-'))).toHaveLength(12);
  });

  it('a transport dropped mid-burst reconnects by itself and ends with every acked event, once, in order', async () => {
    const sends: Promise<{ seq: number }>[] = [];
    const joins = cast.coB.joins;
    for (let i = 0; i < 30; i++) {
      if (i === 10) cast.coB.socket.io.engine.close();
      sends.push(cast.host.send('page:set', { page: 1 + (i % 7) }).then(ok));
    }
    const seqs = (await Promise.all(sends)).map((r) => r.seq);
    const last = Math.max(...seqs);
    await waitFor('co-teacher B reconnected and re-joined', () => cast.coB.joins > joins);
    await cast.coB.caughtUp(last);
    await cast.host.caughtUp(last);
    expect(contiguous(cast.coB)).toEqual(range(1, last));
    expect(cast.coB.state.page).toBe(cast.host.state.page);
    expect((await loggedSeqs(ctx, lessonId)).map((e) => e.seq)).toEqual(range(1, last));
  });

  it('a client too far behind gets a snapshot instead of hundreds of events', async () => {
    cast.observer.socket.disconnect();
    const n = REALTIME_LIMITS.resyncMaxEvents + 10;
    let last = 0;
    for (let i = 0; i < n; i += 10) {
      const batch = await Promise.all(
        range(i, i + 9).map((k) => cast.host.send('page:set', { page: 1 + (k % 50) }).then(ok)),
      );
      last = Math.max(last, ...batch.map((b) => b.seq));
    }
    const snapshots = cast.observer.snapshots;
    const joins = cast.observer.joins;
    cast.observer.socket.connect();
    await waitFor('the observer re-joined', () => cast.observer.joins > joins);
    await cast.observer.caughtUp(last);
    expect(cast.observer.snapshots).toBe(snapshots + 1);
    expect(cast.observer.state.page).toBe(cast.host.state.page);
    expect(cast.observer.state.surfaces['w:1']).toHaveLength(cast.host.state.surfaces['w:1'].length);
    // Snapshot rows were written along the way, so a restart does not refold the whole log.
    const rows: unknown[] = await ctx.dataSource.query(
      'SELECT seq FROM lesson_snapshots WHERE lesson_id = $1',
      [lessonId],
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });

  it('a retried command (same clientMsgId) is appended once and answered with the first seq', async () => {
    const clientMsgId = randomUUID();
    const first = ok(await cast.host.send('page:set', { clientMsgId, page: 12 }));
    const again = ok(await cast.host.send('page:set', { clientMsgId, page: 12 }));
    expect(again).toEqual({ seq: first.seq, duplicate: true });
    expect(first.duplicate).toBe(false);

    // A retry whose command would now be refused (the hand is already up) still gets the first answer.
    const raiseId = randomUUID();
    const raised = ok(await cast.coA.send('hand:raise', { clientMsgId: raiseId }));
    expect(ok(await cast.coA.send('hand:raise', { clientMsgId: raiseId }))).toEqual({
      seq: raised.seq,
      duplicate: true,
    });
    expect(await cast.coA.send('hand:raise', {})).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'LESSON_CONFLICT' }),
    });

    // Ids are per sender: someone else's id is not a duplicate.
    const other = ok(await cast.coB.send('hand:raise', { clientMsgId: raiseId }));
    expect(other.duplicate).toBe(false);

    const rows: { n: string | number }[] = await ctx.dataSource.query(
      `SELECT count(*) AS n FROM lesson_events WHERE lesson_id = $1 AND client_msg_id LIKE $2`,
      [lessonId, `%:${clientMsgId}`],
    );
    expect(Number(rows[0].n)).toBe(1);
  });

  it('several lessons appending at once each keep their own gap-free order, and a retry among them is recognised', async () => {
    const others = [];
    for (let i = 0; i < 4; i++) {
      const id = (await scheduleLesson(ctx, w, { classrooms: ['C'] })).id;
      const host = await LessonClient.connect(room.url, id, () =>
        joinToken(ctx, w.county.master, id, 'host'),
      );
      others.push({ id, host });
    }
    try {
      const retried = randomUUID();
      const first = ok(await others[0].host.send('page:set', { clientMsgId: retried, page: 7 }));
      const burst = others.flatMap(({ host }, i) =>
        Array.from({ length: 15 }, (_, k) =>
          host
            .send('page:set', i === 0 && k === 7 ? { clientMsgId: retried, page: 7 } : { page: 1 + k })
            .then(ok),
        ),
      );
      const results = await Promise.all(burst);
      expect(results.filter((r) => r.duplicate)).toEqual([{ seq: first.seq, duplicate: true }]);
      for (const { id } of others) {
        const seqs = (await loggedSeqs(ctx, id)).map((e) => e.seq);
        expect(seqs).toEqual(range(1, seqs.length));
      }
      expect((await loggedSeqs(ctx, others[1].id)).length).toBe(15);
      expect((await loggedSeqs(ctx, others[0].id)).length).toBe(15);
    } finally {
      for (const { host } of others) host.close();
    }
  });

  it('malformed payloads get VALIDATION_FAILED and change nothing', async () => {
    const strokeOk = {
      strokeId: 'x',
      tool: 'pen',
      color: '#000000',
      width: 2,
      points: [0.1, 0.1],
      done: true,
    };
    const bad: [string, unknown][] = [
      ['page:set', undefined],
      ['page:set', 'page 3'],
      ['page:set', 42],
      ['page:set', null],
      ['page:set', []],
      ['page:set', { page: 3 }],
      ['page:set', { clientMsgId: randomUUID(), page: 0 }],
      ['page:set', { clientMsgId: randomUUID(), page: 2.5 }],
      ['page:set', { clientMsgId: randomUUID(), page: '3' }],
      ['page:set', { clientMsgId: randomUUID(), page: 3, extra: true }],
      ['page:set', { clientMsgId: 'has spaces and ☃', page: 3 }],
      ['page:set', { clientMsgId: 'x'.repeat(200), page: 3 }],
      ['material:set', { clientMsgId: randomUUID(), material: { kind: 'video', id: randomUUID() }, page: 1 }],
      [
        'material:set',
        { clientMsgId: randomUUID(), material: { kind: 'resource', id: 'not-a-uuid' }, page: 1 },
      ],
      ['stroke:batch', { clientMsgId: randomUUID(), surface: surface(), segments: [] }],
      [
        'stroke:batch',
        { clientMsgId: randomUUID(), surface: { layer: 'ceiling', page: 1 }, segments: [strokeOk] },
      ],
      [
        'stroke:batch',
        {
          clientMsgId: randomUUID(),
          surface: surface(),
          segments: [{ ...strokeOk, points: [0.1, 0.2, 0.3] }],
        },
      ],
      [
        'stroke:batch',
        { clientMsgId: randomUUID(), surface: surface(), segments: [{ ...strokeOk, points: [1.5, 0.2] }] },
      ],
      [
        'stroke:batch',
        { clientMsgId: randomUUID(), surface: surface(), segments: [{ ...strokeOk, points: [null, 0.2] }] },
      ],
      [
        'stroke:batch',
        { clientMsgId: randomUUID(), surface: surface(), segments: [{ ...strokeOk, color: 'red' }] },
      ],
      [
        'stroke:batch',
        { clientMsgId: randomUUID(), surface: surface(), segments: [{ ...strokeOk, tool: 'laser' }] },
      ],
      [
        'stroke:batch',
        {
          clientMsgId: randomUUID(),
          surface: surface(),
          segments: [
            {
              ...strokeOk,
              points: Array.from({ length: (REALTIME_LIMITS.maxPointsPerBatch + 1) * 2 }, () => 0.5),
            },
          ],
        },
      ],
      ['poll:open', { clientMsgId: randomUUID(), question: '?', kind: 'single', options: ['A', 'A'] }],
      ['poll:open', { clientMsgId: randomUUID(), question: '?', kind: 'ranked', options: ['A', 'B'] }],
      ['poll:open', { clientMsgId: randomUUID(), question: '   ', kind: 'single', options: ['A', 'B'] }],
      [
        'chat:send',
        { clientMsgId: randomUUID(), channel: 'lesson', text: 'x'.repeat(REALTIME_LIMITS.chatMaxLength + 1) },
      ],
      ['lobby:admit', { clientMsgId: randomUUID(), classroomId: 12 }],
    ];
    const head = await logHead(ctx, lessonId);
    for (const [event, payload] of bad) {
      const ack = await cast.host.raw(event, payload);
      expect({ event, payload, ack }).toEqual({
        event,
        payload,
        ack: { ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String) } },
      });
    }
    // Join and resync validate too.
    expect(await cast.host.raw('lesson:resync', { sinceSeq: -1 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    });
    expect(await cast.host.raw('lesson:join', { lessonId: 'x', token: 1 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    });
    expect(await logHead(ctx, lessonId)).toBe(head);
  });

  it('caps stroke batches per second per sender; refused batches are not logged', async () => {
    const before = await logHead(ctx, lessonId);
    const acks = await Promise.all(
      range(1, 120).map((i) =>
        cast.host.send('stroke:batch', {
          surface: { layer: 'whiteboard', page: 2 },
          segments: [
            {
              strokeId: `burst-${i}`,
              tool: 'highlighter',
              color: '#ffdd00',
              width: 8,
              points: [0.1, 0.5, 0.9, 0.5],
              done: true,
            },
          ],
        }),
      ),
    );
    const accepted = acks.filter((a) => a.ok).length;
    const limited = acks.filter((a) => !a.ok && a.error.code === 'LESSON_RATE_LIMITED').length;
    expect(limited).toBeGreaterThan(0);
    expect(accepted + limited).toBe(120);
    expect(await logHead(ctx, lessonId)).toBe(before + accepted);
  });
});
