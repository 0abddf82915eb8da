import { createHmac } from 'node:crypto';
import type { LessonPresence } from '@tongke/contracts';
import {
  LessonClient,
  TestContext,
  connectCast,
  createWorld,
  joinToken,
  logHead,
  ok,
  scheduleLesson,
  startClassroom,
  waitFor,
  type Cast,
  type ClassroomInstance,
  type LessonWorld,
} from './support/lesson-harness.js';

const TURN_SECRET = 'turn-secret-for-tests-0123456789';

/** Audio/video around the host: ICE servers, the signalling star, audio-only, mute, pointers, presence. */
describe('lesson audio/video and presence', () => {
  let ctx: TestContext;
  let w: LessonWorld;
  let room: ClassroomInstance;
  let cast: Cast;
  let devB: LessonClient;
  let lessonId: string;

  beforeAll(async () => {
    ctx = await TestContext.create({
      STUN_URLS: 'stun:stun.tongke.test:3478',
      TURN_URLS: 'turn:turn.tongke.test:3478?transport=udp,turns:turn.tongke.test:5349',
      TURN_SECRET,
    });
    w = await createWorld(ctx);
    room = await startClassroom(ctx.config);
    lessonId = (await scheduleLesson(ctx, w, { classrooms: ['A', 'B'] })).id;
    cast = await connectCast(ctx, w, lessonId, room.url);
    // Classroom B's screen, logged in by its co-teacher.
    devB = await LessonClient.connect(room.url, lessonId, () =>
      joinToken(ctx, w.teacherB, lessonId, 'classroom', w.classroomB.id),
    );
    ok(await cast.host.send('lobby:admit', { classroomId: w.classroomA.id }));
    ok(await cast.host.send('lobby:admit', { classroomId: w.classroomB.id }));
    const started = ok(await cast.host.send('lesson:start', {}));
    for (const c of [...cast.all, devB])
      await waitFor('admitted and synced', () => c.sequencer.lastSeq >= started.seq);
  });

  afterAll(async () => {
    for (const c of [...(cast?.all ?? []), devB]) c?.close();
    await room?.close();
    await ctx?.close();
  });

  it('gives the host and classroom devices STUN and time-limited TURN credentials in coturn’s REST form, and nobody else', async () => {
    const servers = cast.host.joinResult?.iceServers ?? [];
    expect(servers[0]).toEqual({ urls: ['stun:stun.tongke.test:3478'] });
    const turn = servers[1];
    expect(turn.urls).toEqual(['turn:turn.tongke.test:3478?transport=udp', 'turns:turn.tongke.test:5349']);
    const [expiry, user] = (turn.username ?? '').split(':');
    expect(user).toBe(w.county.master.user.id);
    expect(Number(expiry)).toBeGreaterThan(Date.now() / 1000 + 3600);
    expect(turn.credential).toBe(
      createHmac('sha1', TURN_SECRET)
        .update(turn.username ?? '')
        .digest('base64'),
    );

    expect(cast.devA.joinResult?.iceServers).toHaveLength(2);
    expect(cast.coA.joinResult?.iceServers).toEqual([]);
    expect(cast.observer.joinResult?.iceServers).toEqual([]);
    const refreshed = ok(await cast.devA.raw<{ iceServers: unknown[] }>('rtc:ice-servers', {}));
    expect(refreshed.iceServers).toHaveLength(2);
    expect(await cast.coA.raw('rtc:ice-servers', {})).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'RTC_PEER_NOT_ALLOWED' }),
    });
  });

  it('relays offer/answer/ICE only along the star between the host and classroom devices, without logging them', async () => {
    const head = await logHead(ctx, lessonId);
    const hostPeer = cast.host.joinResult?.peerId ?? '';
    const devAPeer = cast.devA.joinResult?.peerId ?? '';
    const devBPeer = devB.joinResult?.peerId ?? '';
    const coAPeer = cast.coA.joinResult?.peerId ?? '';
    const observerPeer = cast.observer.joinResult?.peerId ?? '';

    expect(
      ok(await cast.host.raw('rtc:signal', { to: devAPeer, kind: 'offer', data: 'v=0 offer-sdp' })),
    ).toEqual({ delivered: true });
    await waitFor('offer at device A', () => cast.devA.signals.length === 1);
    expect(cast.devA.signals[0]).toEqual({
      from: hostPeer,
      fromRole: 'host',
      fromClassroomId: null,
      kind: 'offer',
      data: 'v=0 offer-sdp',
    });
    ok(await cast.devA.raw('rtc:signal', { to: hostPeer, kind: 'answer', data: 'v=0 answer-sdp' }));
    ok(
      await cast.devA.raw('rtc:signal', {
        to: hostPeer,
        kind: 'ice',
        data: '{"candidate":"candidate:1 1 udp 1 10.0.0.2 5000 typ host"}',
      }),
    );
    await waitFor('answer and candidate at the host', () => cast.host.signals.length === 2);
    expect(cast.host.signals[0]).toEqual(
      expect.objectContaining({
        from: devAPeer,
        fromRole: 'classroom',
        fromClassroomId: w.classroomA.id,
        kind: 'answer',
      }),
    );

    const refused = { ok: false, error: expect.objectContaining({ code: 'RTC_PEER_NOT_ALLOWED' }) };
    expect(await cast.devA.raw('rtc:signal', { to: devBPeer, kind: 'offer', data: 'x' })).toEqual(refused);
    expect(await cast.host.raw('rtc:signal', { to: coAPeer, kind: 'offer', data: 'x' })).toEqual(refused);
    expect(await cast.host.raw('rtc:signal', { to: observerPeer, kind: 'offer', data: 'x' })).toEqual(
      refused,
    );
    expect(await cast.coA.raw('rtc:signal', { to: hostPeer, kind: 'offer', data: 'x' })).toEqual(refused);
    expect(await cast.observer.raw('rtc:signal', { to: hostPeer, kind: 'offer', data: 'x' })).toEqual(
      refused,
    );
    expect(ok(await cast.host.raw('rtc:signal', { to: 'no-such-peer', kind: 'offer', data: 'x' }))).toEqual({
      delivered: false,
    });
    expect(await cast.host.raw('rtc:signal', { to: devAPeer, kind: 'bye', data: 'x' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    });
    expect(devB.signals).toEqual([]);
    expect(cast.coA.signals).toEqual([]);
    expect(await logHead(ctx, lessonId)).toBe(head);
  });

  it('lets a classroom device or the host switch to audio-only, and the host mute a classroom', async () => {
    const a = ok(await cast.devA.send('av:mode', { mode: 'audio' }));
    const h = ok(await cast.host.send('av:mode', { mode: 'audio' }));
    const m = ok(await cast.host.send('classroom:mute', { classroomId: w.classroomB.id, muted: true }));
    await devB.caughtUp(Math.max(a.seq, h.seq, m.seq));
    expect(devB.state.avMode).toEqual({ host: 'audio', classrooms: { [w.classroomA.id]: 'audio' } });
    expect(devB.state.muted).toEqual([w.classroomB.id]);
    expect(await cast.coA.send('av:mode', { mode: 'audio' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'FORBIDDEN' }),
    });
  });

  it('sends the host’s pointer to the others as a volatile, unlogged event; others may not point without the pen', async () => {
    const head = await logHead(ctx, lessonId);
    const surface = { layer: 'whiteboard', page: 1 };
    ok(await cast.host.raw('pointer:move', { surface, x: 0.25, y: 0.75 }));
    await waitFor('the pointer at device B', () => devB.pointers.length > 0);
    expect(devB.pointers[0]).toEqual({
      surface,
      x: 0.25,
      y: 0.75,
      peerId: cast.host.joinResult?.peerId,
      classroomId: null,
    });
    expect(cast.host.pointers).toEqual([]);
    const forbidden = { ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) };
    expect(await cast.coA.raw('pointer:move', { surface, x: 0.1, y: 0.1 })).toEqual(forbidden);
    expect(await cast.observer.raw('pointer:move', { surface, x: 0.1, y: 0.1 })).toEqual(forbidden);
    expect(await cast.devA.raw('pointer:move', { surface, x: 0.1, y: 0.1 })).toEqual(forbidden);
    expect(await cast.host.raw('pointer:move', { surface, x: 2, y: 0.1 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    });
    ok(await cast.host.send('pen:grant', { classroomId: w.classroomA.id }));
    ok(await cast.coA.raw('pointer:move', { surface, x: 0.1, y: 0.1 }));
    expect(await logHead(ctx, lessonId)).toBe(head + 1);
  });

  it('updates presence when a classroom device leaves', async () => {
    const online = (p: LessonPresence) =>
      p.classrooms.find((c) => c.classroomId === w.classroomB.id)?.devices.length;
    await waitFor('device B present', () => cast.host.presence.some((p) => online(p) === 1));
    devB.close();
    await waitFor('device B gone from the host’s presence', () => {
      const last = cast.host.presence[cast.host.presence.length - 1];
      return last && online(last) === 0;
    });
    const last = cast.host.presence[cast.host.presence.length - 1];
    expect(last.classrooms.find((c) => c.classroomId === w.classroomB.id)?.coTeachers).toHaveLength(1);
    expect(last.host.map((p) => p.userId)).toEqual([w.county.master.user.id]);
    expect(last.observers.map((p) => p.userId)).toEqual([w.observer.user.id]);
  });
});
