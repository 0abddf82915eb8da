import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  LESSON_ATTACHMENT_KINDS,
  LESSON_ROLES,
  LESSON_SCHEDULE_LIMITS as L,
  type CancelLessonRequest,
  type CreateLessonRequest,
  type CreateLessonSeriesRequest,
  type LessonAttachment,
  type LessonAttachmentKind,
  type LessonClassroomAssignment,
  type LessonJoinTokenRequest,
  type LessonListQuery,
  type LessonRole,
  type LessonWeeklyRule,
  type UpdateLessonRequest,
} from '../api/lessons.js';

// The server index exports the lessons API types and constants through this file (one line there).
export * from '../api/lessons.js';

export class LessonAttachmentDto implements LessonAttachment {
  @ApiProperty({ enum: LESSON_ATTACHMENT_KINDS })
  @IsIn(LESSON_ATTACHMENT_KINDS)
  kind: LessonAttachmentKind;

  @ApiProperty({ description: 'Library resource or lesson pack id' })
  @IsUUID()
  id: string;

  @ApiProperty({ example: '一元一次方程 课件' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;
}

export class LessonClassroomAssignmentDto implements LessonClassroomAssignment {
  @ApiProperty()
  @IsUUID()
  classroomId: string;

  @ApiProperty({
    isArray: true,
    type: String,
    description: 'Teachers of the classroom’s school who act for the class (助教)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.maxCoTeachersPerClassroom)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  coTeacherIds: string[];
}

class LessonFieldsDto {
  @ApiProperty()
  @IsUUID()
  pairingId: string;

  @ApiProperty({ example: '一元一次方程（第1课时）' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  title: string;

  @ApiProperty({ example: 'math' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  subject: string;

  @ApiPropertyOptional({ description: 'Defaults to the pairing’s master teacher' })
  @IsOptional()
  @IsUUID()
  hostId?: string;

  @ApiProperty({ type: [LessonClassroomAssignmentDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.maxClassrooms)
  @ValidateNested({ each: true })
  @Type(() => LessonClassroomAssignmentDto)
  classrooms: LessonClassroomAssignmentDto[];

  @ApiPropertyOptional({ isArray: true, type: String, description: 'E.g. the teaching-research group' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.maxObservers)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  observerIds?: string[];

  @ApiPropertyOptional({ type: [LessonAttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.maxAttachments)
  @ValidateNested({ each: true })
  @Type(() => LessonAttachmentDto)
  attachments?: LessonAttachmentDto[];
}

export class CreateLessonDto extends LessonFieldsDto implements CreateLessonRequest {
  @ApiProperty({ example: '2026-09-07T08:00:00+08:00' })
  @IsISO8601({ strict: true })
  startsAt: string;

  @ApiProperty({ example: '2026-09-07T08:45:00+08:00' })
  @IsISO8601({ strict: true })
  endsAt: string;
}

export class LessonWeeklyRuleDto implements LessonWeeklyRule {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday: number;

  @ApiProperty({ example: '08:00' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'startTime must be HH:MM' })
  startTime: string;

  @ApiProperty({ example: 45 })
  @IsInt()
  @Min(L.minMinutes)
  @Max(L.maxMinutes)
  durationMinutes: number;

  @ApiProperty({ example: '2026-09-01' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'fromDate must be YYYY-MM-DD' })
  fromDate: string;

  @ApiProperty({ example: '2027-01-15' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'untilDate must be YYYY-MM-DD' })
  untilDate: string;

  @ApiPropertyOptional({ example: 'Asia/Shanghai' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

export class CreateLessonSeriesDto extends LessonFieldsDto implements CreateLessonSeriesRequest {
  @ApiProperty({ type: LessonWeeklyRuleDto })
  @ValidateNested()
  @Type(() => LessonWeeklyRuleDto)
  rule: LessonWeeklyRuleDto;
}

export class UpdateLessonDto implements UpdateLessonRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  startsAt?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  endsAt?: string;

  @ApiPropertyOptional({ isArray: true, type: String })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.maxObservers)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  observerIds?: string[];

  @ApiPropertyOptional({ type: [LessonAttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.maxAttachments)
  @ValidateNested({ each: true })
  @Type(() => LessonAttachmentDto)
  attachments?: LessonAttachmentDto[];
}

export class CancelLessonDto implements CancelLessonRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export class LessonListQueryDto implements LessonListQuery {
  @ApiProperty({ example: '2026-09-01T00:00:00+08:00' })
  @IsISO8601({ strict: true })
  from: string;

  @ApiProperty({ example: '2026-09-08T00:00:00+08:00' })
  @IsISO8601({ strict: true })
  to: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  pairingId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeCancelled?: boolean;
}

export class LessonJoinTokenDto implements LessonJoinTokenRequest {
  @ApiProperty({ enum: LESSON_ROLES })
  @IsIn(LESSON_ROLES)
  role: LessonRole;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  classroomId?: string;
}

export class LessonTimelineQueryDto {
  @ApiPropertyOptional({ description: 'Return events after this seq' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterSeq?: number;

  @ApiPropertyOptional({ default: 200, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
