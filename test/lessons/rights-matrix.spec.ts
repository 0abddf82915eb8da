import type { LessonCommandName, LessonRole, SocketAck } from '@tongke/contracts';
import {
  LessonClient,
  TestContext,
  createWorld,
  joinToken,
  logHead,
  ok,
  scheduleLesson,
  startClassroom,
  waitFor,
  type ClassroomInstance,
  type LessonWorld,
} from './support/lesson-harness.js';

/**
 * Every role × every event, against a live lesson with classrooms A and B admitted (A holds the
 * pen) and C waiting in the lobby. The matrix is written out here on purpose, independent of
 * the server's table: an allowed event is acked and appended; a refused one is answered
 * FORBIDDEN and the log does not move.
 */
const ROLES: LessonRole[] = ['host', 'co_teacher', 'classroom', 'observer'];

const ALLOWED: Record<LessonCommandName, LessonRole[]> = {
  'lesson:start': ['host'],
  'lesson:end': ['host'],
  'lobby:admit': ['host'],
  'material:set': ['host'],
  'page:set': ['host'],
  'stroke:batch': ['host', 'co_teacher'],
  'board:clear': ['host'],
  'pen:grant': ['host'],
  'pen:revoke': ['host'],
  'classroom:mute': ['host'],
  'hand:raise': ['co_teacher'],
  'hand:lower': ['host', 'co_teacher'],
  'poll:open': ['host'],
  'poll:answer': ['co_teacher'],
  'poll:close': ['host'],
  'poll:reveal': ['host'],
  'chat:send': ['host', 'co_teacher', 'observer'],
  'prefetch:report': ['classroom', 'co_teacher'],
  'av:mode': ['host', 'classroom'],
};

