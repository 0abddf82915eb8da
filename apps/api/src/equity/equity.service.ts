import { Injectable, Logger } from '@nestjs/common';
import { addMonths, monthOf, monthRange, parsePeriod, weightedStats } from '@tongke/analytics';
import { Scope, type Principal } from '@tongke/auth';
import {
  EQUITY_INDICATOR_META,
  EQUITY_INDICATORS,
  TAXONOMY,
  type EquityActivityCountsDto,
  type EquityClassroomAttendanceDto,
  type EquityDistrictOverviewDto,
  type EquityIndicatorKey,
  type EquityIndicatorSummaryDto,
  type EquityMyActivityDto,
  type EquityPairingDetailDto,
  type EquityPairingSummaryDto,
  type EquityPeriodDto,
  type EquitySchoolDetailDto,
  type EquitySchoolRefDto,
  type EquitySchoolValueDto,
  type EquityStage,
  type EquityStatus,
  type EquityThresholdsDto,
} from '@tongke/contracts';
import { Clock } from '../common/clock.js';
import { EquityErrors } from './equity.errors.js';
import {
  addBucket,
  emptyBucket,
  EquityRepository,
  type ClassroomMonthRow,
  type SchoolBucket,
  type SchoolRow,
} from './equity.repository.js';

/** Quality is re-judged (ratings and visibility change) when a dashboard is asked and the last verdict is older than this. */
const QUALITY_REFRESH_MS = 30_000;
const TREND_MONTHS = 12;

/** One school's value of an indicator from its counters; null where it does not apply or has no denominator. */
export function indicatorValue(key: EquityIndicatorKey, school: SchoolRow, b: SchoolBucket): number | null {
  const urban = school.locale === 'urban';
  const perTeacher = (n: number) => (school.teachers > 0 ? n / school.teachers : null);
  switch (key) {
    case 'quality_resources_per_teacher':
      return perTeacher(b.qualityResources);
    case 'joint_hours_delivered':
      return urban ? b.minutesHosted / 60 : null;
    case 'joint_hours_received':
      return urban ? null : b.attendedMinutes / 60;
    case 'lessons_held_rate':
      return b.scheduled > 0 ? (urban ? b.lessonsHosted : b.classroomLessons) / b.scheduled : null;
    case 'attendance_rate':
      return !urban && b.lessonMinutes > 0 ? b.attendedMinutes / b.lessonMinutes : null;
    case 'prep_participation_per_teacher':
      return perTeacher(b.planEdits + b.sessionsAttended);
    case 'uploads_per_teacher':
      return perTeacher(b.uploads);
  }
}

export function statusOf(cv: number | null, n: number, t: EquityThresholdsDto): EquityStatus {
  if (cv === null || n < 2) return 'insufficient_data';
  if (cv <= t.quality) return 'quality';
  if (cv <= t.basic) return 'basic';
  return 'below';
}

export function thresholdsFor(stage: EquityStage): EquityThresholdsDto {
  return {
    quality: TAXONOMY.equityThresholds.quality[stage],
    basic: TAXONOMY.equityThresholds.basic[stage],
  };
}

const countsOf = (b: SchoolBucket): EquityActivityCountsDto => ({
  views: b.views,
  previews: b.previews,
  downloads: b.downloads,
  uploads: b.uploads,
  approvals: b.approvals,
  planEdits: b.planEdits,
  sessionsAttended: b.sessionsAttended,
});

const toRef = (s: SchoolRow): EquitySchoolRefDto => ({
  id: s.id,
  name: s.name,
  locale: s.locale,
  stages: s.stages,
  enrolment: s.enrolment,
  teachers: s.teachers,
});

@Injectable()
export class EquityService {
  private readonly logger = new Logger('EquityService');
  private qualityCheckedAt = 0;
  private qualityRefresh: Promise<void> | null = null;

  constructor(
    private readonly repo: EquityRepository,
    private readonly clock: Clock,
  ) {}

  period(key: string | undefined): EquityPeriodDto {
    const value = key ?? monthOf(this.clock.now());
    const period = parsePeriod(value);
    if (!period) throw EquityErrors.periodInvalid(value);
    return period;
  }

  /** Re-judges resource quality now (also done before a dashboard answers, at most every 30 s). */
  async refreshQuality(): Promise<void> {
    this.qualityRefresh ??= this.repo
      .refreshQuality()
      .then(() => {
        this.qualityCheckedAt = Date.now();
      })
      .finally(() => {
        this.qualityRefresh = null;
      });
    await this.qualityRefresh;
  }

  /**
   * The first dashboard after start waits for a full re-judging; later ones start it in the
   * background when it is older than 30 s, so no request pays for it (figures lag ≤ ~30 s).
   */
  private async qualityFresh(): Promise<void> {
    if (this.qualityCheckedAt === 0) return this.refreshQuality();
    if (Date.now() - this.qualityCheckedAt > QUALITY_REFRESH_MS && !this.qualityRefresh) {
      this.refreshQuality().catch((err: unknown) => this.logger.error({ err }, 'quality refresh failed'));
    }
  }

