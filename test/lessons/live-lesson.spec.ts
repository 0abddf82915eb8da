import { DomainEvents } from '@tongke/common';
import type {
  DomainEventMap,
  LessonAttendanceDto,
  LessonRecordDto,
  LessonTimelinePage,
} from '@tongke/contracts';
import {
  TestContext,
  connectCast,
  createWorld,
  ok,
  scheduleLesson,
  startClassroom,
  waitFor,
  type Cast,
  type ClassroomInstance,
  type LessonWorld,
} from './support/lesson-harness.js';

/** Scenario 3 of the product: a joint mathematics lesson from the lobby to the record. */
describe('a live joint lesson', () => {
  let ctx: TestContext;
  let w: LessonWorld;
  let room: ClassroomInstance;
  let cast: Cast;
  let lessonId: string;
  const published: { name: string; payload: unknown }[] = [];

  beforeAll(async () => {
    ctx = await TestContext.create();
    w = await createWorld(ctx);
    room = await startClassroom(ctx.config);
    const events = room.app.get(DomainEvents);
    for (const name of ['lesson.started', 'lesson.ended', 'lesson.attendance'] as const) {
      events.on(name, (payload: DomainEventMap[typeof name]) => {
        published.push({ name, payload });
      });
    }
    lessonId = (await scheduleLesson(ctx, w, { classrooms: ['A', 'B'] })).id;
    cast = await connectCast(ctx, w, lessonId, room.url);
  });

  afterAll(async () => {
    for (const c of cast?.all ?? []) c.close();
    await room?.close();
    await ctx?.close();
  });

  it('keeps rural classrooms in the lobby until the host admits them, while the host sees who is there and ready', async () => {
    expect(cast.host.joinResult).toEqual(
      expect.objectContaining({
        role: 'host',
        lobby: false,
        lesson: expect.objectContaining({ title: '一元一次方程' }),
      }),
    );
    expect(cast.coA.joinResult?.lobby).toBe(true);
    expect(cast.coA.joinResult?.sync).toBeNull();
    expect(cast.devA.joinResult?.classroomId).toBe(w.classroomA.id);

    // The room's device reports the lesson pack as prefetched before the lesson.
    ok(
      await cast.devA.send('prefetch:report', { ready: w.attachments.map(({ kind, id }) => ({ kind, id })) }),
    );
    const presence = await waitFor('presence with classroom A ready and online', () =>
      [...cast.host.presence]
        .reverse()
        .find((p) =>
          p.classrooms.some(
            (c) => c.classroomId === w.classroomA.id && c.ready && c.online && c.devices.length === 1,
          ),
        ),
    );
    const a = presence.classrooms.find((c) => c.classroomId === w.classroomA.id);
    expect(a).toEqual(expect.objectContaining({ admitted: false, name: w.classroomA.name }));
    expect(presence.classrooms.find((c) => c.classroomId === w.classroomB.id)?.ready).toBe(false);

    // Lobby members cannot act yet.
    const early = await cast.coA.send('hand:raise', {});
    expect(early).toEqual({ ok: false, error: expect.objectContaining({ code: 'LESSON_NOT_ADMITTED' }) });

    ok(await cast.host.send('lobby:admit', { classroomId: w.classroomA.id }));
    ok(await cast.host.send('lobby:admit', { classroomId: w.classroomB.id }));
    await waitFor('co-teacher A admitted and synced', () =>
      cast.coA.state.admitted.includes(w.classroomA.id),
    );
    await waitFor('co-teacher B admitted and synced', () =>
      cast.coB.state.admitted.includes(w.classroomB.id),
    );
  });

  it('shows the host each classroom’s round-trip time from acked probes', async () => {
    const q = await waitFor('a quality report for classroom A', () =>
      cast.host.quality.find((x) => x.classroomId === w.classroomA.id),
    );
    expect(q.rttMs).toBeGreaterThanOrEqual(0);
    expect(cast.coA.quality).toHaveLength(0);
  });

  it('runs the lesson: pages, ink, hands and an answer-card poll reach every classroom in order', async () => {
    const [resource] = w.attachments;
    ok(await cast.host.send('lesson:start', {}));
    ok(await cast.host.send('material:set', { material: { kind: resource.kind, id: resource.id }, page: 3 }));
    const surface = {
      layer: 'annotation' as const,
      material: { kind: resource.kind, id: resource.id },
      page: 3,
    };
    ok(
      await cast.host.send('stroke:batch', {
        surface,
        segments: [
          {
            strokeId: 's1',
            tool: 'pen',
            color: '#d62728',
            width: 2,
            points: [0.1, 0.1, 0.2, 0.2],
            done: false,
          },
        ],
      }),
    );
    ok(
      await cast.host.send('stroke:batch', {
        surface,
        segments: [
          { strokeId: 's1', tool: 'pen', color: '#d62728', width: 2, points: [0.3, 0.3], done: true },
        ],
      }),
    );
    ok(await cast.coA.send('hand:raise', {}));
    const poll = ok(
      await cast.host.send('poll:open', {
        question: '方程 2x+3=7 的解是？',
        kind: 'single',
        options: ['x=1', 'x=2', 'x=3'],
      }),
    );
    await cast.coA.caughtUp(poll.seq);
    const pollId = cast.coA.state.polls[0].id;
    ok(await cast.coA.send('poll:answer', { pollId, tally: [2, 25, 3] }));
    ok(await cast.coB.send('poll:answer', { pollId, tally: [1, 20, 0] }));

    const last = ok(await cast.host.send('poll:close', { pollId }));
    for (const c of cast.all) await c.caughtUp(last.seq);

    // Everyone applied the same contiguous sequence.
    for (const c of cast.all)
      expect(c.applied.map((e) => e.seq)).toEqual(cast.host.applied.map((e) => e.seq));
    expect(cast.devA.state.page).toBe(3);
    const strokes = cast.devA.state.surfaces[`a:${resource.kind}:${resource.id}:3`];
    expect(strokes).toEqual([
      expect.objectContaining({ id: 's1', points: [0.1, 0.1, 0.2, 0.2, 0.3, 0.3], done: true }),
    ]);
    expect(cast.host.state.hands.map((h) => h.classroomId)).toEqual([w.classroomA.id]);

    // Until the reveal, a classroom sees only its own answer; the host sees every classroom's tally.
    expect(cast.host.state.polls[0].answers).toEqual({
      [w.classroomA.id]: [2, 25, 3],
      [w.classroomB.id]: [1, 20, 0],
    });
    expect(cast.coB.state.polls[0].answers).toEqual({ [w.classroomB.id]: [1, 20, 0] });
    expect(cast.coB.applied.some((e) => e.type === 'hidden')).toBe(true);

    const reveal = ok(await cast.host.send('poll:reveal', { pollId }));
    await cast.coB.caughtUp(reveal.seq);
    expect(cast.coB.state.polls[0]).toEqual(
      expect.objectContaining({
        status: 'revealed',
        answers: { [w.classroomA.id]: [2, 25, 3], [w.classroomB.id]: [1, 20, 0] },
      }),
    );
  });

  it('keeps the observers’ chat among observers', async () => {
    const sent = ok(await cast.observer.send('chat:send', { channel: 'observers', text: '板书设计很清楚' }));
    const toLesson = ok(await cast.coA.send('chat:send', { channel: 'lesson', text: '老师，我们听清楚了' }));
    for (const c of cast.all) await c.caughtUp(toLesson.seq);
    expect(cast.observer.state.chat.observers.map((m) => m.text)).toEqual(['板书设计很清楚']);
    expect(cast.host.state.chat.observers).toEqual([]);
    expect(cast.host.applied.find((e) => e.seq === sent.seq)).toEqual({
      seq: sent.seq,
      at: expect.any(Number),
      type: 'hidden',
    });
    expect(cast.observer.state.chat.lesson.map((m) => m.text)).toEqual(['老师，我们听清楚了']);
  });

  it('ends the lesson, publishes lesson.ended and per-classroom attendance, and keeps a record and a replay', async () => {
    const end = ok(await cast.host.send('lesson:end', {}));
    for (const c of cast.all) await c.caughtUp(end.seq);
    expect(cast.coA.state.status).toBe('ended');
    const after = await cast.coA.send('hand:raise', {});
    expect(after).toEqual({ ok: false, error: expect.objectContaining({ code: 'LESSON_ENDED' }) });

    await waitFor(
      'lesson.attendance for both classrooms',
      () => published.filter((p) => p.name === 'lesson.attendance').length === 2,
    );
    expect(published.map((p) => p.name)).toEqual([
      'lesson.started',
      'lesson.ended',
      'lesson.attendance',
      'lesson.attendance',
    ]);
    const att = published.find((p) => p.name === 'lesson.attendance')
      ?.payload as DomainEventMap['lesson.attendance'];
    expect(att).toEqual(
      expect.objectContaining({ lessonId, pairingId: w.pairing.id, minutes: expect.any(Number) }),
    );

    const attendance = await ctx.http
      .get(`/api/lessons/${lessonId}/attendance`)
      .set('Authorization', w.county.ruralAdmin.auth);
    expect(attendance.status).toBe(200);
    const body = attendance.body as LessonAttendanceDto;
    expect(body.status).toBe('ended');
    const a = body.classrooms.find((c) => c.classroomId === w.classroomA.id);
    expect(a?.intervals.length).toBeGreaterThanOrEqual(1);
    expect(a?.minutes).toBeGreaterThanOrEqual(0);

    const timeline = await ctx.http
      .get(`/api/lessons/${lessonId}/timeline?limit=3`)
      .set('Authorization', w.county.master.auth);
    expect(timeline.status).toBe(200);
    const page1 = timeline.body as LessonTimelinePage;
    expect(page1.items).toHaveLength(3);
    expect(page1.nextAfterSeq).toBe(page1.items[2].seq);
    const rest = await ctx.http
      .get(`/api/lessons/${lessonId}/timeline?afterSeq=${page1.nextAfterSeq}&limit=1000`)
      .set('Authorization', w.county.master.auth);
    const types = [...page1.items, ...(rest.body as LessonTimelinePage).items].map((i) => i.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'lesson.started',
        'material.set',
        'stroke.batch',
        'hand.raised',
        'poll.revealed',
        'lesson.ended',
      ]),
    );
    expect(types).not.toContain('chat.posted');
    const started = page1.items.find((i) => i.type === 'lesson.started');
    expect(started?.offsetMs).toBe(0);

    const record = await ctx.http
      .get(`/api/lessons/${lessonId}/record`)
      .set('Authorization', w.county.district.auth);
    expect(record.status).toBe(200);
    const r = record.body as LessonRecordDto;
    expect(r.lesson.status).toBe('ended');
    expect(r.polls[0]).toEqual(
      expect.objectContaining({ totals: [3, 45, 3], question: '方程 2x+3=7 的解是？' }),
    );
    expect(r.hands).toEqual([{ classroomId: w.classroomA.id, count: 1 }]);
    expect(r.annotationStrokes).toBe(1);
    expect(r.pagesShown).toEqual([{ material: { kind: 'resource', id: w.attachments[0].id }, pages: [3] }]);
  });
});
