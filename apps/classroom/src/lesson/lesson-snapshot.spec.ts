import { randomUUID } from 'node:crypto';
import {
  REALTIME_LIMITS,
  applyLessonEvent,
  initialLessonState,
  type LessonEventEnvelope,
  type LessonState,
} from '@tongke/contracts';
import { SNAPSHOT_EVERY, serializeLessonState, snapshotInterval } from './lesson-snapshot.js';

const host = { userId: randomUUID(), role: 'host' as const, classroomId: null };
let seq = 0;
const fold = (state: LessonState, type: string, payload: unknown): void => {
  applyLessonEvent(state, {
    seq: ++seq,
    at: 1_700_000_000_000 + seq,
    actor: host,
    clientMsgId: null,
    type,
    payload,
  } as unknown as LessonEventEnvelope);
};

const surface = (page: number) => ({
  layer: 'annotation' as const,
  material: { kind: 'resource' as const, id: 'm1' },
  page,
});
const ink = (state: LessonState, page: number, strokeId: string, done: boolean, n = 8) =>
  fold(state, 'stroke.batch', {
    surface: surface(page),
    segments: [
      {
        strokeId,
        tool: 'pen',
        color: '#d62728',
        width: 2,
        points: Array.from({ length: n }, (_, i) => Math.sin(seq * 7 + i) / 3 + 0.5),
        done,
      },
    ],
  });

describe('lesson snapshots', () => {
  it('serialise exactly as JSON.stringify would, while strokes grow, finish, appear and are cleared', () => {
    const state = initialLessonState(randomUUID(), 'live');
    state.chat.lesson.push({
      seq: 1,
      at: 1,
      userId: host.userId,
      role: 'host',
      classroomId: null,
      displayName: '名师',
      // A value that reads like the placeholder must stay a value.
      text: 'see "surfaces":0 and {"surfaces":0}',
    });
    const snapshots: string[] = [];
    const check = () => {
      const json = serializeLessonState(state);
      expect(json).toBe(JSON.stringify(state));
      snapshots.push(json);
    };
    check();
    ink(state, 1, 'a', false);
    ink(state, 2, 'b', true);
    check();
    // An unfinished stroke keeps growing, and finishes; its earlier JSON must not be reused.
    ink(state, 1, 'a', false);
    check();
    ink(state, 1, 'a', true);
    check();
    ink(state, 1, 'c', true);
    ink(state, 3, 'd', false);
    check();
    fold(state, 'board.cleared', { surface: surface(1) });
    check();
    expect(JSON.parse(snapshots.at(-1) ?? '{}')).toEqual(JSON.parse(JSON.stringify(state)));
    expect(Object.keys(state.surfaces).sort()).toEqual(['a:resource:m1:2', 'a:resource:m1:3']);
  });

  it('come every 200 events with little ink, and further apart as the boards fill up', () => {
    const state = initialLessonState(randomUUID(), 'live');
    expect(snapshotInterval(state)).toBe(SNAPSHOT_EVERY);
    state.inkPoints = 10_000;
    expect(snapshotInterval(state)).toBe(SNAPSHOT_EVERY);
    state.inkPoints = 200_000;
    expect(snapshotInterval(state)).toBe(2_000);
    state.inkPoints = REALTIME_LIMITS.maxPointsPerLesson;
    expect(snapshotInterval(state)).toBe(20_000);
  });
});
