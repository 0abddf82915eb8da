import type { DataSource, EntityManager } from 'typeorm';
import { MONTH_TIME_ZONE } from './months.js';

/**
 * The equity aggregates, written by the same statements in both paths: incrementally for a batch
 * of new usage events (`ids`), and from scratch over every event (rebuild). Using one set of
 * statements is what makes incremental and rebuilt numbers agree; the agreement test checks it.
 * Minutes are exact decimals so sums do not depend on the order they were added in.
 */

const MONTH = `date_trunc('month', e.occurred_at AT TIME ZONE '${MONTH_TIME_ZONE}')::date`;

/** Resource quality, judged from the resource now (see EQUITY_INDICATORS in contracts). */
export const QUALITY_SQL = `(
  (r.status = 'published' AND r.visibility IN ('district', 'public'))
  OR COALESCE(au.is_master_teacher, false)
  OR (SELECT count(*) FROM resource_ratings rr JOIN users ru ON ru.id = rr.user_id
      WHERE rr.resource_id = r.id AND rr.stars >= 4 AND ru.role = 'teacher') >= 3
)`;

export const AGGREGATE_TABLES = [
  'equity_school_months',
  'equity_pairing_months',
  'equity_classroom_months',
  'equity_school_resource_months',
  'equity_resource_quality',
] as const;

type Filter = { where: string; params: unknown[] };

