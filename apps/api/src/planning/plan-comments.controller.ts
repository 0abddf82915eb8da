import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@tongke/auth';
import { CreatePlanCommentDto, CreatePlanCommentReplyDto, type PlanCommentDto } from '@tongke/contracts';
import { PlanCommentsService } from './plan-comments.service.js';

@ApiTags('planning')
@ApiBearerAuth()
@Controller('plans')
export class PlanCommentsController {
  constructor(private readonly comments: PlanCommentsService) {}

  @Get(':id/comments')
  list(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PlanCommentDto[]> {
    return this.comments.list(me, id);
  }

  @Post(':id/comments')
  create(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreatePlanCommentDto,
  ): Promise<PlanCommentDto> {
    return this.comments.create(me, id, dto);
  }

  @Post(':id/comments/:commentId/replies')
  reply(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('commentId', ParseUUIDPipe) commentId: string,
    @Body() dto: CreatePlanCommentReplyDto,
  ): Promise<PlanCommentDto> {
    return this.comments.reply(me, id, commentId, dto);
  }

  @Post(':id/comments/:commentId/resolve')
  @HttpCode(200)
  resolve(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('commentId', ParseUUIDPipe) commentId: string,
  ): Promise<PlanCommentDto> {
    return this.comments.resolve(me, id, commentId);
  }

  @Post(':id/comments/:commentId/reopen')
  @HttpCode(200)
  reopen(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('commentId', ParseUUIDPipe) commentId: string,
  ): Promise<PlanCommentDto> {
    return this.comments.reopen(me, id, commentId);
  }
}
