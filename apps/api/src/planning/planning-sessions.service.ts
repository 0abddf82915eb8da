import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import { DomainEvents } from '@tongke/common';
import {
  PLANNING_SESSION_CHECKIN_MARGIN_MINUTES,
  type CreatePlanningSessionRequest,
  type PlanningSessionDto,
  type UpdatePlanningSessionRequest,
} from '@tongke/contracts';
import { LessonPlan, PlanningSession, PlanningSessionAttendee } from '@tongke/database';
import { In, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { PlanningAccess } from './planning-access.service.js';
import { PlanningUsers } from './planning-users.js';
import { toSessionDto } from './planning.mappers.js';
import { PlanningErrors } from './planning.errors.js';

const MINUTE = 60_000;

/**
 * Collective preparation sessions (集体备课): the lead (or district admin) schedules one on a plan of
 * the group, with an agenda, and records minutes; participants check in while it runs, which is
 * what collective-preparation participation is counted from.
 */
@Injectable()
export class PlanningSessionsService {
  constructor(
    @InjectRepository(PlanningSession) private readonly sessions: Repository<PlanningSession>,
    @InjectRepository(PlanningSessionAttendee)
    private readonly attendees: Repository<PlanningSessionAttendee>,
    @InjectRepository(LessonPlan) private readonly plans: Repository<LessonPlan>,
    private readonly access: PlanningAccess,
    private readonly users: PlanningUsers,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async listForGroup(p: Principal, groupId: string): Promise<PlanningSessionDto[]> {
    await this.access.group(p, groupId);
    const rows = await this.sessions.find({ where: { groupId }, order: { scheduledAt: 'DESC' } });
    return this.toDtos(rows);
  }

  async create(
    p: Principal,
    groupId: string,
    req: CreatePlanningSessionRequest,
  ): Promise<PlanningSessionDto> {
    await this.access.manager(p, groupId);
    const plan = await this.plans.findOne({ where: { id: req.planId } });
    if (!plan || plan.groupId !== groupId) throw PlanningErrors.planNotInGroup();
    const saved = await this.sessions.save(
      this.sessions.create({
        groupId,
        planId: plan.id,
        title: req.title.trim(),
        scheduledAt: new Date(req.scheduledAt),
        durationMinutes: req.durationMinutes,
        agenda: req.agenda,
        minutes: null,
        jointLessonId: req.jointLessonId ?? null,
        createdById: p.userId,
      }),
    );
    return this.get(p, saved.id);
  }

  async get(p: Principal, sessionId: string): Promise<PlanningSessionDto> {
    const session = await this.visible(p, sessionId);
    return (await this.toDtos([session]))[0];
  }

  async update(
    p: Principal,
    sessionId: string,
    req: UpdatePlanningSessionRequest,
  ): Promise<PlanningSessionDto> {
    const session = await this.visible(p, sessionId);
    await this.access.manager(p, session.groupId);
    await this.sessions.update(
      { id: sessionId },
      {
        ...(req.title !== undefined ? { title: req.title.trim() } : {}),
        ...(req.scheduledAt !== undefined ? { scheduledAt: new Date(req.scheduledAt) } : {}),
        ...(req.durationMinutes !== undefined ? { durationMinutes: req.durationMinutes } : {}),
        ...(req.agenda !== undefined ? { agenda: req.agenda } : {}),
        ...(req.minutes !== undefined ? { minutes: req.minutes } : {}),
        ...(req.jointLessonId !== undefined ? { jointLessonId: req.jointLessonId } : {}),
      },
    );
    return this.get(p, sessionId);
  }

  /** A participant checks in, from shortly before the start until shortly after the end. */
  async attend(p: Principal, sessionId: string): Promise<PlanningSessionDto> {
    const session = await this.visible(p, sessionId);
    const { group, role } = await this.access.group(p, session.groupId);
    if (!role) throw PlanningErrors.membersOnly();
    const margin = PLANNING_SESSION_CHECKIN_MARGIN_MINUTES * MINUTE;
    const opens = session.scheduledAt.getTime() - margin;
    const closes = session.scheduledAt.getTime() + session.durationMinutes * MINUTE + margin;
    const now = this.clock.now();
    if (now.getTime() < opens || now.getTime() > closes) {
      throw PlanningErrors.sessionNotOpen(new Date(opens).toISOString(), new Date(closes).toISOString());
    }
    const inserted = await this.attendees
      .createQueryBuilder()
      .insert()
      .values({ sessionId, userId: p.userId })
      .orIgnore()
      .returning(['session_id'])
      .execute();
    if (inserted.raw && (inserted.raw as unknown[]).length > 0) {
      this.events.publish('planning.session_attended', {
        sessionId,
        groupId: group.id,
        planId: session.planId,
        regionId: group.regionId,
        userId: p.userId,
        schoolId: p.schoolId,
        at: now.toISOString(),
      });
    }
    return this.get(p, sessionId);
  }

  private async visible(p: Principal, sessionId: string): Promise<PlanningSession> {
    const session = await this.sessions.findOne({ where: { id: sessionId } });
    if (!session) throw PlanningErrors.sessionNotFound();
    try {
      await this.access.group(p, session.groupId);
    } catch {
      throw PlanningErrors.sessionNotFound();
    }
    return session;
  }

  private async toDtos(rows: PlanningSession[]): Promise<PlanningSessionDto[]> {
    if (rows.length === 0) return [];
    const att = await this.attendees.find({ where: { sessionId: In(rows.map((r) => r.id)) } });
    const users = await this.users.index([...rows.map((r) => r.createdById), ...att.map((a) => a.userId)]);
    return rows.map((r) =>
      toSessionDto(
        r,
        att.filter((a) => a.sessionId === r.id),
        users,
      ),
    );
  }
}
