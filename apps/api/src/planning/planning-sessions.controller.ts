import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@tongke/auth';
import { UpdatePlanningSessionDto, type PlanningSessionDto } from '@tongke/contracts';
import { PlanningSessionsService } from './planning-sessions.service.js';

@ApiTags('planning')
@ApiBearerAuth()
@Controller('planning-sessions')
export class PlanningSessionsController {
  constructor(private readonly sessions: PlanningSessionsService) {}

  @Get(':id')
  get(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PlanningSessionDto> {
    return this.sessions.get(me, id);
  }

  @Patch(':id')
  update(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdatePlanningSessionDto,
  ): Promise<PlanningSessionDto> {
    return this.sessions.update(me, id, dto);
  }

  @Post(':id/attend')
  @HttpCode(200)
  attend(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PlanningSessionDto> {
    return this.sessions.attend(me, id);
  }
}
