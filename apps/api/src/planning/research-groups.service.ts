import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Scope, type Principal } from '@tongke/auth';
import {
  STAGE_CODES,
  subjectTaughtAt,
  type AddGroupMemberRequest,
  type CreateResearchGroupRequest,
  type GroupMemberCandidateDto,
  type ResearchGroupDetailDto,
  type ResearchGroupDto,
  type UpdateResearchGroupRequest,
} from '@tongke/contracts';
import { ResearchGroup, ResearchGroupMember, School, User } from '@tongke/database';
import { DataSource, In, Repository } from 'typeorm';
import { PlanningAccess } from './planning-access.service.js';
import { PlanningUsers } from './planning-users.js';
import { toMemberDto, toResearchGroupDto } from './planning.mappers.js';
import { PlanningErrors } from './planning.errors.js';

/**
 * Teaching-research groups: created by a district admin (naming a lead) or by a master teacher
 * (who leads it), in one region; the lead and the district admin add members (teachers of any
 * school of the region) and observers (any user of the region).
 */
@Injectable()
export class ResearchGroupsService {
  constructor(
    @InjectRepository(ResearchGroup) private readonly groups: Repository<ResearchGroup>,
    @InjectRepository(ResearchGroupMember) private readonly members: Repository<ResearchGroupMember>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: PlanningAccess,
    private readonly users: PlanningUsers,
  ) {}

  async list(p: Principal): Promise<ResearchGroupDto[]> {
    const mine = await this.members.find({ where: { userId: p.userId } });
    const roles = new Map(mine.map((m) => [m.groupId, m.role]));
    const ids = new Set(roles.keys());
    if (p.role === 'platform_admin' || p.role === 'district_admin') {
      const where =
        p.role === 'platform_admin' ? {} : { regionId: p.regionId ?? '00000000-0000-0000-0000-000000000000' };
      for (const g of await this.groups.find({ where, select: { id: true } })) ids.add(g.id);
    }
    if (ids.size === 0) return [];
    const groups = await this.groups.find({ where: { id: In([...ids]) }, order: { createdAt: 'DESC' } });
    const counts = await this.memberCounts(groups.map((g) => g.id));
    const users = await this.users.index(groups.map((g) => g.leadId));
    return groups.map((g) => toResearchGroupDto(g, users, roles.get(g.id) ?? null, counts.get(g.id) ?? 0));
  }

  async get(p: Principal, groupId: string): Promise<ResearchGroupDetailDto> {
    const { group, role } = await this.access.group(p, groupId);
    const members = await this.members.find({ where: { groupId }, order: { createdAt: 'ASC' } });
    const users = await this.users.index([group.leadId, ...members.map((m) => m.userId)]);
    const order = { lead: 0, member: 1, observer: 2 } as const;
    return {
      ...toResearchGroupDto(group, users, role, members.length),
      members: members.sort((a, b) => order[a.role] - order[b.role]).map((m) => toMemberDto(m, users)),
    };
  }

  async create(p: Principal, req: CreateResearchGroupRequest): Promise<ResearchGroupDetailDto> {
    if (!(STAGE_CODES as string[]).includes(req.stage) || !subjectTaughtAt(req.subject, req.stage)) {
      throw PlanningErrors.curriculumInvalid([
        `subject "${req.subject}" is not taught at stage "${req.stage}"`,
      ]);
    }
    let regionId: string;
    let leadId: string;
    if (p.role === 'platform_admin' || p.role === 'district_admin') {
      const rid = p.role === 'platform_admin' ? req.regionId : p.regionId;
      if (!rid) throw PlanningErrors.regionRequired();
      if (!Scope.canManageRegion(p, rid)) throw PlanningErrors.cannotCreateGroup();
      if (!req.leadId) throw PlanningErrors.leadRequired();
      regionId = rid;
      leadId = req.leadId;
    } else if (p.role === 'teacher' && p.isMasterTeacher && p.regionId) {
      if (req.leadId && req.leadId !== p.userId) throw PlanningErrors.cannotCreateGroup();
      regionId = p.regionId;
      leadId = p.userId;
    } else {
      throw PlanningErrors.cannotCreateGroup();
    }
    await this.requireRegionUser(leadId, regionId, true);
    const id = await this.dataSource.transaction(async (m) => {
      const group = await m.getRepository(ResearchGroup).save(
        m.getRepository(ResearchGroup).create({
          regionId,
          name: req.name.trim(),
          subject: req.subject,
          stage: req.stage,
          leadId,
          createdById: p.userId,
        }),
      );
      await m
        .getRepository(ResearchGroupMember)
        .insert({ groupId: group.id, userId: leadId, role: 'lead', addedById: p.userId });
      return group.id;
    });
    return this.get(p, id);
  }

