import { EQUITY_PERIOD_PATTERN, type EquityPeriodDto } from '@tongke/contracts';

/** Months are calendar months in China Standard Time (UTC+8, no daylight saving). */
export const MONTH_TIME_ZONE = 'Asia/Shanghai';
const CST_OFFSET_MS = 8 * 3600_000;

/** `YYYY-MM` of an instant, in China Standard Time. */
export function monthOf(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 7);
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const idx = y * 12 + (m - 1) + n;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
}

export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** The first instant of a month (CST) — for range filters on timestamps. */
export function monthStart(month: string): Date {
  return new Date(Date.parse(`${month}-01T00:00:00Z`) - CST_OFFSET_MS);
}

/**
 * `2026-09` → that month; `2026-autumn` → Sep 2026 – Jan 2027 (autumn term of school year
 * 2026–2027); `2027-spring` → Feb – Aug 2027. Returns null for anything else.
 */
export function parsePeriod(key: string): EquityPeriodDto | null {
  if (!EQUITY_PERIOD_PATTERN.test(key)) return null;
  const [yearText, part] = key.split('-');
  const year = Number(yearText);
  let from: string;
  let to: string;
  if (part === 'autumn') {
    from = `${year}-09`;
    to = `${year + 1}-01`;
  } else if (part === 'spring') {
    from = `${year}-02`;
    to = `${year}-08`;
  } else {
    from = key;
    to = key;
  }
  return { key, kind: from === to ? 'month' : 'term', from, to, months: monthRange(from, to) };
}
