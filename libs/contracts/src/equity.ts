/**
 * Equity monitoring (均衡监测) — REST types shared by the API and the web dashboard. Browser-safe:
 * constants and types only, no decorators.
 *
 * Periods: a month `2026-09`, or a term of the Chinese school year: `2026-autumn` is the autumn
 * term of school year 2026–2027 (September 2026 – January 2027), `2027-spring` the spring term
 * (February – August 2027; July and August are the summer holiday but stay in the spring term so
 * every month belongs to exactly one term). Months are calendar months in China Standard Time.
 */

export const EQUITY_PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2]|autumn|spring)$/;
/**
 * The school term a month (`YYYY-MM`) belongs to: September–January is the autumn term of the
 * school year that starts that September (`2026-autumn`), February–August the spring term
 * (`2027-spring`). Shared by the API's period parsing and the web's period picker.
 */
export function termOf(month: string): string {
  const [y = 0, m = 1] = month.split('-').map(Number);
  if (m >= 9) return `${y}-autumn`;
  if (m === 1) return `${y - 1}-autumn`;
  return `${y}-spring`;
}

export const EQUITY_STAGES = ['primary', 'junior'] as const;
export type EquityStage = (typeof EQUITY_STAGES)[number];

/**
 * Indicator keys, in dashboard order.
 * - quality_resources_per_teacher: distinct quality resources the school's staff viewed, previewed
 *   or downloaded in a month, ÷ the school's teachers (a term adds up its months). A resource is
 *   "quality" when it is published to the district or public, or authored by a master teacher, or
 *   rated ≥ 4 by at least three teachers — judged now, not when it was used.
 * - joint_hours_delivered: hours of joint lessons the (urban) school hosted and ended.
 * - joint_hours_received: hours the school's classrooms were connected to joint lessons.
 * - lessons_held_rate: lessons held ÷ lessons scheduled (urban: lessons hosted; rural/town:
 *   classroom places in lessons).
 * - attendance_rate: minutes the school's classrooms were connected ÷ the minutes of the lessons
 *   they were in.
 * - prep_participation_per_teacher: collective-preparation session attendances + plan edits
 *   (an edit is at most one per teacher, plan and minute) ÷ teachers.
 * - uploads_per_teacher: files uploaded to the library by the school's staff ÷ teachers.
 */
export const EQUITY_INDICATORS = [
  'quality_resources_per_teacher',
  'joint_hours_delivered',
  'joint_hours_received',
  'lessons_held_rate',
  'attendance_rate',
  'prep_participation_per_teacher',
  'uploads_per_teacher',
] as const;
export type EquityIndicatorKey = (typeof EQUITY_INDICATORS)[number];

/** Which schools an indicator is measured for (hours are delivered by urban schools, received by the others). */
export type EquityAppliesTo = 'all' | 'urban' | 'non_urban';
export type EquityUnit = 'per_teacher' | 'hours' | 'ratio';

export const EQUITY_INDICATOR_META: Record<
  EquityIndicatorKey,
  { appliesTo: EquityAppliesTo; unit: EquityUnit }
> = {
  quality_resources_per_teacher: { appliesTo: 'all', unit: 'per_teacher' },
  joint_hours_delivered: { appliesTo: 'urban', unit: 'hours' },
  joint_hours_received: { appliesTo: 'non_urban', unit: 'hours' },
  lessons_held_rate: { appliesTo: 'all', unit: 'ratio' },
  attendance_rate: { appliesTo: 'non_urban', unit: 'ratio' },
  prep_participation_per_teacher: { appliesTo: 'all', unit: 'per_teacher' },
  uploads_per_teacher: { appliesTo: 'all', unit: 'per_teacher' },
};

/**
 * 优质均衡 when the weighted CV ≤ the quality threshold, 基本均衡 when ≤ the basic one, else below;
 * `insufficient_data` when fewer than two schools have a value or the weighted mean is 0.
 */
export type EquityStatus = 'quality' | 'basic' | 'below' | 'insufficient_data';

export interface EquityPeriodDto {
  /** As requested: `2026-09` or `2026-autumn`. */
  key: string;
  kind: 'month' | 'term';
  /** First and last month, `YYYY-MM`. */
  from: string;
  to: string;
  months: string[];
}

export interface EquityThresholdsDto {
  quality: number;
  basic: number;
}

export interface EquitySchoolRefDto {
  id: string;
  name: string;
  locale: 'urban' | 'town' | 'rural';
  stages: string[];
  enrolment: number;
  /** Active teacher accounts now (the per-teacher denominator). */
  teachers: number;
}

export interface EquitySchoolValueDto {
  schoolId: string;
  name: string;
  locale: 'urban' | 'town' | 'rural';
  enrolment: number;
  /** null: the indicator does not apply to this school or has no denominator (no teachers, nothing scheduled). */
  value: number | null;
}

export interface EquityTrendPointDto {
  /** `YYYY-MM` */
  month: string;
  weightedMean: number | null;
  weightedCv: number | null;
  status: EquityStatus;
}

