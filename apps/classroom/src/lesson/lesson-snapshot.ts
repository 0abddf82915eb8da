import type { LessonState, LessonStroke } from '@tongke/contracts';

/** A snapshot row at least every this many events keeps restarts and far-behind resyncs cheap. */
export const SNAPSHOT_EVERY = 200;
/**
 * With much ink on the boards a snapshot costs more than replaying a few hundred events, so the
 * interval grows with it: one snapshot per this many ink points' worth of events. At the
 * lesson's ink limit (2 M points) that is one every 20,000 events; a replay after a restart then
 * folds at most that many small events, and the serialisation (tens of ms on the event loop at
 * that size) stays under ~20 µs per event instead of stalling every lesson on the instance every
 * 200 events.
 */
const INK_POINTS_PER_SNAPSHOT_EVENT = 100;

export function snapshotInterval(state: LessonState): number {
  return Math.max(SNAPSHOT_EVERY, Math.ceil(state.inkPoints / INK_POINTS_PER_SNAPSHOT_EVENT));
}

/** Finished strokes never change (the fold skips segments for them), so their JSON is kept. */
const finishedJson = new WeakMap<LessonStroke, string>();

function strokeJson(s: LessonStroke): string {
  let json = s.done ? finishedJson.get(s) : undefined;
  if (json === undefined) {
    json = JSON.stringify(s);
    if (s.done) finishedJson.set(s, json);
  }
  return json;
}

/**
 * Exactly `JSON.stringify(state)`, without formatting every finished stroke's points again for
 * each snapshot: number formatting is most of the cost, and finished strokes are most of a
 * long lesson's state.
 */
export function serializeLessonState(state: LessonState): string {
  const surfaces = Object.entries(state.surfaces).map(
    ([key, strokes]) => `${JSON.stringify(key)}:[${strokes.map(strokeJson).join(',')}]`,
  );
  // Only the key itself can read `"surfaces":0` (quotes inside string values are escaped).
  return JSON.stringify({ ...state, surfaces: 0 }).replace(
    '"surfaces":0',
    () => `"surfaces":{${surfaces.join(',')}}`,
  );
}
