import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@tongke/auth';
import {
  CancelLessonDto,
  CreateLessonDto,
  CreateLessonSeriesDto,
  LessonJoinTokenDto,
  LessonListQueryDto,
  LessonTimelineQueryDto,
  UpdateLessonDto,
  type LessonAttendanceDto,
  type LessonDto,
  type LessonJoinTokenResponse,
  type LessonRecordDto,
  type LessonSeriesDto,
  type LessonTimelinePage,
} from '@tongke/contracts';
import { LessonJoinService } from './lesson-join.service.js';
import { LessonRecordsService } from './lesson-records.service.js';
import { LessonsService } from './lessons.service.js';

@ApiTags('lessons')
@ApiBearerAuth()
@Controller('lessons')
export class LessonsController {
  constructor(
    private readonly lessons: LessonsService,
    private readonly joins: LessonJoinService,
    private readonly records: LessonRecordsService,
  ) {}

  /** The timetable (同步课表) the caller may see, overlapping [from, to). */
  @Get()
  list(@CurrentUser() me: Principal, @Query() q: LessonListQueryDto): Promise<LessonDto[]> {
    return this.lessons.list(me, q);
  }

  @Post()
  create(@CurrentUser() me: Principal, @Body() dto: CreateLessonDto): Promise<LessonDto> {
    return this.lessons.create(me, dto);
  }

  @Post('series')
  createSeries(@CurrentUser() me: Principal, @Body() dto: CreateLessonSeriesDto): Promise<LessonSeriesDto> {
    return this.lessons.createSeries(me, dto);
  }

  @Get('series/:id')
  getSeries(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<LessonSeriesDto> {
    return this.lessons.getSeries(me, id);
  }

  @Post('series/:id/cancel')
  @HttpCode(200)
  cancelSeries(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CancelLessonDto,
  ): Promise<LessonSeriesDto> {
    return this.lessons.cancelSeries(me, id, dto.reason);
  }

  @Get(':id')
  get(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<LessonDto> {
    return this.lessons.get(me, id);
  }

  @Patch(':id')
  update(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateLessonDto,
  ): Promise<LessonDto> {
    return this.lessons.update(me, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CancelLessonDto,
  ): Promise<LessonDto> {
    return this.lessons.cancel(me, id, dto.reason);
  }

  /** A ~120 s JWT for the /lesson socket namespace, only for people who belong to the lesson. */
  @Post(':id/join-token')
  @HttpCode(200)
  joinToken(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: LessonJoinTokenDto,
  ): Promise<LessonJoinTokenResponse> {
    return this.joins.issue(me, id, dto);
  }

  @Get(':id/attendance')
  attendance(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<LessonAttendanceDto> {
    return this.records.attendance(me, id);
  }

  /** Replay: pages, annotations, hands and polls with offsets from the start, paged by seq. */
  @Get(':id/timeline')
  timeline(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: LessonTimelineQueryDto,
  ): Promise<LessonTimelinePage> {
    return this.records.timeline(me, id, q.afterSeq, q.limit);
  }

  @Get(':id/record')
  record(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<LessonRecordDto> {
    return this.records.record(me, id);
  }
}
