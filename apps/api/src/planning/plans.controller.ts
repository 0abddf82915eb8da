import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@tongke/auth';
import {
  CreatePlanPostDto,
  UpdatePlanDto,
  type PlanContentDto,
  type PlanDto,
  type PlanPostDto,
} from '@tongke/contracts';
import { PlansService } from './plans.service.js';

@ApiTags('planning')
@ApiBearerAuth()
@Controller('plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Get(':id')
  get(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PlanDto> {
    return this.plans.get(me, id);
  }

  @Patch(':id')
  update(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdatePlanDto,
  ): Promise<PlanDto> {
    return this.plans.update(me, id, dto);
  }

  @Get(':id/content')
  content(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PlanContentDto> {
    return this.plans.content(me, id);
  }

  @Get(':id/posts')
  posts(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PlanPostDto[]> {
    return this.plans.listPosts(me, id);
  }

  @Post(':id/posts')
  createPost(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreatePlanPostDto,
  ): Promise<PlanPostDto> {
    return this.plans.createPost(me, id, dto);
  }
}