function statements(f: Filter): { name: string; sql: string; params: unknown[] }[] {
  const w = f.where;
  return [
    // Quality of resources seen for the first time (later changes: refreshQuality).
    {
      name: 'equity_resource_quality',
      sql: `INSERT INTO equity_resource_quality (resource_id, is_quality)
        SELECT r.id, ${QUALITY_SQL}
        FROM (SELECT DISTINCT e.resource_id FROM usage_events e WHERE ${w} AND e.resource_id IS NOT NULL) used
        JOIN resources r ON r.id = used.resource_id LEFT JOIN users au ON au.id = r.author_id
        ORDER BY r.id
        ON CONFLICT (resource_id) DO NOTHING`,
      params: f.params,
    },
    {
      name: 'equity_school_months',
      sql: `INSERT INTO equity_school_months AS t (school_id, month, region_id, views, previews, downloads,
          uploads, approvals, plan_edits, sessions_attended, lessons_hosted, minutes_hosted,
          classroom_lessons, attended_minutes, lesson_minutes)
        SELECT e.school_id, ${MONTH}, s.region_id,
          count(*) FILTER (WHERE e.kind = 'resource_view'),
          count(*) FILTER (WHERE e.kind = 'resource_preview'),
          count(*) FILTER (WHERE e.kind = 'resource_download'),
          count(*) FILTER (WHERE e.kind = 'resource_upload'),
          count(*) FILTER (WHERE e.kind = 'resource_approval'),
          count(*) FILTER (WHERE e.kind = 'plan_edit'),
          count(*) FILTER (WHERE e.kind = 'prep_session'),
          count(*) FILTER (WHERE e.kind = 'lesson_held'),
          COALESCE(sum(e.minutes) FILTER (WHERE e.kind = 'lesson_held'), 0),
          count(*) FILTER (WHERE e.kind = 'lesson_attendance'),
          COALESCE(sum(e.minutes) FILTER (WHERE e.kind = 'lesson_attendance'), 0),
          COALESCE(sum(e.quantity) FILTER (WHERE e.kind = 'lesson_attendance'), 0)
        FROM usage_events e JOIN schools s ON s.id = e.school_id
        WHERE ${w}
        GROUP BY 1, 2, 3 ORDER BY 1, 2
        ON CONFLICT (school_id, month) DO UPDATE SET
          views = t.views + EXCLUDED.views, previews = t.previews + EXCLUDED.previews,
          downloads = t.downloads + EXCLUDED.downloads, uploads = t.uploads + EXCLUDED.uploads,
          approvals = t.approvals + EXCLUDED.approvals, plan_edits = t.plan_edits + EXCLUDED.plan_edits,
          sessions_attended = t.sessions_attended + EXCLUDED.sessions_attended,
          lessons_hosted = t.lessons_hosted + EXCLUDED.lessons_hosted,
          minutes_hosted = t.minutes_hosted + EXCLUDED.minutes_hosted,
          classroom_lessons = t.classroom_lessons + EXCLUDED.classroom_lessons,
          attended_minutes = t.attended_minutes + EXCLUDED.attended_minutes,
          lesson_minutes = t.lesson_minutes + EXCLUDED.lesson_minutes`,
      params: f.params,
    },
    {
      name: 'equity_pairing_months',
      sql: `INSERT INTO equity_pairing_months AS t (pairing_id, month, region_id, lessons_held, minutes_held,
          classroom_lessons, attended_minutes, lesson_minutes)
        SELECT e.pairing_id, ${MONTH}, p.region_id,
          count(*) FILTER (WHERE e.kind = 'lesson_held'),
          COALESCE(sum(e.minutes) FILTER (WHERE e.kind = 'lesson_held'), 0),
          count(*) FILTER (WHERE e.kind = 'lesson_attendance'),
          COALESCE(sum(e.minutes) FILTER (WHERE e.kind = 'lesson_attendance'), 0),
          COALESCE(sum(e.quantity) FILTER (WHERE e.kind = 'lesson_attendance'), 0)
        FROM usage_events e JOIN pairings p ON p.id = e.pairing_id
        WHERE ${w} AND e.kind IN ('lesson_held', 'lesson_attendance')
        GROUP BY 1, 2, 3 ORDER BY 1, 2
        ON CONFLICT (pairing_id, month) DO UPDATE SET
          lessons_held = t.lessons_held + EXCLUDED.lessons_held,
          minutes_held = t.minutes_held + EXCLUDED.minutes_held,
          classroom_lessons = t.classroom_lessons + EXCLUDED.classroom_lessons,
          attended_minutes = t.attended_minutes + EXCLUDED.attended_minutes,
          lesson_minutes = t.lesson_minutes + EXCLUDED.lesson_minutes`,
      params: f.params,
    },
    {
      name: 'equity_classroom_months',
      sql: `INSERT INTO equity_classroom_months AS t (classroom_id, pairing_id, month, school_id, lessons,
          attended_minutes, lesson_minutes)
        SELECT e.classroom_id, e.pairing_id, ${MONTH}, c.school_id, count(*),
          COALESCE(sum(e.minutes), 0), COALESCE(sum(e.quantity), 0)
        FROM usage_events e JOIN classrooms c ON c.id = e.classroom_id
        WHERE ${w} AND e.kind = 'lesson_attendance' AND e.pairing_id IS NOT NULL
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3
        ON CONFLICT (classroom_id, pairing_id, month) DO UPDATE SET
          lessons = t.lessons + EXCLUDED.lessons,
          attended_minutes = t.attended_minutes + EXCLUDED.attended_minutes,
          lesson_minutes = t.lesson_minutes + EXCLUDED.lesson_minutes`,
      params: f.params,
    },
    // Distinct resources per school and month; a pair seen for the first time adds to the
    // school-month's quality count when the resource is quality.
    {
      name: 'equity_school_resource_months',
      sql: `WITH up AS (
          INSERT INTO equity_school_resource_months AS t (school_id, month, resource_id, region_id, views, previews, downloads)
          SELECT e.school_id, ${MONTH}, e.resource_id, s.region_id,
            count(*) FILTER (WHERE e.kind = 'resource_view'),
            count(*) FILTER (WHERE e.kind = 'resource_preview'),
            count(*) FILTER (WHERE e.kind = 'resource_download')
          FROM usage_events e JOIN schools s ON s.id = e.school_id
          WHERE ${w} AND e.resource_id IS NOT NULL
            AND e.kind IN ('resource_view', 'resource_preview', 'resource_download')
          GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3
          ON CONFLICT (school_id, month, resource_id) DO UPDATE SET
            views = t.views + EXCLUDED.views, previews = t.previews + EXCLUDED.previews,
            downloads = t.downloads + EXCLUDED.downloads
          RETURNING t.school_id, t.month, t.resource_id, t.region_id, (t.xmax = 0) AS inserted)
        INSERT INTO equity_school_months AS t (school_id, month, region_id, quality_resources)
        SELECT up.school_id, up.month, up.region_id, count(*)
        FROM up JOIN equity_resource_quality q ON q.resource_id = up.resource_id AND q.is_quality
        WHERE up.inserted
        GROUP BY 1, 2, 3 ORDER BY 1, 2
        ON CONFLICT (school_id, month) DO UPDATE SET
          quality_resources = t.quality_resources + EXCLUDED.quality_resources`,
      params: f.params,
    },
  ];
}

