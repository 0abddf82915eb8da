import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import {
  applyLessonEvent,
  initialLessonState,
  mergeIntervals,
  pollTotals,
  totalMinutes,
  type LessonAttendanceDto,
  type LessonClassroomAttendance,
  type LessonEventEnvelope,
  type LessonRecordDto,
  type LessonRole,
  type LessonTimelinePage,
  type MaterialRef,
} from '@tongke/contracts';
import { LessonAttendance, type JointLesson } from '@tongke/database';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { LessonAccess } from './lesson-access.service.js';
import { toLessonDto } from './lesson.mappers.js';

/** What the replay shows: pages, ink, hands, polls and the lesson's frame — not chat or prefetch. */
const TIMELINE_TYPES = [
  'lesson.started',
  'lesson.ended',
  'lobby.admitted',
  'material.set',
  'page.set',
  'stroke.batch',
  'board.cleared',
  'pen.granted',
  'pen.revoked',
  'classroom.muted',
  'hand.raised',
  'hand.lowered',
  'poll.opened',
  'poll.answered',
  'poll.closed',
  'poll.revealed',
  'av.mode',
];

interface EventRow {
  seq: string | number;
  type: string;
  actor_id: string;
  actor_role: string;
  classroom_id: string | null;
  payload: unknown;
  created_at: Date | string;
  display_name: string | null;
}

const toEnvelope = (r: EventRow): LessonEventEnvelope =>
  ({
    seq: Number(r.seq),
    type: r.type,
    at: new Date(r.created_at).getTime(),
    actor: { userId: r.actor_id, role: r.actor_role as LessonRole, classroomId: r.classroom_id },
    clientMsgId: null,
    payload: r.payload,
  }) as LessonEventEnvelope;