  async update(
    p: Principal,
    groupId: string,
    req: UpdateResearchGroupRequest,
  ): Promise<ResearchGroupDetailDto> {
    const { group } = await this.access.manager(p, groupId);
    if (req.leadId && req.leadId !== group.leadId) {
      if (!Scope.canManageRegion(p, group.regionId)) throw PlanningErrors.leadChangeForbidden();
      await this.requireRegionUser(req.leadId, group.regionId, true);
      const newLead = req.leadId;
      await this.dataSource.transaction(async (m) => {
        await m
          .getRepository(ResearchGroupMember)
          .update({ groupId, userId: group.leadId }, { role: 'member' });
        await m
          .getRepository(ResearchGroupMember)
          .upsert({ groupId, userId: newLead, role: 'lead', addedById: p.userId }, ['groupId', 'userId']);
        await m
          .getRepository(ResearchGroup)
          .update({ id: groupId }, { leadId: newLead, ...(req.name ? { name: req.name.trim() } : {}) });
      });
    } else if (req.name) {
      await this.groups.update({ id: groupId }, { name: req.name.trim() });
    }
    return this.get(p, groupId);
  }

  async addMember(
    p: Principal,
    groupId: string,
    req: AddGroupMemberRequest,
  ): Promise<ResearchGroupDetailDto> {
    const { group } = await this.access.manager(p, groupId);
    if (req.userId === group.leadId) throw PlanningErrors.leadCannotChange();
    await this.requireRegionUser(req.userId, group.regionId, req.role === 'member');
    await this.members.upsert({ groupId, userId: req.userId, role: req.role, addedById: p.userId }, [
      'groupId',
      'userId',
    ]);
    return this.get(p, groupId);
  }

  /**
   * Whom the lead (or district admin) can add: the region's active teachers not yet in the group,
   * with their school, by school and name. Nobody else sees the list.
   */
  async candidates(p: Principal, groupId: string): Promise<GroupMemberCandidateDto[]> {
    const { group } = await this.access.manager(p, groupId);
    const taken = new Set((await this.members.find({ where: { groupId } })).map((m) => m.userId));
    taken.add(group.leadId);
    const rows = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .leftJoin(School, 's', 's.id = u.school_id')
      .select('u.id', 'id')
      .addSelect('u.display_name', 'displayName')
      .addSelect('u.school_id', 'schoolId')
      .addSelect('s.name', 'schoolName')
      .where('u.region_id = :regionId', { regionId: group.regionId })
      .andWhere("u.role = 'teacher'")
      .andWhere('u.school_id IS NOT NULL')
      .andWhere('u.disabled_at IS NULL')
      .orderBy('s.name')
      .addOrderBy('u.display_name')
      .limit(1000)
      .getRawMany<{ id: string; displayName: string; schoolId: string; schoolName: string | null }>();
    return rows
      .filter((r) => !taken.has(r.id))
      .map((r) => ({
        user: { id: r.id, displayName: r.displayName, schoolId: r.schoolId },
        schoolName: r.schoolName,
      }));
  }

  /** The lead or district admin removes anyone but the lead; a participant may leave. */
  async removeMember(p: Principal, groupId: string, userId: string): Promise<void> {
    const g =
      userId === p.userId ? await this.access.group(p, groupId) : await this.access.manager(p, groupId);
    if (userId === g.group.leadId) throw PlanningErrors.leadCannotChange();
    const res = await this.members.delete({ groupId, userId });
    if (!res.affected) throw PlanningErrors.memberNotFound();
  }

  private async requireRegionUser(userId: string, regionId: string, mustTeach: boolean): Promise<User> {
    const user = await this.users.find(userId);
    if (!user || user.disabledAt || user.regionId !== regionId) throw PlanningErrors.userNotInRegion();
    if (mustTeach && (user.role !== 'teacher' || !user.schoolId)) throw PlanningErrors.memberMustTeach();
    return user;
  }

  private async memberCounts(groupIds: string[]): Promise<Map<string, number>> {
    if (groupIds.length === 0) return new Map();
    const rows = await this.members
      .createQueryBuilder('m')
      .select('m.group_id', 'groupId')
      .addSelect('count(*)', 'n')
      .where('m.group_id IN (:...ids)', { ids: groupIds })
      .groupBy('m.group_id')
      .getRawMany<{ groupId: string; n: string }>();
    return new Map(rows.map((r) => [r.groupId, Number(r.n)]));
  }
}