export interface EquityIndicatorSummaryDto {
  key: EquityIndicatorKey;
  appliesTo: EquityAppliesTo;
  unit: EquityUnit;
  /** Every school of the stage in the region, highest value first, nulls last. */
  schools: EquitySchoolValueDto[];
  /** Enrolment-weighted mean over the schools with a value. */
  weightedMean: number | null;
  /** Enrolment-weighted standard deviation ÷ weighted mean (校际差异系数). */
  weightedCv: number | null;
  thresholds: EquityThresholdsDto;
  status: EquityStatus;
  /** Enrolment-weighted means by locale; null when no school of that locale has a value. */
  urbanMean: number | null;
  townMean: number | null;
  ruralMean: number | null;
  /** ruralMean ÷ urbanMean (1 = no gap); null when either is missing or urbanMean is 0. */
  gap: number | null;
  /** The twelve months ending with the period's last month. */
  trend: EquityTrendPointDto[];
  /** Up to three schools with a value furthest below the weighted mean, lowest first. */
  lagging: EquitySchoolValueDto[];
}

/** One pairing's joint lessons in the period (district overview; every stage). */
export interface EquityPairingSummaryDto {
  pairingId: string;
  status: string;
  urbanSchool: { id: string; name: string };
  partnerSchools: { id: string; name: string }[];
  scheduled: number;
  held: number;
  hours: number;
  /** held ÷ scheduled; null when nothing was scheduled. */
  heldRate: number | null;
  /** Minutes the rural classrooms were connected ÷ the minutes of the lessons they were in. */
  attendanceRate: number | null;
}

export interface EquityDistrictOverviewDto {
  region: { id: string; name: string };
  period: EquityPeriodDto;
  stage: EquityStage;
  schools: EquitySchoolRefDto[];
  indicators: EquityIndicatorSummaryDto[];
  /** The region's active and ended pairings (not proposed ones), by urban school name. */
  pairings: EquityPairingSummaryDto[];
}

/** Raw activity counts (all per period). */
export interface EquityActivityCountsDto {
  views: number;
  previews: number;
  downloads: number;
  uploads: number;
  approvals: number;
  planEdits: number;
  sessionsAttended: number;
}

export interface EquityClassroomAttendanceDto {
  classroomId: string;
  classroomName: string;
  schoolId: string;
  schoolName: string;
  /** Lessons this classroom was in that ended in the period. */
  lessons: number;
  attendedMinutes: number;
  lessonMinutes: number;
  /** attendedMinutes ÷ lessonMinutes; null without lesson minutes. */
  attendanceRate: number | null;
}

export interface EquitySchoolDetailDto {
  school: EquitySchoolRefDto;
  regionId: string;
  period: EquityPeriodDto;
  indicators: { key: EquityIndicatorKey; value: number | null }[];
  counts: EquityActivityCountsDto;
  lessons: {
    /** Urban side: lessons hosted; rural/town side: classroom places. */
    scheduled: number;
    held: number;
    hoursDelivered: number;
    hoursReceived: number;
  };
  classrooms: EquityClassroomAttendanceDto[];
  /** The school's indicator values month by month (twelve months ending with the period). */
  trend: { month: string; values: { key: EquityIndicatorKey; value: number | null }[] }[];
}

export interface EquityMaterialUseDto {
  resourceId: string;
  title: string;
  resourceType: string;
  /** Rural/town schools that used it in the period. */
  schools: number;
  views: number;
  previews: number;
  downloads: number;
}

export interface EquityPairingDetailDto {
  pairing: {
    id: string;
    regionId: string;
    term: string;
    status: string;
    subjects: string[];
    urbanSchool: { id: string; name: string };
    partnerSchools: { id: string; name: string; locale: 'urban' | 'town' | 'rural' }[];
  };
  period: EquityPeriodDto;
  lessons: {
    scheduled: number;
    held: number;
    /** Hours of the held lessons. */
    hours: number;
    /** held ÷ scheduled; null when nothing was scheduled. */
    heldRate: number | null;
  };
  attendance: EquityClassroomAttendanceDto[];
  /** Library materials authored at the urban school that the rural side used, most used first (top 50). */
  materialsUsed: EquityMaterialUseDto[];
  /** Distinct materials (from anywhere) the rural side used in the period. */
  distinctMaterialsUsedByRuralSide: number;
  trend: { month: string; held: number; hours: number; attendanceRate: number | null }[];
}

export interface EquityMyActivityDto {
  userId: string;
  period: EquityPeriodDto;
  counts: EquityActivityCountsDto;
  /** Distinct quality resources I used in the period (judged now). */
  qualityResourcesUsed: number;
  /** Joint lessons I hosted that ended in the period, and their hours. */
  lessonsHosted: number;
  hoursHosted: number;
  months: { month: string; counts: EquityActivityCountsDto }[];
}

/** Query of every equity endpoint: `period` defaults to the current month; `format=csv` answers a CSV file. */
export interface EquityQuery {
  period?: string;
  stage?: EquityStage;
  format?: 'json' | 'csv';
}