describe('lesson rights matrix', () => {
  let ctx: TestContext;
  let w: LessonWorld;
  let room: ClassroomInstance;
  let lessonId: string;
  const as = {} as Record<LessonRole, LessonClient>;
  let coC: LessonClient;
  let pollId: string;

  const material = () => ({ kind: w.attachments[0].kind, id: w.attachments[0].id });
  const surface = () => ({ layer: 'annotation' as const, material: material(), page: 1 });

  /** Brings the lesson into the state where `name` is meaningful for `role`; returns its payload. */
  async function arrange(name: LessonCommandName, role: LessonRole): Promise<Record<string, unknown>> {
    const host = as.host;
    const A = w.classroomA.id;
    const B = w.classroomB.id;
    switch (name) {
      case 'lesson:start':
      case 'lesson:end':
      case 'hand:raise':
        if (name === 'hand:raise' && as.host.state.hands.length)
          ok(await host.send('hand:lower', { classroomId: A }));
        return {};
      case 'lobby:admit':
        return { classroomId: w.classroomC.id };
      case 'material:set':
        return { material: material(), page: 2 };
      case 'page:set':
        return { page: 4 };
      case 'stroke:batch':
        return {
          surface: surface(),
          segments: [
            {
              strokeId: `${role}-${Date.now()}`,
              tool: 'pen',
              color: '#1f77b4',
              width: 2,
              points: [0.5, 0.5, 0.6, 0.6],
              done: true,
            },
          ],
        };
      case 'board:clear':
        return { surface: surface() };
      case 'pen:grant':
        if (as.host.state.pen.includes(B)) ok(await host.send('pen:revoke', { classroomId: B }));
        return { classroomId: B };
      case 'pen:revoke':
        if (!as.host.state.pen.includes(B)) ok(await host.send('pen:grant', { classroomId: B }));
        return { classroomId: B };
      case 'classroom:mute':
        return { classroomId: B, muted: !as.host.state.muted.includes(B) };
      case 'hand:lower':
        if (!as.host.state.hands.some((h) => h.classroomId === A)) {
          const raised = ok(await as.co_teacher.send('hand:raise', {}));
          await host.caughtUp(raised.seq);
        }
        return { classroomId: A };
      case 'poll:open':
        return { question: '1+1=?', kind: 'single', options: ['1', '2'] };
      case 'poll:answer':
      case 'poll:close':
      case 'poll:reveal': {
        const opened = ok(
          await host.send('poll:open', { question: '2+2=?', kind: 'single', options: ['3', '4'] }),
        );
        await host.caughtUp(opened.seq);
        await as.co_teacher.caughtUp(opened.seq);
        pollId = host.state.polls[host.state.polls.length - 1].id;
        return name === 'poll:answer' ? { pollId, tally: [1, 29] } : { pollId };
      }
      case 'chat:send':
        return { channel: role === 'observer' ? 'observers' : 'lesson', text: '你好' };
      case 'prefetch:report':
        return { ready: [material()] };
      case 'av:mode': {
        const current =
          role === 'host' ? as.host.state.avMode.host : (as.host.state.avMode.classrooms[A] ?? 'av');
        return { mode: current === 'av' ? 'audio' : 'av' };
      }
    }
  }

  beforeAll(async () => {
    ctx = await TestContext.create();
    w = await createWorld(ctx);
    room = await startClassroom(ctx.config);
    lessonId = (await scheduleLesson(ctx, w)).id;
    const t = (a: Parameters<typeof joinToken>[1], role: LessonRole, classroomId?: string) => () =>
      joinToken(ctx, a, lessonId, role, classroomId);
    as.host = await LessonClient.connect(room.url, lessonId, t(w.county.master, 'host'));
    as.co_teacher = await LessonClient.connect(room.url, lessonId, t(w.county.ruralTeacher, 'co_teacher'));
    as.classroom = await LessonClient.connect(
      room.url,
      lessonId,
      t(w.county.ruralAdmin, 'classroom', w.classroomA.id),
    );
    as.observer = await LessonClient.connect(room.url, lessonId, t(w.observer, 'observer'));
    coC = await LessonClient.connect(room.url, lessonId, t(w.teacherC, 'co_teacher'));
  });

  afterAll(async () => {
    for (const c of [...Object.values(as), coC]) c?.close();
    await room?.close();
    await ctx?.close();
  });

  /** Sends as one role; checks the ack and whether the log moved. */
  async function attempt(name: LessonCommandName, role: LessonRole): Promise<SocketAck<{ seq: number }>> {
    const payload = await arrange(name, role);
    const before = await logHead(ctx, lessonId);
    const ack = await as[role].send(name as 'page:set', payload as { page: number });
    const after = await logHead(ctx, lessonId);
    if (ack.ok) {
      expect(after).toBe(before + 1);
      await as.host.caughtUp(after);
    } else {
      expect(after).toBe(before);
    }
    return ack;
  }

  it('lesson:start — only the host starts the lesson', async () => {
    for (const role of ROLES.filter((r) => r !== 'host')) {
      expect(await attempt('lesson:start', role)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'FORBIDDEN' }),
      });
    }
    ok(await attempt('lesson:start', 'host'));
    // The rest of the matrix runs live, with A and B admitted and A holding the pen.
    ok(await as.host.send('lobby:admit', { classroomId: w.classroomA.id }));
    ok(await as.host.send('lobby:admit', { classroomId: w.classroomB.id }));
    const granted = ok(await as.host.send('pen:grant', { classroomId: w.classroomA.id }));
    await as.co_teacher.caughtUp(granted.seq);
    await waitFor('the device of A admitted', () => as.classroom.state.admitted.includes(w.classroomA.id));
  });

  const middle = (Object.keys(ALLOWED) as LessonCommandName[]).filter(
    (n) => n !== 'lesson:start' && n !== 'lesson:end',
  );
  it.each(middle)(
    '%s — allowed exactly for its roles, refused (and nothing logged) for the others',
    async (name) => {
      // Allowed roles last for lobby:admit (admitting C cannot be undone).
      const order = [...ROLES].sort(
        (a, b) => Number(ALLOWED[name].includes(a)) - Number(ALLOWED[name].includes(b)),
      );
      for (const role of order) {
        const ack = await attempt(name, role);
        if (ALLOWED[name].includes(role)) {
          expect({ role, ok: ack.ok, error: ack.ok ? undefined : ack.error }).toEqual({
            role,
            ok: true,
            error: undefined,
          });
        } else {
          expect({ role, ack }).toEqual({
            role,
            ack: { ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) },
          });
        }
      }
    },
  );

  it('finer rules: co-teachers act only for their own classroom, draw only with the pen, observers chat only among themselves', async () => {
    const expectCode = async (ack: Promise<SocketAck<unknown>>, code: string) =>
      expect(await ack).toEqual({ ok: false, error: expect.objectContaining({ code }) });
    ok(await as.host.send('pen:revoke', { classroomId: w.classroomA.id }));
    const strokes = (await arrange('stroke:batch', 'co_teacher')) as Parameters<LessonClient['send']>[1];
    await expectCode(as.co_teacher.send('stroke:batch', strokes as never), 'FORBIDDEN');
    await expectCode(as.co_teacher.send('hand:lower', { classroomId: w.classroomB.id }), 'FORBIDDEN');
    await expectCode(as.observer.send('chat:send', { channel: 'lesson', text: '观课意见' }), 'FORBIDDEN');
    await expectCode(as.host.send('chat:send', { channel: 'observers', text: '悄悄话' }), 'FORBIDDEN');
    await expectCode(
      as.host.send('material:set', { material: { kind: 'resource', id: w.classroomA.id }, page: 1 }),
      'VALIDATION_FAILED',
    );
    await expectCode(as.host.send('pen:grant', { classroomId: w.county.urban.id }), 'VALIDATION_FAILED');
  });

  it('a classroom waiting in the lobby may only report its prefetch', async () => {
    // C was admitted by the lobby:admit row above; a fresh lesson keeps its co-teacher in the lobby.
    const other = (await scheduleLesson(ctx, w, { classrooms: ['C'] })).id;
    const host = await LessonClient.connect(room.url, other, () =>
      joinToken(ctx, w.county.master, other, 'host'),
    );
    const co = await LessonClient.connect(room.url, other, () =>
      joinToken(ctx, w.teacherC, other, 'co_teacher'),
    );
    try {
      ok(await host.send('lesson:start', {}));
      expect(co.joinResult?.lobby).toBe(true);
      expect(await co.send('hand:raise', {})).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'LESSON_NOT_ADMITTED' }),
      });
      expect(await co.raw('lesson:resync', { sinceSeq: 0 })).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'LESSON_NOT_ADMITTED' }),
      });
      ok(await co.send('prefetch:report', { ready: [material()] }));
      ok(await host.send('lobby:admit', { classroomId: w.classroomC.id }));
      await waitFor('the co-teacher of C to be let in and synced', () =>
        co.state.admitted.includes(w.classroomC.id),
      );
      ok(await co.send('hand:raise', {}));
    } finally {
      host.close();
      co.close();
    }
  });

  it('lesson:end — only the host ends it, and afterwards every event is refused', async () => {
    for (const role of ROLES.filter((r) => r !== 'host')) {
      expect(await attempt('lesson:end', role)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'FORBIDDEN' }),
      });
    }
    ok(await attempt('lesson:end', 'host'));
    const head = await logHead(ctx, lessonId);
    expect(await as.host.send('page:set', { page: 9 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'LESSON_ENDED' }),
    });
    expect(await coC.send('chat:send', { channel: 'lesson', text: '再见' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'LESSON_ENDED' }),
    });
    expect(await logHead(ctx, lessonId)).toBe(head);
  });
});
