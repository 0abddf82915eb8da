import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MONTH_TIME_ZONE, monthStart, addMonths, refreshQuality, QUALITY_SQL } from '@tongke/analytics';
import type { EquitySchoolRefDto } from '@tongke/contracts';
import { DataSource } from 'typeorm';

/** Monthly counters of one school (or a sum of months). Minutes are numbers here. */
export interface SchoolBucket {
  views: number;
  previews: number;
  downloads: number;
  uploads: number;
  approvals: number;
  planEdits: number;
  sessionsAttended: number;
  lessonsHosted: number;
  minutesHosted: number;
  classroomLessons: number;
  attendedMinutes: number;
  lessonMinutes: number;
  qualityResources: number;
  /** From the lessons tables: lessons hosted (urban) or classroom places (rural/town) scheduled. */
  scheduled: number;
}

export const emptyBucket = (): SchoolBucket => ({
  views: 0,
  previews: 0,
  downloads: 0,
  uploads: 0,
  approvals: 0,
  planEdits: 0,
  sessionsAttended: 0,
  lessonsHosted: 0,
  minutesHosted: 0,
  classroomLessons: 0,
  attendedMinutes: 0,
  lessonMinutes: 0,
  qualityResources: 0,
  scheduled: 0,
});

export function addBucket(a: SchoolBucket, b: SchoolBucket): SchoolBucket {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof SchoolBucket)[]) out[k] += b[k];
  return out;
}

export interface SchoolRow extends EquitySchoolRefDto {
  regionId: string;
}

export interface ClassroomMonthRow {
  classroomId: string;
  classroomName: string;
  schoolId: string;
  schoolName: string;
  month: string;
  lessons: number;
  attendedMinutes: number;
  lessonMinutes: number;
}

const MONTH_TEXT = (col: string) => `to_char(${col}, 'YYYY-MM')`;
const LESSON_MONTH = `to_char(date_trunc('month', l.starts_at AT TIME ZONE '${MONTH_TIME_ZONE}'), 'YYYY-MM')`;

const SCHOOL_COLUMNS = `s.id, s.name, s.locale, s.stages, s.enrolment, s.region_id AS "regionId",
  (SELECT count(*) FROM users u WHERE u.school_id = s.id AND u.role = 'teacher' AND u.disabled_at IS NULL)::int AS teachers`;

const BUCKET_COLUMNS = `m.school_id AS "schoolId", ${MONTH_TEXT('m.month')} AS month,
  m.views, m.previews, m.downloads, m.uploads, m.approvals, m.plan_edits AS "planEdits",
  m.sessions_attended AS "sessionsAttended", m.lessons_hosted AS "lessonsHosted",
  m.minutes_hosted::float8 AS "minutesHosted", m.classroom_lessons AS "classroomLessons",
  m.attended_minutes::float8 AS "attendedMinutes", m.lesson_minutes::float8 AS "lessonMinutes",
  m.quality_resources AS "qualityResources"`;