/** After (and during) a lesson: attendance per classroom, the replay timeline, the lesson record. */
@Injectable()
export class LessonRecordsService {
  constructor(
    private readonly access: LessonAccess,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async attendance(p: Principal, id: string): Promise<LessonAttendanceDto> {
    const lesson = await this.access.loadVisible(p, id);
    return {
      lessonId: lesson.id,
      status: lesson.status,
      startedAt: lesson.startedAt?.toISOString() ?? null,
      endedAt: lesson.endedAt?.toISOString() ?? null,
      classrooms: await this.classroomAttendance(lesson),
    };
  }

  async timeline(p: Principal, id: string, afterSeq = 0, limit = 200): Promise<LessonTimelinePage> {
    const lesson = await this.access.loadVisible(p, id);
    const rows: EventRow[] = await this.ds.query(
      `SELECT e.seq, e.type, e.actor_id, e.actor_role, e.classroom_id, e.payload, e.created_at, u.display_name
         FROM lesson_events e LEFT JOIN users u ON u.id = e.actor_id
        WHERE e.lesson_id = $1 AND e.seq > $2 AND e.type = ANY($3::text[])
        ORDER BY e.seq LIMIT $4`,
      [lesson.id, afterSeq, `{${TIMELINE_TYPES.join(',')}}`, limit],
    );
    const origin = lesson.startedAt?.getTime() ?? (rows[0] ? new Date(rows[0].created_at).getTime() : 0);
    return {
      lessonId: lesson.id,
      startedAt: lesson.startedAt?.toISOString() ?? null,
      items: rows.map((r) => {
        const at = new Date(r.created_at);
        return {
          seq: Number(r.seq),
          type: r.type,
          offsetMs: at.getTime() - origin,
          at: at.toISOString(),
          actor: {
            userId: r.actor_id,
            role: r.actor_role as LessonRole,
            classroomId: r.classroom_id,
            displayName: r.display_name,
          },
          payload: r.payload,
        };
      }),
      nextAfterSeq: rows.length === limit ? Number(rows[rows.length - 1].seq) : null,
    };
  }

  /** The lesson record: the whole log folded, with what was shown, asked and answered. */
  async record(p: Principal, id: string): Promise<LessonRecordDto> {
    const lesson = await this.access.loadVisible(p, id);
    const state = initialLessonState(lesson.id);
    const pages = new Map<string, { material: MaterialRef; pages: Set<number> }>();
    const hands = new Map<string, number>();
    let strokes = 0;
    let events = 0;
    const note = () => {
      if (!state.material) return;
      const key = `${state.material.kind}:${state.material.id}`;
      const entry = pages.get(key) ?? { material: { ...state.material }, pages: new Set<number>() };
      entry.pages.add(state.page);
      pages.set(key, entry);
    };
    for (let after = 0; ;) {
      const rows: EventRow[] = await this.ds.query(
        `SELECT seq, type, actor_id, actor_role, classroom_id, payload, created_at, NULL AS display_name
           FROM lesson_events WHERE lesson_id = $1 AND seq > $2 ORDER BY seq LIMIT 1000`,
        [lesson.id, after],
      );
      for (const r of rows) {
        const e = toEnvelope(r);
        applyLessonEvent(state, e);
        events++;
        if (e.type === 'material.set' || e.type === 'page.set') note();
        if (e.type === 'hand.raised')
          hands.set(e.payload.classroomId, (hands.get(e.payload.classroomId) ?? 0) + 1);
        if (e.type === 'stroke.batch') strokes += e.payload.segments.filter((s) => s.done).length;
      }
      if (rows.length < 1000) break;
      after = Number(rows[rows.length - 1].seq);
    }
    const started = lesson.startedAt?.getTime() ?? null;
    const ended = lesson.endedAt?.getTime() ?? (started !== null ? this.clock.now().getTime() : null);
    return {
      lesson: toLessonDto(lesson),
      durationMinutes:
        started !== null && ended !== null ? Math.round(((ended - started) / 60_000) * 10) / 10 : 0,
      attendance: await this.classroomAttendance(lesson),
      pagesShown: [...pages.values()].map((x) => ({
        material: x.material,
        pages: [...x.pages].sort((a, b) => a - b),
      })),
      hands: [...hands.entries()].map(([classroomId, count]) => ({ classroomId, count })),
      polls: state.polls.map((poll) => ({
        pollId: poll.id,
        question: poll.question,
        kind: poll.kind,
        options: poll.options,
        totals: pollTotals(poll),
        byClassroom: Object.entries(poll.answers).map(([classroomId, tally]) => ({ classroomId, tally })),
      })),
      annotationStrokes: strokes,
      events,
    };
  }

  private async classroomAttendance(lesson: JointLesson): Promise<LessonClassroomAttendance[]> {
    const rows = await this.ds.getRepository(LessonAttendance).find({ where: { lessonId: lesson.id } });
    const now = this.clock.now().getTime();
    const started = lesson.startedAt?.getTime() ?? null;
    const to = lesson.endedAt?.getTime() ?? now;
    return (lesson.classrooms ?? []).map((c) => {
      const mine = rows
        .filter((r) => r.classroomId === c.classroomId && (r.role === 'classroom' || r.role === 'co_teacher'))
        .map((r) => ({ start: r.joinedAt.getTime(), end: r.leftAt?.getTime() ?? null }));
      // Before the start only presence is shown; minutes count from the start to the end.
      const merged = mergeIntervals(mine, started ?? Number.NEGATIVE_INFINITY, to);
      return {
        classroomId: c.classroomId,
        name: c.classroom?.name ?? '',
        schoolId: c.schoolId,
        intervals: merged.map((i) => ({
          joinedAt: new Date(i.start).toISOString(),
          leftAt: i.end >= now && !lesson.endedAt ? null : new Date(i.end).toISOString(),
        })),
        minutes: started === null ? 0 : totalMinutes(merged),
        present: lesson.status !== 'ended' && mine.some((i) => i.end === null),
      };
    });
  }
}
