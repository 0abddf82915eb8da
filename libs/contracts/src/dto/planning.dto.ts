import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  PLAN_LESSON_PERIOD_MAX,
  PLAN_SECTION_CODES,
  type AddGroupMemberRequest,
  type CreatePlanCommentReplyRequest,
  type CreatePlanCommentRequest,
  type CreatePlanningSessionRequest,
  type CreatePlanPostRequest,
  type CreatePlanRequest,
  type CreatePlanVersionRequest,
  type CreateResearchGroupRequest,
  type PlanSectionCode,
  type PlanSectionTexts,
  type RelativePositionJson,
  type UpdatePlanningSessionRequest,
  type UpdatePlanRequest,
  type UpdateResearchGroupRequest,
  type YIdJson,
} from '../api/planning.js';

// The server index exports the planning constants, shapes and Yjs helpers through this file (one line there).
export * from '../planning/index.js';

const SECTION_TEXT_MAX = 20_000;

export class CreateResearchGroupDto implements CreateResearchGroupRequest {
  @ApiPropertyOptional({ description: 'Platform admins only; others create in their own region' })
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @ApiProperty({ example: '七年级数学跨校教研组' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name: string;

  @ApiProperty({ example: 'math' })
  @IsString()
  @MaxLength(32)
  subject: string;

  @ApiProperty({ example: 'junior' })
  @IsString()
  @MaxLength(16)
  stage: string;

  @ApiPropertyOptional({
    description: 'District admins name the lead; a master teacher leads the group they create',
  })
  @IsOptional()
  @IsUUID()
  leadId?: string;
}

export class UpdateResearchGroupDto implements UpdateResearchGroupRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name?: string;

  @ApiPropertyOptional({ description: 'District admins only' })
  @IsOptional()
  @IsUUID()
  leadId?: string;
}

export class AddGroupMemberDto implements AddGroupMemberRequest {
  @ApiProperty()
  @IsUUID()
  userId: string;

  @ApiProperty({ enum: ['member', 'observer'] })
  @IsIn(['member', 'observer'])
  role: 'member' | 'observer';
}

export class PlanSectionTextsDto implements PlanSectionTexts {
  @ApiPropertyOptional({ example: '1. 理解一元一次方程的概念' })
  @IsOptional()
  @IsString()
  @MaxLength(SECTION_TEXT_MAX)
  objectives?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SECTION_TEXT_MAX)
  key_points?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SECTION_TEXT_MAX)
  process?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SECTION_TEXT_MAX)
  homework?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SECTION_TEXT_MAX)
  board?: string;
}

export class CreatePlanDto implements CreatePlanRequest {
  @ApiProperty({ example: '一元一次方程（第1课时）' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  @ApiProperty({ example: '七年级' })
  @IsString()
  @MaxLength(16)
  grade: string;

  @ApiProperty({ example: 'pep' })
  @IsString()
  @MaxLength(32)
  edition: string;

  @ApiProperty({ example: 'first' })
  @IsString()
  @MaxLength(16)
  volume: string;

  @ApiProperty({ example: '第三章 一元一次方程' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  unit: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(PLAN_LESSON_PERIOD_MAX)
  lessonPeriod: number;

  @ApiPropertyOptional({ type: PlanSectionTextsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PlanSectionTextsDto)
  sections?: PlanSectionTextsDto;
}

export class UpdatePlanDto implements UpdatePlanRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(16)
  grade?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  edition?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(16)
  volume?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  unit?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PLAN_LESSON_PERIOD_MAX)
  lessonPeriod?: number;
}

export class CreatePlanPostDto implements CreatePlanPostRequest {
  @ApiProperty({ example: '第二环节的例题是否换成行程问题？' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  body: string;
}

export class YIdDto implements YIdJson {
  @ApiProperty()
  @IsInt()
  @Min(0)
  client: number;

  @ApiProperty()
  @IsInt()
  @Min(0)
  clock: number;
}

/** `Y.relativePositionToJSON()` output. */
export class RelativePositionDto implements RelativePositionJson {
  @ApiPropertyOptional({ type: YIdDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => YIdDto)
  type?: YIdDto;

  @ApiPropertyOptional({ enum: PLAN_SECTION_CODES })
  @IsOptional()
  @IsIn(PLAN_SECTION_CODES)
  tname?: string;

  @ApiPropertyOptional({ type: YIdDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => YIdDto)
  item?: YIdDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  assoc?: number;
}

export class CreatePlanCommentDto implements CreatePlanCommentRequest {
  @ApiProperty({ enum: PLAN_SECTION_CODES })
  @IsIn(PLAN_SECTION_CODES)
  section: PlanSectionCode;

  @ApiProperty({ type: RelativePositionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RelativePositionDto)
  start: RelativePositionDto;

  @ApiProperty({ type: RelativePositionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RelativePositionDto)
  end: RelativePositionDto;

  @ApiProperty({ example: '这里的目标可以更具体一些' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  body: string;
}

export class CreatePlanCommentReplyDto implements CreatePlanCommentReplyRequest {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  body: string;
}

export class CreatePlanVersionDto implements CreatePlanVersionRequest {
  @ApiProperty({ example: '第一次集体备课后' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name: string;
}

export class PlanChangesQueryDto {
  @ApiProperty({ description: 'The older version' })
  @IsUUID()
  from: string;

  @ApiPropertyOptional({ description: 'The newer version; omitted: the current document' })
  @IsOptional()
  @IsUUID()
  to?: string;
}

export class CreatePlanningSessionDto implements CreatePlanningSessionRequest {
  @ApiProperty()
  @IsUUID()
  planId: string;

  @ApiProperty({ example: '第三章集体备课' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  title: string;

  @ApiProperty({ example: '2026-09-08T07:30:00.000Z' })
  @IsISO8601({ strict: true })
  scheduledAt: string;

  @ApiProperty({ example: 60 })
  @IsInt()
  @Min(10)
  @Max(480)
  durationMinutes: number;

  @ApiProperty({ example: '1. 说课 2. 讨论教学过程 3. 分工修改' })
  @IsString()
  @MaxLength(4000)
  agenda: string;

  @ApiPropertyOptional({ description: 'The joint lesson this preparation is for' })
  @IsOptional()
  @IsUUID()
  jointLessonId?: string;
}

export class UpdatePlanningSessionDto implements UpdatePlanningSessionRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  scheduledAt?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(480)
  durationMinutes?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  agenda?: string;

  @ApiPropertyOptional({ description: '会议纪要' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  minutes?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsUUID()
  jointLessonId?: string | null;
}
