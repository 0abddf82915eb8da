import type { TFunction } from 'i18next';
import { TERM_PATTERN, TAXONOMY } from '@tongke/contracts';
import { ApiError } from './api/client';

/** 2026-2027-1 → "2026–2027 学年 第一学期" / "2026–2027, term 1"; unknown shapes are shown as-is. */
export function termLabel(t: TFunction, term: string): string {
  const m = TERM_PATTERN.exec(term);
  if (!m) return term;
  return t('term.label', { from: m[1], to: m[2], n: m[3] === '1' ? t('term.n1') : t('term.n2') });
}

/** The next few terms, for suggestions: the current school year (from September) and the next. */
export function suggestedTerms(now = new Date()): string[] {
  const start = now.getMonth() >= 7 ? now.getFullYear() : now.getFullYear() - 1;
  const out: string[] = [];
  for (let y = start; y <= start + 1; y++) out.push(`${y}-${y + 1}-1`, `${y}-${y + 1}-2`);
  return out;
}

/** The school year must be two consecutive years: 2026-2027, not 2026-2029. */
export function isValidTerm(term: string): boolean {
  const m = TERM_PATTERN.exec(term.trim());
  return !!m && Number(m[2]) === Number(m[1]) + 1;
}

type SubjectKey = (typeof TAXONOMY)['subjects'][number]['code'];
const SUBJECTS = new Set<string>(TAXONOMY.subjects.map((s) => s.code));

export function subjectName(t: TFunction, code: string): string {
  return SUBJECTS.has(code) ? t(`subject.${code as SubjectKey}`) : code;
}

type GradeKey = (typeof TAXONOMY)['stages'][number]['grades'][number];
const GRADES = new Set<string>(TAXONOMY.stages.flatMap((s) => s.grades));

/** 四年级 → "Grade 4" in English; unknown labels are shown as stored. */
export function gradeName(t: TFunction, label: string): string {
  return GRADES.has(label) ? t(`grade.${label as GradeKey}`) : label;
}

export function formatDate(lng: string, iso: string | null | undefined, withTime = false): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lng, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    ...(withTime && { hour: '2-digit', minute: '2-digit' }),
  }).format(d);
}

export function formatNumber(lng: string, n: number): string {
  return new Intl.NumberFormat(lng).format(n);
}

/** A user-facing sentence for an error: a translation of its code when there is one, else the API's message. */
export function errorMessage(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    const key = `errors.${err.code}`;
    const translated = t(key as 'errors.title', { defaultValue: '' });
    if (translated) return translated;
    if (err.status >= 500) return t('errors.INTERNAL_ERROR');
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Field errors from the API, keyed by field name. */
export function fieldErrors(err: unknown): Record<string, string[]> {
  return err instanceof ApiError ? err.fields : {};
}
