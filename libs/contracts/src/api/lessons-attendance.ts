/** Attendance arithmetic shared by the classroom service (domain events) and the API (reports). */

export interface TimeInterval {
  start: number;
  /** null: still connected (or the connection was never closed cleanly). */
  end: number | null;
}

/**
 * Merges overlapping intervals after clipping them to [from, to]; open intervals end at `to`.
 * Two devices of one room connected at once count once.
 */
export function mergeIntervals(
  intervals: readonly TimeInterval[],
  from: number,
  to: number,
): { start: number; end: number }[] {
  const clipped = intervals
    .map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end ?? to, to) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const i of clipped) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else merged.push({ ...i });
  }
  return merged;
}

export function totalMinutes(merged: readonly { start: number; end: number }[]): number {
  const ms = merged.reduce((sum, i) => sum + (i.end - i.start), 0);
  return Math.round((ms / 60_000) * 10) / 10;
}
