/** Calendar arithmetic for the timetable, in the browser's own time zone. */

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-09-07 (local date). */
export function isoDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** 08:05 (local time). */
export function hhmm(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** 08:05:09 (local time). */
export function hhmmss(d: Date): string {
  return `${hhmm(d)}:${pad(d.getSeconds())}`;
}

/** Parses YYYY-MM-DD as a local midnight; null when it is not a real date. */
export function parseIsoDate(s: string | null | undefined): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s ?? '');
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 ? d : null;
}

/** Local date and HH:MM → a Date (null if either is malformed). */
export function atLocal(date: string, time: string): Date | null {
  const d = parseIsoDate(date);
  const t = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!d || !t) return null;
  d.setHours(Number(t[1]), Number(t[2]), 0, 0);
  return d;
}

/** Monday 00:00 of the week holding `d`. */
export function startOfWeek(d: Date): Date {
  const day = (d.getDay() + 6) % 7;
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - day);
}

export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n, d.getHours(), d.getMinutes());
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: Date): number {
  return ((d.getDay() + 6) % 7) + 1;
}

export function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** The browser's IANA zone (the one the times were typed in). */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
  } catch {
    return 'Asia/Shanghai';
  }
}

export function formatDay(lng: string, d: Date): string {
  return new Intl.DateTimeFormat(lng, { weekday: 'long', month: 'long', day: 'numeric' }).format(d);
}

export function formatShortDate(lng: string, d: Date): string {
  return new Intl.DateTimeFormat(lng, { month: 'short', day: 'numeric' }).format(d);
}

export function formatTimeRange(startsAt: string, endsAt: string): string {
  return `${hhmm(new Date(startsAt))}–${hhmm(new Date(endsAt))}`;
}

/** 1:05:09 or 5:09 for replay offsets. */
export function formatOffset(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
