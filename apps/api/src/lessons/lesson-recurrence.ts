import { LESSON_DEFAULT_TIMEZONE, type LessonWeeklyRule } from '@tongke/contracts';

const DAY_MS = 86_400_000;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** How far the zone's wall clock is ahead of UTC at this instant. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (t: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return (
    Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - utcMs
  );
}

/** The instant a wall-clock date and time happen in a zone (zones with DST resolve gaps forward). */
export function zonedTimeToUtc(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const first = wall - zoneOffsetMs(wall, timeZone);
  const second = wall - zoneOffsetMs(first, timeZone);
  return new Date(second);
}

export function parseLocalDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === s ? t : null;
}

export interface Slot {
  startsAt: Date;
  endsAt: Date;
}

/**
 * Every occurrence of a weekly rule between fromDate and untilDate (inclusive, local dates):
 * the given weekday at the local start time, lasting durationMinutes.
 */
export function weeklySlots(rule: LessonWeeklyRule): Slot[] {
  const tz = rule.timezone ?? LESSON_DEFAULT_TIMEZONE;
  const from = parseLocalDate(rule.fromDate);
  const until = parseLocalDate(rule.untilDate);
  if (from === null || until === null) throw new Error('invalid dates');
  const fromIsoDay = ((new Date(from).getUTCDay() + 6) % 7) + 1;
  const first = from + ((rule.weekday - fromIsoDay + 7) % 7) * DAY_MS;
  const slots: Slot[] = [];
  for (let day = first; day <= until; day += 7 * DAY_MS) {
    const startsAt = zonedTimeToUtc(new Date(day).toISOString().slice(0, 10), rule.startTime, tz);
    slots.push({ startsAt, endsAt: new Date(startsAt.getTime() + rule.durationMinutes * 60_000) });
  }
  return slots;
}
