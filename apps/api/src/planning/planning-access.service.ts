import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Scope, type Principal } from '@tongke/auth';
import { planAccessOf, type PlanAccessRole, type ResearchGroupRole } from '@tongke/contracts';
import { LessonPlan, ResearchGroup, ResearchGroupMember } from '@tongke/database';
import { Repository } from 'typeorm';
import { PlanningErrors } from './planning.errors.js';

export interface GroupAccess {
  group: ResearchGroup;
  /** The caller's role in the group, or null (a supervising district or platform admin). */
  role: ResearchGroupRole | null;
  /** Lead, or admin of the group's region: may manage members, sessions, publishing. */
  manages: boolean;
}
export interface PlanContext extends GroupAccess {
  plan: LessonPlan;
  /** What the caller may do with the document: edit, read, or nothing (metadata only). */
  access: PlanAccessRole | null;
}

/**
 * Who sees what in planning. A group (and its plans' metadata) is visible to its lead, members and
 * observers and to the admins of its region; anyone else gets 404. Plan documents (content,
 * comments, versions, discussion) are for the group's participants only: leads and members edit,
 * observers read. District admins supervise from the group page and join as observers to read.
 */
@Injectable()
export class PlanningAccess {
  constructor(
    @InjectRepository(ResearchGroup) private readonly groups: Repository<ResearchGroup>,
    @InjectRepository(ResearchGroupMember) private readonly members: Repository<ResearchGroupMember>,
    @InjectRepository(LessonPlan) private readonly plans: Repository<LessonPlan>,
  ) {}

  async roleIn(p: Principal, groupId: string): Promise<ResearchGroupRole | null> {
    const m = await this.members.findOne({ where: { groupId, userId: p.userId } });
    return m?.role ?? null;
  }

  async group(p: Principal, groupId: string): Promise<GroupAccess> {
    const group = await this.groups.findOne({ where: { id: groupId } });
    if (!group) throw PlanningErrors.groupNotFound();
    const role = await this.roleIn(p, groupId);
    const admin = Scope.canManageRegion(p, group.regionId);
    if (!role && !admin) throw PlanningErrors.groupNotFound();
    return { group, role, manages: admin || role === 'lead' };
  }

  async plan(p: Principal, planId: string): Promise<PlanContext> {
    const plan = await this.plans.findOne({ where: { id: planId } });
    if (!plan) throw PlanningErrors.planNotFound();
    let g: GroupAccess;
    try {
      g = await this.group(p, plan.groupId);
    } catch {
      throw PlanningErrors.planNotFound();
    }
    return { ...g, plan, access: g.role ? planAccessOf(g.role) : null };
  }

  /** A participant (lead, member or observer): may read the document. */
  async reader(p: Principal, planId: string): Promise<PlanContext> {
    const ctx = await this.plan(p, planId);
    if (!ctx.access) throw PlanningErrors.membersOnly();
    return ctx;
  }

  /** Lead or member: may change the document. */
  async editor(p: Principal, planId: string): Promise<PlanContext> {
    const ctx = await this.reader(p, planId);
    if (ctx.access !== 'editor') throw PlanningErrors.readOnly();
    return ctx;
  }

  async manager(p: Principal, groupId: string): Promise<GroupAccess> {
    const g = await this.group(p, groupId);
    if (!g.manages) throw PlanningErrors.groupManagersOnly();
    return g;
  }
}