/** All equity reads; dashboards read the aggregates (plus the lessons tables for what was scheduled). */
@Injectable()
export class EquityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async region(id: string): Promise<{ id: string; name: string } | null> {
    const rows = await this.dataSource.query<{ id: string; name: string }[]>(
      'SELECT id, name FROM regions WHERE id = $1',
      [id],
    );
    return rows[0] ?? null;
  }

  schools(regionId: string, stage: string): Promise<SchoolRow[]> {
    return this.dataSource.query(
      `SELECT s.id, s.name, s.locale, s.stages, s.enrolment, s.region_id AS "regionId",
              COALESCE(t.n, 0)::int AS teachers
         FROM schools s
         LEFT JOIN (SELECT u.school_id, count(*) AS n FROM users u
                     WHERE u.region_id = $1 AND u.role = 'teacher' AND u.disabled_at IS NULL
                     GROUP BY u.school_id) t ON t.school_id = s.id
        WHERE s.region_id = $1 AND $2 = ANY(s.stages) ORDER BY s.name`,
      [regionId, stage],
    );
  }

  async school(id: string): Promise<SchoolRow | null> {
    const rows: SchoolRow[] = await this.dataSource.query(
      `SELECT ${SCHOOL_COLUMNS} FROM schools s WHERE s.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Monthly buckets (with what was scheduled) of a region's schools, or of some schools. */
  async buckets(
    where: { regionId: string } | { schoolIds: string[] },
    from: string,
    to: string,
  ): Promise<Map<string, Map<string, SchoolBucket>>> {
    const byRegion = 'regionId' in where;
    const key = byRegion ? where.regionId : where.schoolIds;
    const range = [monthStart(from).toISOString(), monthStart(addMonths(to, 1)).toISOString()];
    const [months, scheduled] = await Promise.all([
      this.dataSource.query<(SchoolBucket & { schoolId: string; month: string })[]>(
        `SELECT ${BUCKET_COLUMNS} FROM equity_school_months m
         WHERE ${byRegion ? 'm.region_id = $1' : 'm.school_id = ANY($1::uuid[])'}
           AND m.month BETWEEN $2::date AND $3::date`,
        [key, `${from}-01`, `${to}-01`],
      ),
      this.dataSource.query<{ schoolId: string; month: string; n: number }[]>(
        `SELECT l.urban_school_id AS "schoolId", ${LESSON_MONTH} AS month, count(*)::int AS n
           FROM joint_lessons l
          WHERE ${byRegion ? 'l.region_id = $1' : 'l.urban_school_id = ANY($1::uuid[])'}
            AND l.status <> 'cancelled' AND l.starts_at >= $2 AND l.starts_at < $3
          GROUP BY 1, 2
         UNION ALL
         SELECT lc.school_id, ${LESSON_MONTH}, count(*)::int
           FROM lesson_classrooms lc JOIN joint_lessons l ON l.id = lc.lesson_id
          WHERE ${byRegion ? 'l.region_id = $1' : 'lc.school_id = ANY($1::uuid[])'}
            AND l.status <> 'cancelled' AND l.starts_at >= $2 AND l.starts_at < $3
          GROUP BY 1, 2`,
        [key, ...range],
      ),
    ]);
    const out = new Map<string, Map<string, SchoolBucket>>();
    const slot = (schoolId: string, month: string): SchoolBucket => {
      let bySchool = out.get(schoolId);
      if (!bySchool) out.set(schoolId, (bySchool = new Map<string, SchoolBucket>()));
      let b = bySchool.get(month);
      if (!b) bySchool.set(month, (b = emptyBucket()));
      return b;
    };
    for (const r of months) {
      const b = slot(r.schoolId, r.month);
      for (const k of Object.keys(b) as (keyof SchoolBucket)[]) if (k !== 'scheduled') b[k] = Number(r[k]);
    }
    for (const r of scheduled) slot(r.schoolId, r.month).scheduled += Number(r.n);
    return out;
  }

  classroomMonths(
    where: { schoolId: string } | { pairingId: string },
    from: string,
    to: string,
  ): Promise<ClassroomMonthRow[]> {
    const bySchool = 'schoolId' in where;
    return this.dataSource.query<ClassroomMonthRow[]>(
      `SELECT m.classroom_id AS "classroomId", c.name AS "classroomName", m.school_id AS "schoolId",
              s.name AS "schoolName", ${MONTH_TEXT('m.month')} AS month, sum(m.lessons)::int AS lessons,
              sum(m.attended_minutes)::float8 AS "attendedMinutes", sum(m.lesson_minutes)::float8 AS "lessonMinutes"
         FROM equity_classroom_months m
         JOIN classrooms c ON c.id = m.classroom_id JOIN schools s ON s.id = m.school_id
        WHERE ${bySchool ? 'm.school_id = $1' : 'm.pairing_id = $1'} AND m.month BETWEEN $2::date AND $3::date
        GROUP BY 1, 2, 3, 4, 5 ORDER BY s.name, c.name, month`,
      [bySchool ? where.schoolId : where.pairingId, `${from}-01`, `${to}-01`],
    );
  }

  async pairing(id: string): Promise<{
    id: string;
    regionId: string;
    term: string;
    status: string;
    subjects: string[];
    urbanSchool: { id: string; name: string };
    partnerSchools: { id: string; name: string; locale: 'urban' | 'town' | 'rural' }[];
  } | null> {
    const rows: {
      id: string;
      region_id: string;
      term: string;
      status: string;
      subjects: string[];
      urban_id: string;
      urban_name: string;
      partners: { id: string; name: string; locale: 'urban' | 'town' | 'rural' }[] | null;
    }[] = await this.dataSource.query(
      `SELECT p.id, p.region_id, p.term, p.status, p.subjects, u.id AS urban_id, u.name AS urban_name,
              (SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'locale', s.locale) ORDER BY s.name)
                 FROM pairing_partner_schools pps JOIN schools s ON s.id = pps.school_id
                WHERE pps.pairing_id = p.id) AS partners
         FROM pairings p JOIN schools u ON u.id = p.urban_school_id WHERE p.id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      regionId: r.region_id,
      term: r.term,
      status: r.status,
      subjects: r.subjects,
      urbanSchool: { id: r.urban_id, name: r.urban_name },
      partnerSchools: r.partners ?? [],
    };
  }

  async pairingMonths(
    pairingId: string,
    from: string,
    to: string,
  ): Promise<
    {
      month: string;
      held: number;
      minutes: number;
      attended: number;
      lessonMinutes: number;
      scheduled: number;
    }[]
  > {
    const range = [monthStart(from).toISOString(), monthStart(addMonths(to, 1)).toISOString()];
    const [agg, scheduled] = await Promise.all([
      this.dataSource.query<
        { month: string; held: number; minutes: number; attended: number; lessonMinutes: number }[]
      >(
        `SELECT ${MONTH_TEXT('m.month')} AS month, m.lessons_held AS held, m.minutes_held::float8 AS minutes,
                m.attended_minutes::float8 AS attended, m.lesson_minutes::float8 AS "lessonMinutes"
           FROM equity_pairing_months m WHERE m.pairing_id = $1 AND m.month BETWEEN $2::date AND $3::date`,
        [pairingId, `${from}-01`, `${to}-01`],
      ),
      this.dataSource.query<{ month: string; n: number }[]>(
        `SELECT ${LESSON_MONTH} AS month, count(*)::int AS n FROM joint_lessons l
          WHERE l.pairing_id = $1 AND l.status <> 'cancelled' AND l.starts_at >= $2 AND l.starts_at < $3
          GROUP BY 1`,
        [pairingId, ...range],
      ),
    ]);
    const months = new Map<
      string,
      {
        month: string;
        held: number;
        minutes: number;
        attended: number;
        lessonMinutes: number;
        scheduled: number;
      }
    >();
    for (const r of agg)
      months.set(r.month, {
        month: r.month,
        held: Number(r.held),
        minutes: Number(r.minutes),
        attended: Number(r.attended),
        lessonMinutes: Number(r.lessonMinutes),
        scheduled: 0,
      });
    for (const r of scheduled) {
      const m = months.get(r.month) ?? {
        month: r.month,
        held: 0,
        minutes: 0,
        attended: 0,
        lessonMinutes: 0,
        scheduled: 0,
      };
      m.scheduled += Number(r.n);
      months.set(r.month, m);
    }
    return [...months.values()];
  }

  async pairingSummaries(
    regionId: string,
    from: string,
    to: string,
  ): Promise<
    {
      pairingId: string;
      status: string;
      urbanSchool: { id: string; name: string };
      partnerSchools: { id: string; name: string }[] | null;
      scheduled: number;
      held: number;
      minutes: number;
      attended: number;
      lessonMinutes: number;
    }[]
  > {
    return this.dataSource.query(
      `SELECT p.id AS "pairingId", p.status, json_build_object('id', u.id, 'name', u.name) AS "urbanSchool",
              (SELECT json_agg(json_build_object('id', s.id, 'name', s.name) ORDER BY s.name)
                 FROM pairing_partner_schools pps JOIN schools s ON s.id = pps.school_id
                WHERE pps.pairing_id = p.id) AS "partnerSchools",
              (SELECT count(*) FROM joint_lessons l
                WHERE l.pairing_id = p.id AND l.status <> 'cancelled' AND l.starts_at >= $4 AND l.starts_at < $5)::int AS scheduled,
              COALESCE(m.held, 0)::int AS held, COALESCE(m.minutes, 0)::float8 AS minutes,
              COALESCE(m.attended, 0)::float8 AS attended, COALESCE(m.lesson_minutes, 0)::float8 AS "lessonMinutes"
         FROM pairings p JOIN schools u ON u.id = p.urban_school_id
         LEFT JOIN (SELECT pairing_id, sum(lessons_held) AS held, sum(minutes_held) AS minutes,
                           sum(attended_minutes) AS attended, sum(lesson_minutes) AS lesson_minutes
                      FROM equity_pairing_months
                     WHERE region_id = $1 AND month BETWEEN $2::date AND $3::date
                     GROUP BY pairing_id) m ON m.pairing_id = p.id
        WHERE p.region_id = $1 AND p.status <> 'proposed'
        ORDER BY u.name, p.created_at`,
      [
        regionId,
        `${from}-01`,
        `${to}-01`,
        monthStart(from).toISOString(),
        monthStart(addMonths(to, 1)).toISOString(),
      ],
    );
  }

  /** Materials authored at the urban school that the partner schools used, and all distinct materials they used. */
  async materialsUsed(
    urbanSchoolId: string,
    partnerIds: string[],
    from: string,
    to: string,
  ): Promise<{
    top: {
      resourceId: string;
      title: string;
      resourceType: string;
      schools: number;
      views: number;
      previews: number;
      downloads: number;
    }[];
    distinct: number;
  }> {
    if (partnerIds.length === 0) return { top: [], distinct: 0 };
    const params = [partnerIds, `${from}-01`, `${to}-01`];
    const [top, distinct] = await Promise.all([
      this.dataSource.query<
        {
          resourceId: string;
          title: string;
          resourceType: string;
          schools: number;
          views: number;
          previews: number;
          downloads: number;
        }[]
      >(
        `SELECT m.resource_id AS "resourceId", r.title, r.resource_type AS "resourceType",
                count(DISTINCT m.school_id)::int AS schools, sum(m.views)::int AS views,
                sum(m.previews)::int AS previews, sum(m.downloads)::int AS downloads
           FROM equity_school_resource_months m JOIN resources r ON r.id = m.resource_id
          WHERE m.school_id = ANY($1::uuid[]) AND m.month BETWEEN $2::date AND $3::date
            AND m.resource_id IN (SELECT u.id FROM resources u WHERE u.school_id = $4) AND r.school_id = $4
          GROUP BY 1, 2, 3
          ORDER BY sum(m.views + m.previews + m.downloads) DESC, r.title LIMIT 50`,
        [...params, urbanSchoolId],
      ),
      this.dataSource.query<{ n: number }[]>(
        // DISTINCT in a subquery lets PostgreSQL hash instead of sorting every row.
        `SELECT count(*)::int AS n FROM (SELECT DISTINCT m.resource_id FROM equity_school_resource_months m
          WHERE m.school_id = ANY($1::uuid[]) AND m.month BETWEEN $2::date AND $3::date) d`,
        params,
      ),
    ]);
    return { top, distinct: Number(distinct[0]?.n ?? 0) };
  }

  /** A person's own activity, read from their raw events (few, and indexed by user and time). */
  async myMonths(
    userId: string,
    from: string,
    to: string,
  ): Promise<{ month: string; kind: string; n: number; minutes: number }[]> {
    return this.dataSource.query(
      `SELECT to_char(date_trunc('month', e.occurred_at AT TIME ZONE '${MONTH_TIME_ZONE}'), 'YYYY-MM') AS month,
              e.kind, count(*)::int AS n, COALESCE(sum(e.minutes), 0)::float8 AS minutes
         FROM usage_events e WHERE e.user_id = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3
        GROUP BY 1, 2`,
      [userId, monthStart(from).toISOString(), monthStart(addMonths(to, 1)).toISOString()],
    );
  }

  async myQualityResources(userId: string, from: string, to: string): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(DISTINCT r.id)::int AS n
         FROM usage_events e JOIN resources r ON r.id = e.resource_id LEFT JOIN users au ON au.id = r.author_id
        WHERE e.user_id = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3
          AND e.kind IN ('resource_view', 'resource_preview', 'resource_download') AND ${QUALITY_SQL}`,
      [userId, monthStart(from).toISOString(), monthStart(addMonths(to, 1)).toISOString()],
    );
    return Number(rows[0]?.n ?? 0);
  }

  refreshQuality(): Promise<number> {
    return this.dataSource.transaction((m) => refreshQuality(m));
  }
}
