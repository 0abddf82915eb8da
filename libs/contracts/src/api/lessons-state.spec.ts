import {
  LessonSequencer,
  applyLessonEvent,
  initialLessonState,
  mergeIntervals,
  totalMinutes,
  viewLessonState,
  type LessonEventActor,
  type LessonEventEnvelope,
  type LessonWireEvent,
} from '../shared.js';

const actor: LessonEventActor = { userId: 'u-host', role: 'host', classroomId: null };
let at = 1_000;
const ev = (
  seq: number,
  e: Pick<LessonEventEnvelope, 'type' | 'payload'>,
  a: LessonEventActor = actor,
): LessonEventEnvelope =>
  ({ seq, at: (at += 1000), actor: a, clientMsgId: null, ...e }) as LessonEventEnvelope;

describe('lesson state fold', () => {
  it('folds a lesson: strokes continue across batches, polls close when a new one opens, end clears hands and pen', () => {
    const s = initialLessonState('L');
    const surface = { layer: 'whiteboard' as const, page: 1 };
    const co = { userId: 'u-co', role: 'co_teacher' as const, classroomId: 'room-a' };
    applyLessonEvent(s, ev(1, { type: 'lesson.started', payload: {} }));
    applyLessonEvent(
      s,
      ev(2, {
        type: 'stroke.batch',
        payload: {
          surface,
          segments: [{ strokeId: 'k', tool: 'pen', color: '#000000', width: 1, points: [0, 0], done: false }],
        },
      }),
    );
    applyLessonEvent(
      s,
      ev(3, {
        type: 'stroke.batch',
        payload: {
          surface,
          segments: [{ strokeId: 'k', tool: 'pen', color: '#000000', width: 1, points: [1, 1], done: true }],
        },
      }),
    );
    applyLessonEvent(s, ev(4, { type: 'hand.raised', payload: { classroomId: 'room-a' } }, co));
    applyLessonEvent(
      s,
      ev(5, {
        type: 'poll.opened',
        payload: { pollId: 'p1', question: 'q', kind: 'single', options: ['a', 'b'] },
      }),
    );
    applyLessonEvent(
      s,
      ev(6, { type: 'poll.answered', payload: { pollId: 'p1', classroomId: 'room-a', tally: [3, 4] } }, co),
    );
    applyLessonEvent(
      s,
      ev(7, {
        type: 'poll.opened',
        payload: { pollId: 'p2', question: 'q2', kind: 'multiple', options: ['a', 'b'] },
      }),
    );
    applyLessonEvent(s, ev(8, { type: 'pen.granted', payload: { classroomId: 'room-a' } }));
    expect(s.surfaces['w:1']).toEqual([
      expect.objectContaining({ id: 'k', points: [0, 0, 1, 1], done: true }),
    ]);
    expect(s.inkPoints).toBe(2);
    expect(s.polls.map((p) => p.status)).toEqual(['closed', 'open']);
    expect(s.hands).toEqual([{ classroomId: 'room-a', raisedAt: expect.any(Number), by: 'u-co' }]);

    applyLessonEvent(s, ev(9, { type: 'lesson.ended', payload: {} }));
    expect(s).toEqual(expect.objectContaining({ status: 'ended', hands: [], pen: [], seq: 9 }));
    // Replays of old events change nothing.
    applyLessonEvent(s, ev(4, { type: 'hand.raised', payload: { classroomId: 'room-a' } }, co));
    expect(s.hands).toEqual([]);
  });

  it('hides other classrooms’ answers and the observers’ chat from a classroom’s view', () => {
    const s = initialLessonState('L');
    applyLessonEvent(
      s,
      ev(1, {
        type: 'poll.opened',
        payload: { pollId: 'p', question: 'q', kind: 'single', options: ['a', 'b'] },
      }),
    );
    applyLessonEvent(
      s,
      ev(2, { type: 'poll.answered', payload: { pollId: 'p', classroomId: 'a', tally: [1, 0] } }),
    );
    applyLessonEvent(
      s,
      ev(3, { type: 'poll.answered', payload: { pollId: 'p', classroomId: 'b', tally: [0, 1] } }),
    );
    applyLessonEvent(
      s,
      ev(4, { type: 'chat.posted', payload: { channel: 'observers', text: '点评', displayName: '教研员' } }),
    );
    const forA = viewLessonState(s, { role: 'co_teacher', classroomId: 'a' });
    expect(forA.polls[0].answers).toEqual({ a: [1, 0] });
    expect(forA.chat.observers).toEqual([]);
    expect(viewLessonState(s, { role: 'host', classroomId: null }).polls[0].answers).toEqual({
      a: [1, 0],
      b: [0, 1],
    });
    expect(viewLessonState(s, { role: 'observer', classroomId: null }).chat.observers).toHaveLength(1);
    expect(s.polls[0].answers).toEqual({ a: [1, 0], b: [0, 1] });
  });
});