  async overview(
    p: Principal,
    regionId: string,
    q: { period?: string; stage?: EquityStage },
  ): Promise<EquityDistrictOverviewDto> {
    const period = this.period(q.period);
    const stage = q.stage ?? 'primary';
    if (!Scope.canManageRegion(p, regionId)) throw EquityErrors.regionNotFound();
    const region = await this.repo.region(regionId);
    if (!region) throw EquityErrors.regionNotFound();
    await this.qualityFresh();
    const trendFrom = addMonths(period.to, -(TREND_MONTHS - 1));
    const [schools, buckets, pairingRows] = await Promise.all([
      this.repo.schools(regionId, stage),
      this.repo.buckets({ regionId }, trendFrom, period.to),
      this.repo.pairingSummaries(regionId, period.from, period.to),
    ]);
    const pairings = pairingRows.map((r): EquityPairingSummaryDto => ({
      pairingId: r.pairingId,
      status: r.status,
      urbanSchool: r.urbanSchool,
      partnerSchools: r.partnerSchools ?? [],
      scheduled: r.scheduled,
      held: r.held,
      hours: r.minutes / 60,
      heldRate: r.scheduled > 0 ? r.held / r.scheduled : null,
      attendanceRate: r.lessonMinutes > 0 ? r.attended / r.lessonMinutes : null,
    }));
    // Each school's period total once; single months are read as they are.
    const EMPTY = emptyBucket();
    const totals = new Map(
      schools.map((s) => [
        s.id,
        period.months.reduce((acc, m) => addBucket(acc, buckets.get(s.id)?.get(m) ?? EMPTY), emptyBucket()),
      ]),
    );
    const monthOfSchool = (schoolId: string, month: string) => buckets.get(schoolId)?.get(month) ?? EMPTY;
    const thresholds = thresholdsFor(stage);
    const trendMonths = monthRange(trendFrom, period.to);
    const indicators = EQUITY_INDICATORS.map((key): EquityIndicatorSummaryDto => {
      const values = schools.map((s): EquitySchoolValueDto => ({
        schoolId: s.id,
        name: s.name,
        locale: s.locale,
        enrolment: s.enrolment,
        value: indicatorValue(key, s, totals.get(s.id) ?? EMPTY),
      }));
      const stats = weightedStats(values.map((v) => ({ value: v.value, weight: v.enrolment })));
      const localeMean = (locale: string) =>
        weightedStats(
          values.filter((v) => v.locale === locale).map((v) => ({ value: v.value, weight: v.enrolment })),
        ).mean;
      const urbanMean = localeMean('urban');
      const ruralMean = localeMean('rural');
      const trend = trendMonths.map((month) => {
        const t = weightedStats(
          schools.map((s) => ({
            value: indicatorValue(key, s, monthOfSchool(s.id, month)),
            weight: s.enrolment,
          })),
        );
        return { month, weightedMean: t.mean, weightedCv: t.cv, status: statusOf(t.cv, t.n, thresholds) };
      });
      const mean = stats.mean;
      const lagging =
        mean === null
          ? []
          : values
              .filter((v) => v.value !== null && v.enrolment > 0 && v.value < mean)
              .sort((a, b) => (a.value ?? 0) - (b.value ?? 0))
              .slice(0, 3);
      return {
        key,
        ...EQUITY_INDICATOR_META[key],
        schools: [...values].sort(
          (a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.name.localeCompare(b.name),
        ),
        weightedMean: stats.mean,
        weightedCv: stats.cv,
        thresholds,
        status: statusOf(stats.cv, stats.n, thresholds),
        urbanMean,
        townMean: localeMean('town'),
        ruralMean,
        gap: urbanMean !== null && ruralMean !== null && urbanMean > 0 ? ruralMean / urbanMean : null,
        trend,
        lagging,
      };
    });
    return { region, period, stage, schools: schools.map(toRef), indicators, pairings };
  }

  async school(p: Principal, schoolId: string, q: { period?: string }): Promise<EquitySchoolDetailDto> {
    const period = this.period(q.period);
    const school = await this.repo.school(schoolId);
    if (!school || !Scope.canManageSchool(p, school)) throw EquityErrors.schoolNotFound();
    await this.qualityFresh();
    const trendFrom = addMonths(period.to, -(TREND_MONTHS - 1));
    const [buckets, classrooms] = await Promise.all([
      this.repo.buckets({ schoolIds: [school.id] }, trendFrom, period.to),
      this.repo.classroomMonths({ schoolId: school.id }, period.from, period.to),
    ]);
    const mine = buckets.get(school.id);
    const sum = (months: string[]) =>
      months.reduce((acc, m) => addBucket(acc, mine?.get(m) ?? emptyBucket()), emptyBucket());
    const total = sum(period.months);
    const urban = school.locale === 'urban';
    return {
      school: toRef(school),
      regionId: school.regionId,
      period,
      indicators: EQUITY_INDICATORS.map((key) => ({ key, value: indicatorValue(key, school, total) })),
      counts: countsOf(total),
      lessons: {
        scheduled: total.scheduled,
        held: urban ? total.lessonsHosted : total.classroomLessons,
        hoursDelivered: total.minutesHosted / 60,
        hoursReceived: total.attendedMinutes / 60,
      },
      classrooms: attendanceByClassroom(classrooms),
      trend: monthRange(trendFrom, period.to).map((month) => ({
        month,
        values: EQUITY_INDICATORS.map((key) => ({ key, value: indicatorValue(key, school, sum([month])) })),
      })),
    };
  }

  async pairing(p: Principal, pairingId: string, q: { period?: string }): Promise<EquityPairingDetailDto> {
    const period = this.period(q.period);
    const pairing = await this.repo.pairing(pairingId);
    const schoolIds = pairing ? [pairing.urbanSchool.id, ...pairing.partnerSchools.map((s) => s.id)] : [];
    const visible =
      pairing &&
      (Scope.canManageRegion(p, pairing.regionId) ||
        (p.role === 'school_admin' && p.schoolId !== null && schoolIds.includes(p.schoolId)));
    if (!pairing || !visible) throw EquityErrors.pairingNotFound();
    const trendFrom = addMonths(period.to, -(TREND_MONTHS - 1));
    const [months, classrooms, materials] = await Promise.all([
      this.repo.pairingMonths(pairing.id, trendFrom, period.to),
      this.repo.classroomMonths({ pairingId: pairing.id }, period.from, period.to),
      this.repo.materialsUsed(
        pairing.urbanSchool.id,
        pairing.partnerSchools.map((s) => s.id),
        period.from,
        period.to,
      ),
    ]);
    const byMonth = new Map(months.map((m) => [m.month, m]));
    const inPeriod = period.months.map((m) => byMonth.get(m)).filter((m) => m !== undefined);
    const scheduled = inPeriod.reduce((s, m) => s + m.scheduled, 0);
    const held = inPeriod.reduce((s, m) => s + m.held, 0);
    return {
      pairing,
      period,
      lessons: {
        scheduled,
        held,
        hours: inPeriod.reduce((s, m) => s + m.minutes, 0) / 60,
        heldRate: scheduled > 0 ? held / scheduled : null,
      },
      attendance: attendanceByClassroom(classrooms),
      materialsUsed: materials.top,
      distinctMaterialsUsedByRuralSide: materials.distinct,
      trend: monthRange(trendFrom, period.to).map((month) => {
        const m = byMonth.get(month);
        return {
          month,
          held: m?.held ?? 0,
          hours: (m?.minutes ?? 0) / 60,
          attendanceRate: m && m.lessonMinutes > 0 ? m.attended / m.lessonMinutes : null,
        };
      }),
    };
  }

  async me(p: Principal, q: { period?: string }): Promise<EquityMyActivityDto> {
    const period = this.period(q.period);
    const [rows, quality] = await Promise.all([
      this.repo.myMonths(p.userId, period.from, period.to),
      this.repo.myQualityResources(p.userId, period.from, period.to),
    ]);
    const empty = (): EquityActivityCountsDto => ({
      views: 0,
      previews: 0,
      downloads: 0,
      uploads: 0,
      approvals: 0,
      planEdits: 0,
      sessionsAttended: 0,
    });
    const field: Record<string, keyof EquityActivityCountsDto> = {
      resource_view: 'views',
      resource_preview: 'previews',
      resource_download: 'downloads',
      resource_upload: 'uploads',
      resource_approval: 'approvals',
      plan_edit: 'planEdits',
      prep_session: 'sessionsAttended',
    };
    const months = period.months.map((month) => ({ month, counts: empty() }));
    const total = empty();
    let lessonsHosted = 0;
    let minutesHosted = 0;
    for (const r of rows) {
      if (r.kind === 'lesson_held') {
        lessonsHosted += r.n;
        minutesHosted += r.minutes;
        continue;
      }
      const f = field[r.kind];
      const m = months.find((x) => x.month === r.month);
      if (!f || !m) continue;
      m.counts[f] += r.n;
      total[f] += r.n;
    }
    return {
      userId: p.userId,
      period,
      counts: total,
      qualityResourcesUsed: quality,
      lessonsHosted,
      hoursHosted: minutesHosted / 60,
      months,
    };
  }
}

function attendanceByClassroom(rows: ClassroomMonthRow[]): EquityClassroomAttendanceDto[] {
  const out = new Map<string, EquityClassroomAttendanceDto>();
  for (const r of rows) {
    const c = out.get(r.classroomId) ?? {
      classroomId: r.classroomId,
      classroomName: r.classroomName,
      schoolId: r.schoolId,
      schoolName: r.schoolName,
      lessons: 0,
      attendedMinutes: 0,
      lessonMinutes: 0,
      attendanceRate: null,
    };
    c.lessons += Number(r.lessons);
    c.attendedMinutes += Number(r.attendedMinutes);
    c.lessonMinutes += Number(r.lessonMinutes);
    c.attendanceRate = c.lessonMinutes > 0 ? c.attendedMinutes / c.lessonMinutes : null;
    out.set(r.classroomId, c);
  }
  return [...out.values()];
}
