import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@tongke/auth';
import {
  AddGroupMemberDto,
  CreatePlanDto,
  CreatePlanningSessionDto,
  CreateResearchGroupDto,
  UpdateResearchGroupDto,
  type GroupMemberCandidateDto,
  type PlanDto,
  type PlanningSessionDto,
  type ResearchGroupDetailDto,
  type ResearchGroupDto,
} from '@tongke/contracts';
import { PlanningSessionsService } from './planning-sessions.service.js';
import { PlansService } from './plans.service.js';
import { ResearchGroupsService } from './research-groups.service.js';

@ApiTags('planning')
@ApiBearerAuth()
@Controller('research-groups')
export class ResearchGroupsController {
  constructor(
    private readonly groups: ResearchGroupsService,
    private readonly plans: PlansService,
    private readonly sessions: PlanningSessionsService,
  ) {}

  @Get()
  list(@CurrentUser() me: Principal): Promise<ResearchGroupDto[]> {
    return this.groups.list(me);
  }

  @Post()
  create(@CurrentUser() me: Principal, @Body() dto: CreateResearchGroupDto): Promise<ResearchGroupDetailDto> {
    return this.groups.create(me, dto);
  }

  @Get(':id')
  get(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ResearchGroupDetailDto> {
    return this.groups.get(me, id);
  }

  @Patch(':id')
  update(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateResearchGroupDto,
  ): Promise<ResearchGroupDetailDto> {
    return this.groups.update(me, id, dto);
  }

  /** The region's teachers the lead may add (managers only). */
  @Get(':id/member-candidates')
  memberCandidates(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<GroupMemberCandidateDto[]> {
    return this.groups.candidates(me, id);
  }

  @Post(':id/members')
  @HttpCode(200)
  addMember(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AddGroupMemberDto,
  ): Promise<ResearchGroupDetailDto> {
    return this.groups.addMember(me, id, dto);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  removeMember(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<void> {
    return this.groups.removeMember(me, id, userId);
  }

  @Get(':id/plans')
  listPlans(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PlanDto[]> {
    return this.plans.listForGroup(me, id);
  }

  @Post(':id/plans')
  createPlan(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreatePlanDto,
  ): Promise<PlanDto> {
    return this.plans.create(me, id, dto);
  }

  @Get(':id/sessions')
  listSessions(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PlanningSessionDto[]> {
    return this.sessions.listForGroup(me, id);
  }

  @Post(':id/sessions')
  createSession(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreatePlanningSessionDto,
  ): Promise<PlanningSessionDto> {
    return this.sessions.create(me, id, dto);
  }
}