describe('LessonSequencer', () => {
  const hidden = (seq: number): LessonWireEvent => ({ seq, at: seq, type: 'hidden' });

  it('applies each seq once and in order, holding early arrivals until the gap fills', () => {
    const applied: number[] = [];
    const q = new LessonSequencer({ onEvent: (e) => applied.push(e.seq) });
    expect(q.push(hidden(1))).toBe(true);
    expect(q.push(hidden(3))).toBe(false);
    expect(q.hasGap).toBe(true);
    expect(q.push(hidden(1))).toBe(true);
    q.push(hidden(2));
    expect(applied).toEqual([1, 2, 3]);
    expect(q.hasGap).toBe(false);
  });

  it('fills gaps from a resync, and takes a snapshot only if it is not older than what it has', () => {
    const applied: number[] = [];
    let snap = 0;
    const q = new LessonSequencer(
      { onEvent: (e) => applied.push(e.seq), onSnapshot: (s) => (snap = s.seq) },
      5,
    );
    q.push(hidden(9));
    q.applyResync({ mode: 'events', toSeq: 8, events: [hidden(6), hidden(7), hidden(8)] });
    expect(applied).toEqual([6, 7, 8, 9]);
    q.applyResync({ mode: 'snapshot', toSeq: 4, state: { ...initialLessonState('L'), seq: 4 }, mark: null });
    expect(snap).toBe(0);
    q.applyResync({
      mode: 'snapshot',
      toSeq: 20,
      state: { ...initialLessonState('L'), seq: 20 },
      mark: null,
    });
    expect([snap, q.lastSeq]).toEqual([20, 20]);
  });

  it('after a rollback of events it applied, applies nothing until a whole-state resync replaces its state', () => {
    const applied: number[] = [];
    let resets = 0;
    let snap = 0;
    const q = new LessonSequencer({
      onEvent: (e) => applied.push(e.seq),
      onSnapshot: (s) => (snap = s.seq),
      onReset: () => resets++,
    });
    for (const seq of [1, 2, 3]) q.push(hidden(seq));
    expect(q.resyncRequest()).toEqual({ sinceSeq: 3, sinceMark: { at: 3, clientMsgId: null } });
    expect(q.rollback(5)).toBe(false);
    expect(q.rollback(3)).toBe(true);
    expect(q.push(hidden(4))).toBe(false);
    expect(q.hasGap).toBe(true);
    expect(q.resyncRequest()).toEqual({ sinceSeq: 0, sinceMark: null });
    // An answer to an older request does not fit a voided state.
    q.applyResync({ mode: 'events', toSeq: 4, events: [hidden(4)] });
    expect([resets, q.hasGap]).toEqual([0, true]);
    q.applyResync({ mode: 'events', toSeq: 3, events: [hidden(1), hidden(2), hidden(3)] });
    expect([resets, q.hasGap, q.lastSeq]).toEqual([1, false, 3]);
    expect(applied).toEqual([1, 2, 3, 1, 2, 3]);
    // A server that finds the client's last event voided answers with a reset snapshot, even if older.
    q.applyResync({
      mode: 'snapshot',
      toSeq: 2,
      state: { ...initialLessonState('L'), seq: 2 },
      mark: null,
      reset: true,
    });
    expect([snap, q.lastSeq]).toEqual([2, 2]);
  });
});

describe('attendance intervals', () => {
  it('merges overlapping device and co-teacher connections and clips them to the lesson', () => {
    const merged = mergeIntervals(
      [
        { start: 0, end: 10 * 60_000 },
        { start: 5 * 60_000, end: 20 * 60_000 },
        { start: 30 * 60_000, end: null },
      ],
      2 * 60_000,
      40 * 60_000,
    );
    expect(merged).toEqual([
      { start: 2 * 60_000, end: 20 * 60_000 },
      { start: 30 * 60_000, end: 40 * 60_000 },
    ]);
    expect(totalMinutes(merged)).toBe(28);
  });
});
