import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { termOf } from '@tongke/contracts';

/**
 * The period a report covers, as the equity API spells it: a month `2026-11`, or a term
 * `2026-autumn` (September 2026 – January 2027) / `2027-spring` (February – August 2027).
 * It lives in the URL (`?period=`), so a report can be shared.
 */
export type Period = { kind: 'month'; key: string } | { kind: 'term'; key: string };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const TERM = /^(\d{4})-(autumn|spring)$/;

export function currentMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

export function parsePeriod(raw: string | null): Period | null {
  if (!raw) return null;
  if (MONTH.test(raw)) return { kind: 'month', key: raw };
  if (TERM.test(raw)) return { kind: 'term', key: raw };
  return null;
}

/** The period in the URL, else this term (a month early in a term has little to show). */
export function readPeriod(params: URLSearchParams, now = new Date()): Period {
  return parsePeriod(params.get('period')) ?? { kind: 'term', key: termOf(currentMonth(now)) };
}

/** This term, the two before it and the next one, newest first (plus `keep` when it is another). */
export function termChoices(now = new Date(), keep?: string): string[] {
  const out: string[] = [];
  let key = termOf(currentMonth(now));
  const next = (k: string): string => {
    const [y = 0, part] = k.split('-');
    return part === 'autumn' ? `${Number(y) + 1}-spring` : `${y}-autumn`;
  };
  const prev = (k: string): string => {
    const [y = 0, part] = k.split('-');
    return part === 'spring' ? `${Number(y) - 1}-autumn` : `${y}-spring`;
  };
  out.push(next(key));
  for (let i = 0; i < 3; i++) {
    out.push(key);
    key = prev(key);
  }
  if (keep && !out.includes(keep)) out.push(keep);
  return out;
}

/** "2026-autumn" → "2026–2027 学年 秋季学期"; "2026-11" → "2026年11月". */
export function periodLabel(t: TFunction, lng: string, key: string): string {
  const term = TERM.exec(key);
  if (term) {
    const y = Number(term[1]);
    return term[2] === 'autumn'
      ? t('equity.period.autumn', { from: y, to: y + 1 })
      : t('equity.period.spring', { from: y - 1, to: y });
  }
  const m = MONTH.exec(key);
  if (!m) return key;
  return new Intl.DateTimeFormat(lng, { year: 'numeric', month: 'long' }).format(
    new Date(Number(m[1]), Number(m[2]) - 1, 1),
  );
}

/** "2026-11" → "26年11月" / "Nov 26" (short, for chart axes). */
export function monthShort(lng: string, month: string): string {
  const m = MONTH.exec(month);
  if (!m) return month;
  return new Intl.DateTimeFormat(lng, { year: '2-digit', month: 'short' }).format(
    new Date(Number(m[1]), Number(m[2]) - 1, 1),
  );
}

/** Month or term, then which one. */
export function PeriodPicker({ value, onChange }: { value: Period; onChange: (p: Period) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <>
      <fieldset className="period-kind" data-testid="period-kind">
        <legend>{t('equity.period.label')}</legend>
        <label className="period-option">
          <input
            type="radio"
            name={`${id}-kind`}
            checked={value.kind === 'term'}
            onChange={() => onChange({ kind: 'term', key: termOf(currentMonth()) })}
          />
          {t('equity.period.byTerm')}
        </label>
        <label className="period-option">
          <input
            type="radio"
            name={`${id}-kind`}
            checked={value.kind === 'month'}
            onChange={() => onChange({ kind: 'month', key: currentMonth() })}
          />
          {t('equity.period.byMonth')}
        </label>
      </fieldset>
      {value.kind === 'term' ? (
        <div className="field">
          <label htmlFor={`${id}-term`}>{t('equity.period.whichTerm')}</label>
          <select
            id={`${id}-term`}
            value={value.key}
            data-testid="period-term"
            onChange={(e) => onChange({ kind: 'term', key: e.target.value })}
          >
            {termChoices(new Date(), value.key).map((key) => (
              <option key={key} value={key}>
                {periodLabel(t, i18n.language, key)}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-month`}>{t('equity.period.whichMonth')}</label>
          <input
            id={`${id}-month`}
            type="month"
            value={value.key}
            max={currentMonth()}
            data-testid="period-month"
            onChange={(e) => MONTH.test(e.target.value) && onChange({ kind: 'month', key: e.target.value })}
          />
        </div>
      )}
    </>
  );
}

export function writePeriod(params: URLSearchParams, p: Period): URLSearchParams {
  const out = new URLSearchParams(params);
  out.set('period', p.key);
  return out;
}
