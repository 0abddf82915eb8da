import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UsageRecorder, type UsageRecord } from '@tongke/analytics';
import { DataSource } from 'typeorm';

const WEEK = 7 * 86_400_000;
const WEEKS = 16;

/** A small deterministic generator, so every fresh demo county looks the same. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface DemoSchool {
  id: string;
  locale: 'urban' | 'town' | 'rural';
}
interface DemoPerson {
  id: string;
  role: string;
  school_id: string | null;
  is_master_teacher: boolean;
}
interface DemoPairing {
  id: string;
  urban_school_id: string;
  master_teacher_id: string;
  subjects: string[];
  rooms: { id: string; schoolId: string }[] | null;
}

/**
 * Demo usage for the equity dashboard: the last sixteen weeks of the demo county — past weekly
 * joint lessons of each pairing (one in seven never held) with per-classroom attendance, and
 * teachers' library use, uploads, approvals and collective preparation, busier in town than in
 * the villages. Written through the real recorder, so the aggregates are built the usual way.
 */
@Injectable()
export class EquityDemoService {
  private readonly logger = new Logger('EquityDemo');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: UsageRecorder,
  ) {}

  async seed(regionId: string, now = new Date()): Promise<number> {
    const rand = mulberry32(20260901);
    const q = <T>(sql: string, params: unknown[] = []) => this.dataSource.query<T>(sql, params);
    const schools = await q<DemoSchool[]>('SELECT id, locale FROM schools WHERE region_id = $1', [regionId]);
    const locale = new Map(schools.map((s) => [s.id, s.locale]));
    const people = await q<DemoPerson[]>(
      'SELECT id, role, school_id, is_master_teacher FROM users WHERE region_id = $1',
      [regionId],
    );
    const resources = (
      await q<{ id: string }[]>('SELECT id FROM resources WHERE region_id = $1 AND deleted_at IS NULL', [
        regionId,
      ])
    ).map((r) => r.id);
    const pairings = await q<DemoPairing[]>(
      `SELECT p.id, p.urban_school_id, p.master_teacher_id, p.subjects,
              (SELECT json_agg(json_build_object('id', c.id, 'schoolId', c.school_id))
                 FROM pairing_classrooms pc JOIN classrooms c ON c.id = pc.classroom_id
                WHERE pc.pairing_id = p.id) AS rooms
         FROM pairings p WHERE p.region_id = $1 AND p.status = 'active'`,
      [regionId],
    );
    const events: UsageRecord[] = [];
    const start = now.getTime() - WEEKS * WEEK;
    const at = (week: number) => new Date(start + week * WEEK + rand() * (WEEK - 3_600_000));
    const activity = { urban: 1, town: 0.7, rural: 0.45 } as const;

    for (let week = 0; week < WEEKS; week += 1) {
      for (const p of people) {
        const place = p.school_id ? (locale.get(p.school_id) ?? 'rural') : 'urban';
        const who = { userId: p.id, schoolId: p.school_id, regionId };
        if (p.role === 'teacher') {
          const a = activity[place];
          const uses = Math.round((3 + rand() * 6) * a);
          for (let i = 0; i < uses && resources.length > 0; i += 1) {
            const r = rand();
            events.push({
              kind: r < 0.55 ? 'resource_view' : r < 0.8 ? 'resource_preview' : 'resource_download',
              occurredAt: at(week),
              ...who,
              resourceId: resources[Math.floor(rand() * rand() * resources.length)],
            });
          }
          if (rand() < (p.is_master_teacher ? 0.6 : 0.25) * a)
            events.push({ kind: 'resource_upload', occurredAt: at(week), ...who });
          const edits = Math.round(rand() * 4 * a);
          for (let i = 0; i < edits; i += 1) events.push({ kind: 'plan_edit', occurredAt: at(week), ...who });
          if (rand() < 0.5 * a + 0.2) events.push({ kind: 'prep_session', occurredAt: at(week), ...who });
        } else if (p.role === 'school_admin' && rand() < 0.3) {
          events.push({
            kind: 'resource_approval',
            occurredAt: at(week),
            ...who,
            resourceId: resources[0] ?? null,
          });
        }
      }
    }

    // Past weekly joint lessons, rows in the lessons tables (what was scheduled) plus their usage.
    for (const p of pairings) {
      const rooms = p.rooms ?? [];
      for (let week = 0; week < WEEKS - 1; week += 1) {
        const startsAt = new Date(start + week * WEEK + 2 * 86_400_000);
        // One in seven was scheduled but never held.
        const held = week % 7 !== 3;
        const minutes = 40;
        const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
        const rows = await q<{ id: string }[]>(
          `INSERT INTO joint_lessons (pairing_id, region_id, urban_school_id, host_id, title, subject, status,
             starts_at, ends_at, started_at, ended_at, created_by_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $4) RETURNING id`,
          [
            p.id,
            regionId,
            p.urban_school_id,
            p.master_teacher_id,
            `同步课堂 第${week + 1}周`,
            p.subjects[0] ?? 'math',
            held ? 'ended' : 'scheduled',
            startsAt,
            endsAt,
            held ? startsAt : null,
            held ? endsAt : null,
          ],
        );
        const lessonId = rows[0].id;
        for (const room of rooms)
          await q('INSERT INTO lesson_classrooms (lesson_id, classroom_id, school_id) VALUES ($1, $2, $3)', [
            lessonId,
            room.id,
            room.schoolId,
          ]);
        if (!held) continue;
        events.push({
          kind: 'lesson_held',
          occurredAt: endsAt,
          userId: p.master_teacher_id,
          schoolId: p.urban_school_id,
          regionId,
          lessonId,
          pairingId: p.id,
          minutes,
        });
        for (const room of rooms) {
          // Village rooms on weak links drop out more.
          const share = locale.get(room.schoolId) === 'rural' ? 0.55 + rand() * 0.45 : 0.85 + rand() * 0.15;
          events.push({
            kind: 'lesson_attendance',
            occurredAt: endsAt,
            schoolId: room.schoolId,
            regionId,
            lessonId,
            classroomId: room.id,
            pairingId: p.id,
            minutes: Math.round(minutes * share * 10) / 10,
            quantity: minutes,
          });
        }
      }
    }
    events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    for (let i = 0; i < events.length; i += 500) await this.recorder.write(events.slice(i, i + 500));
    this.logger.log(`demo usage: ${events.length} events over ${WEEKS} weeks`);
    return events.length;
  }
}