/** Adds a batch of freshly inserted usage events to the aggregates (same transaction as the insert). */
export async function applyUsageBatch(m: EntityManager, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  for (const s of statements({ where: 'e.id = ANY($1::bigint[])', params: [ids] })) {
    await m.query(s.sql, s.params);
  }
}

/**
 * Recomputes every aggregate from the raw events. Takes the aggregate tables exclusively, so
 * batches written meanwhile wait and are then added on top of the rebuilt numbers.
 */
export async function rebuildAggregates(
  m: EntityManager,
  onStep?: (step: string, ms: number) => void,
): Promise<void> {
  await m.query(`LOCK TABLE ${AGGREGATE_TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE`);
  await m.query(`TRUNCATE ${AGGREGATE_TABLES.join(', ')}`);
  for (const s of statements({ where: 'TRUE', params: [] })) {
    const t = performance.now();
    await m.query(s.sql, s.params);
    onStep?.(s.name, performance.now() - t);
  }
}

/**
 * Re-judges the quality of every used resource (ratings, visibility and master status change) and
 * moves each school-month's quality count by the resources whose quality flipped. Returns how many
 * flipped. Serialised against batch writers by locking the distinct table.
 */
export async function refreshQuality(m: EntityManager): Promise<number> {
  await m.query('LOCK TABLE equity_school_resource_months IN EXCLUSIVE MODE');
  const rows: { flipped: string }[] = await m.query(
    `WITH cur AS (
        SELECT q.resource_id, COALESCE(${QUALITY_SQL}, false) AS now_q
        FROM equity_resource_quality q
        LEFT JOIN resources r ON r.id = q.resource_id
        LEFT JOIN users au ON au.id = r.author_id),
      changed AS (
        UPDATE equity_resource_quality q SET is_quality = cur.now_q FROM cur
        WHERE cur.resource_id = q.resource_id AND q.is_quality <> cur.now_q
        RETURNING q.resource_id, q.is_quality),
      moved AS (
        UPDATE equity_school_months t SET quality_resources = t.quality_resources + d.delta
        FROM (SELECT u.school_id, u.month, sum(CASE WHEN c.is_quality THEN 1 ELSE -1 END) AS delta
              FROM equity_school_resource_months u JOIN changed c ON c.resource_id = u.resource_id
              GROUP BY 1, 2) d
        WHERE t.school_id = d.school_id AND t.month = d.month
        RETURNING 1)
      SELECT (SELECT count(*) FROM changed) AS flipped, (SELECT count(*) FROM moved) AS moved`,
  );
  return Number(rows[0]?.flipped ?? 0);
}

export interface RebuildResult {
  events: number;
  rows: Record<(typeof AGGREGATE_TABLES)[number], number>;
  tookMs: number;
}

/** `npm run analytics:rebuild` and the bench: rebuild in one transaction, then count what is there. */
export async function rebuildEquity(
  dataSource: DataSource,
  onStep?: (step: string, ms: number) => void,
): Promise<RebuildResult> {
  const started = performance.now();
  await dataSource.transaction((m) => rebuildAggregates(m, onStep));
  const tookMs = performance.now() - started;
  const count = async (table: string) =>
    Number((await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const rows = {} as RebuildResult['rows'];
  for (const t of AGGREGATE_TABLES) rows[t] = await count(t);
  return { events: await count('usage_events'), rows, tookMs };
}
