import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Scope, type Principal } from '@tongke/auth';
import { CommonErrors } from '@tongke/common';
import {
  LESSON_DEFAULT_TIMEZONE,
  LESSON_SCHEDULE_LIMITS as L,
  type CreateLessonRequest,
  type CreateLessonSeriesRequest,
  type LessonAttachment,
  type LessonDto,
  type LessonListQuery,
  type LessonSeriesDto,
  type UpdateLessonRequest,
} from '@tongke/contracts';
import {
  JointLesson,
  LessonClassroom,
  LessonParticipant,
  LessonSeries,
  Pairing,
  User,
  type LessonAttachmentRef,
} from '@tongke/database';
import { Brackets, DataSource, In, Repository, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { canSeePairing } from '../pairings/pairings.service.js';
import { LESSON_RELATIONS, LessonAccess, canManageLesson, canSeeLesson } from './lesson-access.service.js';
import { toLessonDto, toLessonSeriesDto } from './lesson.mappers.js';
import { isTimeZone, parseLocalDate, weeklySlots, type Slot } from './lesson-recurrence.js';
import { LessonErrors, type BookingConflict } from './lessons.errors.js';

/** A validated request: who hosts, which rooms with which co-teachers, who observes, what is attached. */
interface LessonPlan {
  pairing: Pairing;
  title: string;
  subject: string;
  hostId: string;
  classrooms: { classroomId: string; schoolId: string; name: string; coTeacherIds: string[] }[];
  observerIds: string[];
  attachments: LessonAttachmentRef[];
}

interface PlannedSlot extends Slot {
  originalStartsAt: Date | null;
}

const MINUTE = 60_000;
/** PostgreSQL array literal for uuid[] parameters (works with both pg and PGlite). */
const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

function dedupeAttachments(list: readonly LessonAttachment[] | undefined): LessonAttachmentRef[] {
  const seen = new Map<string, LessonAttachmentRef>();
  for (const a of list ?? []) {
    const key = `${a.kind}:${a.id.toLowerCase()}`;
    if (!seen.has(key)) seen.set(key, { kind: a.kind, id: a.id.toLowerCase(), title: a.title.trim() });
  }
  return [...seen.values()];
}

/**
 * Scheduling of joint lessons: one-off lessons and weekly series (同步课表) materialised as
 * occurrences, exceptions (moved or cancelled occurrences), and the scoped timetable. The host
 * and every classroom are checked for double-booking inside the writing transaction, under
 * per-host/per-classroom advisory locks so two concurrent schedulers cannot both succeed.
 */
@Injectable()
export class LessonsService {
  constructor(
    @InjectRepository(JointLesson) private readonly lessons: Repository<JointLesson>,
    @InjectRepository(LessonSeries) private readonly series: Repository<LessonSeries>,
    @InjectRepository(Pairing) private readonly pairings: Repository<Pairing>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: LessonAccess,
    private readonly clock: Clock,
  ) {}

  // ---- create ----

  async create(p: Principal, req: CreateLessonRequest): Promise<LessonDto> {
    const plan = await this.plan(p, req);
    const startsAt = new Date(req.startsAt);
    const endsAt = new Date(req.endsAt);
    this.checkTimes(startsAt, endsAt);
    const [id] = await this.dataSource.transaction(async (m) => {
      await this.assertBookable(m, plan, [{ startsAt, endsAt }], []);
      return this.insertLessons(m, plan, [{ startsAt, endsAt, originalStartsAt: null }], null, p.userId);
    });
    return this.get(p, id);
  }

  async createSeries(p: Principal, req: CreateLessonSeriesRequest): Promise<LessonSeriesDto> {
    const plan = await this.plan(p, req);
    const rule = { ...req.rule, timezone: req.rule.timezone ?? LESSON_DEFAULT_TIMEZONE };
    if (!isTimeZone(rule.timezone)) throw LessonErrors.ruleInvalid(`Unknown time zone ${rule.timezone}`);
    const from = parseLocalDate(rule.fromDate);
    const until = parseLocalDate(rule.untilDate);
    if (from === null || until === null)
      throw LessonErrors.ruleInvalid('fromDate and untilDate must be real dates');
    if (until < from) throw LessonErrors.ruleInvalid('untilDate is before fromDate');
    const now = this.clock.now().getTime();
    const slots = weeklySlots(rule).filter((s) => s.startsAt.getTime() > now);
    if (slots.length === 0) throw LessonErrors.ruleInvalid('The rule gives no lesson after now');
    if (slots.length > L.maxOccurrences) {
      throw LessonErrors.ruleInvalid(
        `A series holds at most ${L.maxOccurrences} lessons; shorten the date range`,
      );
    }
    const seriesId = await this.dataSource.transaction(async (m) => {
      await this.assertBookable(m, plan, slots, []);
      const saved = await m.getRepository(LessonSeries).save(
        m.getRepository(LessonSeries).create({
          pairingId: plan.pairing.id,
          regionId: plan.pairing.regionId,
          hostId: plan.hostId,
          title: plan.title,
          subject: plan.subject,
          weekday: rule.weekday,
          startTime: rule.startTime,
          durationMinutes: rule.durationMinutes,
          fromDate: rule.fromDate,
          untilDate: rule.untilDate,
          timezone: rule.timezone,
          createdById: p.userId,
        }),
      );
      await this.insertLessons(
        m,
        plan,
        slots.map((s) => ({ ...s, originalStartsAt: s.startsAt })),
        saved.id,
        p.userId,
      );
      return saved.id;
    });
    return this.getSeries(p, seriesId);
  }

  // ---- read ----

  async get(p: Principal, id: string): Promise<LessonDto> {
    return toLessonDto(await this.access.loadVisible(p, id));
  }

  async list(p: Principal, q: LessonListQuery): Promise<LessonDto[]> {
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (!(to > from)) throw LessonErrors.rangeInvalid('to must be after from');
    if (to.getTime() - from.getTime() > L.maxListDays * 86_400_000) {
      throw LessonErrors.rangeInvalid(`A timetable covers at most ${L.maxListDays} days`);
    }
    const qb = this.lessons
      .createQueryBuilder('l')
      .select('l.id', 'id')
      .where('l.starts_at < :to AND l.ends_at > :from', { from: from.toISOString(), to: to.toISOString() });
    if (!q.includeCancelled) qb.andWhere(`l.status <> 'cancelled'`);
    if (q.pairingId) qb.andWhere('l.pairing_id = :pid', { pid: q.pairingId });
    if (p.role !== 'platform_admin') {
      if (!p.regionId) return [];
      qb.andWhere('l.region_id = :rid', { rid: p.regionId });
      if (p.role !== 'district_admin') {
        qb.andWhere(
          new Brackets((w) => {
            w.where('l.host_id = :uid', { uid: p.userId })
              .orWhere(
                'EXISTS (SELECT 1 FROM lesson_participants lp WHERE lp.lesson_id = l.id AND lp.user_id = :uid)',
              )
              .orWhere(
                'EXISTS (SELECT 1 FROM pairings pp WHERE pp.id = l.pairing_id AND pp.master_teacher_id = :uid)',
              );
            if (p.role === 'school_admin' && p.schoolId) {
              w.orWhere('l.urban_school_id = :sid', { sid: p.schoolId }).orWhere(
                'EXISTS (SELECT 1 FROM lesson_classrooms lc WHERE lc.lesson_id = l.id AND lc.school_id = :sid)',
              );
            }
          }),
        );
      }
    }
    const ids = (await qb.orderBy('l.starts_at', 'ASC').limit(2000).getRawMany<{ id: string }>()).map(
      (r) => r.id,
    );
    if (ids.length === 0) return [];
    const rows = await this.lessons.find({
      where: { id: In(ids) },
      relations: LESSON_RELATIONS,
      order: { startsAt: 'ASC' },
    });
    return rows.filter((l) => canSeeLesson(p, l)).map(toLessonDto);
  }

  async getSeries(p: Principal, id: string): Promise<LessonSeriesDto> {
    const s = await this.series.findOne({ where: { id }, relations: { host: true } });
    if (!s?.host) throw LessonErrors.seriesNotFound();
    const occurrences = await this.lessons.find({
      where: { seriesId: id },
      relations: LESSON_RELATIONS,
      order: { originalStartsAt: 'ASC' },
    });
    if (occurrences.length === 0 || !canSeeLesson(p, occurrences[0])) throw LessonErrors.seriesNotFound();
    return toLessonSeriesDto(s, s.host, occurrences);
  }

  // ---- change ----

  /** Edits or moves one lesson; moving an occurrence of a series makes it an exception. */
  async update(p: Principal, id: string, req: UpdateLessonRequest): Promise<LessonDto> {
    const lesson = await this.access.loadVisible(p, id);
    if (!canManageLesson(p, lesson))
      throw CommonErrors.forbidden('Only the host or the district changes a lesson');
    if (lesson.status !== 'scheduled') throw LessonErrors.notEditable(lesson.status);
    const startsAt = req.startsAt ? new Date(req.startsAt) : lesson.startsAt;
    const endsAt = req.endsAt
      ? new Date(req.endsAt)
      : req.startsAt
        ? new Date(startsAt.getTime() + (lesson.endsAt.getTime() - lesson.startsAt.getTime()))
        : lesson.endsAt;
    const moved =
      startsAt.getTime() !== lesson.startsAt.getTime() || endsAt.getTime() !== lesson.endsAt.getTime();
    if (moved) this.checkTimes(startsAt, endsAt);
    const inLesson = new Set([
      lesson.hostId,
      ...(lesson.participants ?? []).filter((x) => x.role === 'co_teacher').map((x) => x.userId),
    ]);
    const observerIds = req.observerIds
      ? await this.checkObservers(req.observerIds, lesson.regionId, inLesson)
      : null;

    await this.dataSource.transaction(async (m) => {
      if (moved) {
        const classrooms = (lesson.classrooms ?? []).map((c) => ({
          classroomId: c.classroomId,
          schoolId: c.schoolId,
          name: c.classroom?.name ?? c.classroomId,
          coTeacherIds: [],
        }));
        await this.assertBookable(
          m,
          { hostId: lesson.hostId, classrooms },
          [{ startsAt, endsAt }],
          [lesson.id],
        );
      }
      await m.getRepository(JointLesson).update(
        { id: lesson.id, status: 'scheduled' },
        {
          ...(req.title !== undefined && { title: req.title.trim() }),
          ...(req.attachments !== undefined && { attachments: dedupeAttachments(req.attachments) }),
          ...(moved && { startsAt, endsAt, isException: lesson.seriesId !== null }),
        },
      );
      if (observerIds) {
        await m.getRepository(LessonParticipant).delete({ lessonId: lesson.id, role: 'observer' });
        if (observerIds.length) {
          await m.getRepository(LessonParticipant).insert(
            observerIds.map((userId) => ({
              lessonId: lesson.id,
              userId,
              role: 'observer' as const,
              classroomId: null,
            })),
          );
        }
      }
    });
    return this.get(p, id);
  }

  async cancel(p: Principal, id: string, reason?: string): Promise<LessonDto> {
    const lesson = await this.access.loadVisible(p, id);
    if (!canManageLesson(p, lesson))
      throw CommonErrors.forbidden('Only the host or the district cancels a lesson');
    if (lesson.status !== 'scheduled') throw LessonErrors.notEditable(lesson.status);
    const changed = await this.lessons.update(
      { id, status: 'scheduled' },
      {
        status: 'cancelled',
        cancelledAt: this.clock.now(),
        cancelReason: reason?.trim() || null,
        isException: lesson.seriesId !== null,
      },
    );
    // It went live in the meantime.
    if (!changed.affected) throw LessonErrors.notEditable('live');
    return this.get(p, id);
  }

  /** Cancels every occurrence of a series that has not started yet. */
  async cancelSeries(p: Principal, id: string, reason?: string): Promise<LessonSeriesDto> {
    await this.getSeries(p, id); // 404 for whoever may not see it
    const s = await this.series.findOneByOrFail({ id });
    if (!(s.hostId === p.userId || Scope.canManageRegion(p, s.regionId))) {
      throw CommonErrors.forbidden('Only the host or the district cancels a series');
    }
    await this.lessons
      .createQueryBuilder()
      .update()
      .set({ status: 'cancelled', cancelledAt: this.clock.now(), cancelReason: reason?.trim() || null })
      .where(`series_id = :id AND status = 'scheduled' AND starts_at > :now`, {
        id,
        now: this.clock.now().toISOString(),
      })
      .execute();
    return this.getSeries(p, id);
  }

  // ---- validation ----

  private checkTimes(startsAt: Date, endsAt: Date): void {
    const minutes = (endsAt.getTime() - startsAt.getTime()) / MINUTE;
    if (!(minutes >= L.minMinutes && minutes <= L.maxMinutes)) {
      throw LessonErrors.timeInvalid(`A lesson lasts ${L.minMinutes} to ${L.maxMinutes} minutes`);
    }
    if (startsAt.getTime() <= this.clock.now().getTime())
      throw LessonErrors.timeInvalid('A lesson is scheduled in the future');
  }

  private async plan(
    p: Principal,
    req: Omit<CreateLessonRequest, 'startsAt' | 'endsAt'>,
  ): Promise<LessonPlan> {
    const pairing = await this.pairings.findOne({
      where: { id: req.pairingId },
      relations: { partnerSchools: true, classrooms: true },
    });
    if (!pairing || !canSeePairing(p, pairing)) throw LessonErrors.pairingNotFound();
    const isDistrict = Scope.canManageRegion(p, pairing.regionId);
    if (!isDistrict && p.userId !== pairing.masterTeacherId) throw LessonErrors.notScheduler();
    if (pairing.status !== 'active') throw LessonErrors.pairingNotActive();
    if (!pairing.subjects.includes(req.subject)) throw LessonErrors.subjectInvalid(req.subject);

    const hostId = req.hostId ?? pairing.masterTeacherId;
    if (hostId !== pairing.masterTeacherId) {
      if (!isDistrict) throw LessonErrors.hostNeedsDistrict();
      const host = await this.users.findOne({ where: { id: hostId } });
      if (!host || host.schoolId !== pairing.urbanSchoolId || !host.isMasterTeacher || host.disabledAt) {
        throw LessonErrors.hostInvalid();
      }
    }

    const pairingRooms = new Map((pairing.classrooms ?? []).map((c) => [c.id, c]));
    const roomIds = req.classrooms.map((c) => c.classroomId);
    const badRooms = roomIds.filter((id, i) => !pairingRooms.has(id) || roomIds.indexOf(id) !== i);
    if (badRooms.length) throw LessonErrors.classroomInvalid(badRooms);

    const coTeacherIds = req.classrooms.flatMap((c) => c.coTeacherIds);
    const coTeachers = coTeacherIds.length ? await this.users.find({ where: { id: In(coTeacherIds) } }) : [];
    const badCo = req.classrooms.flatMap((c) => {
      const schoolId = pairingRooms.get(c.classroomId)?.schoolId;
      return c.coTeacherIds.filter((uid) => {
        const u = coTeachers.find((x) => x.id === uid);
        return (
          !u ||
          u.disabledAt !== null ||
          u.schoolId !== schoolId ||
          (u.role !== 'teacher' && u.role !== 'school_admin') ||
          uid === hostId ||
          coTeacherIds.indexOf(uid) !== coTeacherIds.lastIndexOf(uid)
        );
      });
    });
    if (badCo.length) throw LessonErrors.coTeacherInvalid([...new Set(badCo)]);

    const observerIds = await this.checkObservers(
      req.observerIds ?? [],
      pairing.regionId,
      new Set([hostId, ...coTeacherIds]),
    );
    return {
      pairing,
      title: req.title.trim(),
      subject: req.subject,
      hostId,
      classrooms: req.classrooms.map((c) => {
        const room = pairingRooms.get(c.classroomId);
        if (!room) throw LessonErrors.classroomInvalid([c.classroomId]);
        return {
          classroomId: room.id,
          schoolId: room.schoolId,
          name: room.name,
          coTeacherIds: c.coTeacherIds,
        };
      }),
      observerIds,
      attachments: dedupeAttachments(req.attachments),
    };
  }

  private async checkObservers(ids: string[], regionId: string, alreadyIn: Set<string>): Promise<string[]> {
    if (ids.length === 0) return [];
    const users = await this.users.find({ where: { id: In(ids) } });
    const bad = ids.filter((id) => {
      const u = users.find((x) => x.id === id);
      return !u || u.disabledAt !== null || u.regionId !== regionId || alreadyIn.has(id);
    });
    if (bad.length) throw LessonErrors.observerInvalid(bad);
    return ids;
  }

  /**
   * Refuses the slots if the host or any classroom already has a scheduled or live lesson that
   * overlaps one. Runs inside the writing transaction, after taking an advisory lock per host and
   * classroom (in a fixed order, so concurrent schedulers queue instead of deadlocking).
   */
  private async assertBookable(
    m: EntityManager,
    plan: Pick<LessonPlan, 'hostId' | 'classrooms'>,
    slots: Slot[],
    excludeLessonIds: string[],
  ): Promise<void> {
    const roomIds = plan.classrooms.map((c) => c.classroomId);
    for (const key of [plan.hostId, ...roomIds].sort()) {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`lesson-booking:${key}`]);
    }
    const from = new Date(Math.min(...slots.map((s) => s.startsAt.getTime())));
    const to = new Date(Math.max(...slots.map((s) => s.endsAt.getTime())));
    const rows: {
      id: string;
      starts_at: Date;
      ends_at: Date;
      host_id: string;
      classroom_id: string | null;
    }[] = await m.query(
      `SELECT l.id, l.starts_at, l.ends_at, l.host_id, lc.classroom_id
         FROM joint_lessons l
         LEFT JOIN lesson_classrooms lc ON lc.lesson_id = l.id AND lc.classroom_id = ANY($2::uuid[])
        WHERE l.status IN ('scheduled', 'live')
          AND l.starts_at < $4::timestamptz AND l.ends_at > $3::timestamptz
          AND (l.host_id = $1 OR lc.classroom_id IS NOT NULL)
          AND NOT (l.id = ANY($5::uuid[]))`,
      [plan.hostId, uuidArray(roomIds), from.toISOString(), to.toISOString(), uuidArray(excludeLessonIds)],
    );
    const conflicts: BookingConflict[] = [];
    const seen = new Set<string>();
    for (const slot of slots) {
      for (const r of rows) {
        const start = new Date(r.starts_at);
        const end = new Date(r.ends_at);
        if (!(start < slot.endsAt && end > slot.startsAt)) continue;
        const entries: BookingConflict[] = [];
        if (r.host_id === plan.hostId) {
          entries.push({
            resource: 'host',
            classroomId: null,
            name: 'host',
            startsAt: start.toISOString(),
            endsAt: end.toISOString(),
          });
        }
        if (r.classroom_id) {
          const room = plan.classrooms.find((c) => c.classroomId === r.classroom_id);
          entries.push({
            resource: 'classroom',
            classroomId: r.classroom_id,
            name: room?.name ?? r.classroom_id,
            startsAt: start.toISOString(),
            endsAt: end.toISOString(),
          });
        }
        for (const e of entries) {
          const key = `${e.resource}:${e.classroomId}:${e.startsAt}`;
          if (!seen.has(key)) {
            seen.add(key);
            conflicts.push(e);
          }
        }
      }
    }
    if (conflicts.length) throw LessonErrors.doubleBooked(conflicts);
  }

  private async insertLessons(
    m: EntityManager,
    plan: LessonPlan,
    slots: PlannedSlot[],
    seriesId: string | null,
    createdById: string,
  ): Promise<string[]> {
    const repo = m.getRepository(JointLesson);
    const ids: string[] = [];
    for (const slot of slots) {
      const saved = await repo.save(
        repo.create({
          pairingId: plan.pairing.id,
          seriesId,
          regionId: plan.pairing.regionId,
          urbanSchoolId: plan.pairing.urbanSchoolId,
          hostId: plan.hostId,
          title: plan.title,
          subject: plan.subject,
          status: 'scheduled',
          startsAt: slot.startsAt,
          endsAt: slot.endsAt,
          originalStartsAt: slot.originalStartsAt,
          isException: false,
          attachments: plan.attachments,
          lastSeq: 0,
          startedAt: null,
          endedAt: null,
          cancelledAt: null,
          cancelReason: null,
          createdById,
        }),
      );
      ids.push(saved.id);
    }
    await m
      .getRepository(LessonClassroom)
      .insert(
        ids.flatMap((lessonId) =>
          plan.classrooms.map((c) => ({ lessonId, classroomId: c.classroomId, schoolId: c.schoolId })),
        ),
      );
    const participants = [
      ...plan.classrooms.flatMap((c) =>
        c.coTeacherIds.map((userId) => ({ userId, role: 'co_teacher' as const, classroomId: c.classroomId })),
      ),
      ...plan.observerIds.map((userId) => ({ userId, role: 'observer' as const, classroomId: null })),
    ];
    if (participants.length) {
      await m
        .getRepository(LessonParticipant)
        .insert(ids.flatMap((lessonId) => participants.map((x) => ({ lessonId, ...x }))));
    }
    return ids;
  }
}
