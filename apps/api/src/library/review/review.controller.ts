import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { CurrentUser, Roles, type Principal } from '@tongke/auth';
import { REVIEW_STAGES, type NotificationDto, type ResourceDto, type ReviewStage } from '@tongke/contracts';
import { NotificationsService } from './notifications.service.js';
import { ReviewService } from './review.service.js';

class ReviewQueueQueryDto {
  @IsOptional()
  @IsIn(REVIEW_STAGES)
  stage?: ReviewStage;
}

class NotificationQueryDto {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => value === 'true' || value === true)
  @IsBoolean()
  unread?: boolean;
}

@ApiTags('library')
@ApiBearerAuth()
@Controller('reviews')
export class ReviewController {
  constructor(private readonly review: ReviewService) {}

  /** The caller's review queue (school admins: their school; district admins: their region's district stage by default). */
  @Roles('school_admin', 'district_admin', 'platform_admin')
  @Get()
  queue(@CurrentUser() me: Principal, @Query() q: ReviewQueueQueryDto): Promise<ResourceDto[]> {
    return this.review.queue(me, q.stage);
  }
}

@ApiTags('library')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  list(@CurrentUser() me: Principal, @Query() q: NotificationQueryDto): Promise<NotificationDto[]> {
    return this.notifications.list(me, q.unread ?? false);
  }

  @Post(':id/read')
  @HttpCode(200)
  read(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<NotificationDto> {
    return this.notifications.markRead(me, id);
  }
}
