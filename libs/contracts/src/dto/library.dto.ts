import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  LIBRARY_LIMITS as L,
  RESOURCE_LIST_SCOPES,
  RESOURCE_SORTS,
  RESOURCE_STATUSES,
  RESOURCE_VISIBILITIES,
  type CreateLessonPackRequest,
  type CreateResourceRequest,
  type CreateVersionRequest,
  type RateResourceRequest,
  type RejectResourceRequest,
  type RemixResourceRequest,
  type ResourceListQuery,
  type ResourceListScope,
  type ResourceSort,
  type ResourceStatus,
  type ResourceVisibility,
  type SetLessonPackItemsRequest,
  type SubmitResourceRequest,
  type UpdateLessonPackRequest,
  type UpdateResourceRequest,
  type WithdrawResourceRequest,
} from '../api/library.js';
import {
  EDITION_CODES,
  LICENSE_CODES,
  RESOURCE_TYPE_CODES,
  STAGE_CODES,
  SUBJECT_CODES,
  VOLUME_CODES,
} from '../taxonomy.js';

export * from '../api/library.js';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);
const trimAll = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? (value as unknown[]).map((v) => (typeof v === 'string' ? v.trim() : v)) : value;

export class CreateResourceDto implements CreateResourceRequest {
  @ApiProperty({ example: '一元一次方程 第1课时 教学设计' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(L.titleMax)
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(L.descriptionMax)
  description?: string;

  @ApiProperty({ example: 'math', enum: SUBJECT_CODES })
  @IsIn(SUBJECT_CODES)
  subject: string;

  @ApiProperty({ example: 'junior', enum: STAGE_CODES })
  @IsIn(STAGE_CODES)
  stage: string;

  @ApiProperty({ example: '七年级', description: 'Grade label of the stage (taxonomy)' })
  @IsString()
  @MaxLength(16)
  grade: string;

  @ApiProperty({ example: 'pep', enum: EDITION_CODES })
  @IsIn(EDITION_CODES)
  edition: string;

  @ApiProperty({ example: 'first', enum: VOLUME_CODES })
  @IsIn(VOLUME_CODES)
  volume: string;

  @ApiPropertyOptional({ example: '第三单元 一元一次方程' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(L.unitMax)
  unit?: string;

  @ApiPropertyOptional({ example: 1, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(L.lessonPeriodMax)
  lessonPeriod?: number | null;

  @ApiProperty({ example: 'lesson_plan', enum: RESOURCE_TYPE_CODES })
  @IsIn(RESOURCE_TYPE_CODES)
  resourceType: string;

  @ApiPropertyOptional({ isArray: true, type: String, example: ['方程', '移项'] })
  @IsOptional()
  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(L.tagsMax)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(L.tagMax, { each: true })
  tags?: string[];

  @ApiProperty({ example: 'cc-by-4.0', enum: LICENSE_CODES })
  @IsIn(LICENSE_CODES)
  license: string;

  @ApiPropertyOptional({ enum: RESOURCE_VISIBILITIES, default: 'school' })
  @IsOptional()
  @IsIn(RESOURCE_VISIBILITIES)
  visibility?: ResourceVisibility;
}

export class UpdateResourceDto implements UpdateResourceRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(L.titleMax)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(L.descriptionMax)
  description?: string;

  @ApiPropertyOptional({ enum: SUBJECT_CODES })
  @IsOptional()
  @IsIn(SUBJECT_CODES)
  subject?: string;

  @ApiPropertyOptional({ enum: STAGE_CODES })
  @IsOptional()
  @IsIn(STAGE_CODES)
  stage?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(16)
  grade?: string;

  @ApiPropertyOptional({ enum: EDITION_CODES })
  @IsOptional()
  @IsIn(EDITION_CODES)
  edition?: string;

  @ApiPropertyOptional({ enum: VOLUME_CODES })
  @IsOptional()
  @IsIn(VOLUME_CODES)
  volume?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(L.unitMax)
  unit?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(L.lessonPeriodMax)
  lessonPeriod?: number | null;

  @ApiPropertyOptional({ enum: RESOURCE_TYPE_CODES })
  @IsOptional()
  @IsIn(RESOURCE_TYPE_CODES)
  resourceType?: string;

  @ApiPropertyOptional({ isArray: true, type: String })
  @IsOptional()
  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(L.tagsMax)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(L.tagMax, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ enum: LICENSE_CODES })
  @IsOptional()
  @IsIn(LICENSE_CODES)
  license?: string;
}

export class SubmitResourceDto implements SubmitResourceRequest {
  @ApiProperty({ enum: RESOURCE_VISIBILITIES })
  @IsIn(RESOURCE_VISIBILITIES)
  visibility: ResourceVisibility;
}

export class RejectResourceDto implements RejectResourceRequest {
  @ApiProperty({ example: '请补充教学目标' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(L.reasonMax)
  reason: string;
}

export class WithdrawResourceDto implements WithdrawResourceRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(L.reasonMax)
  reason?: string;
}

export class CreateVersionDto implements CreateVersionRequest {
  @ApiProperty({ example: '修改了例题' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(L.noteMax)
  note: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  copyFiles?: boolean;
}

export class RemixResourceDto implements RemixResourceRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(L.titleMax)
  title?: string;
}

export class RateResourceDto implements RateResourceRequest {
  @ApiProperty({ minimum: 1, maximum: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  stars: number;
}

export class ResourceListQueryDto implements ResourceListQuery {
  @ApiPropertyOptional({ enum: RESOURCE_LIST_SCOPES, default: 'visible' })
  @IsOptional()
  @IsIn(RESOURCE_LIST_SCOPES)
  scope?: ResourceListScope;

  @ApiPropertyOptional({ enum: RESOURCE_STATUSES })
  @IsOptional()
  @IsIn(RESOURCE_STATUSES)
  status?: ResourceStatus;

  @ApiPropertyOptional({ enum: SUBJECT_CODES })
  @IsOptional()
  @IsIn(SUBJECT_CODES)
  subject?: string;

  @ApiPropertyOptional({ enum: STAGE_CODES })
  @IsOptional()
  @IsIn(STAGE_CODES)
  stage?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(16)
  grade?: string;

  @ApiPropertyOptional({ enum: EDITION_CODES })
  @IsOptional()
  @IsIn(EDITION_CODES)
  edition?: string;

  @ApiPropertyOptional({ enum: VOLUME_CODES })
  @IsOptional()
  @IsIn(VOLUME_CODES)
  volume?: string;

  @ApiPropertyOptional({ enum: RESOURCE_TYPE_CODES })
  @IsOptional()
  @IsIn(RESOURCE_TYPE_CODES)
  resourceType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: RESOURCE_SORTS, default: 'newest' })
  @IsOptional()
  @IsIn(RESOURCE_SORTS)
  sort?: ResourceSort;

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  page?: number;

  @ApiPropertyOptional({ default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(L.pageSizeMax)
  pageSize?: number;
}

export class CreateLessonPackDto implements CreateLessonPackRequest {
  @ApiProperty({ example: '七年级上册 一元一次方程 第1课时' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(L.packTitleMax)
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(L.descriptionMax)
  description?: string;

  @ApiPropertyOptional({ enum: RESOURCE_VISIBILITIES, default: 'private' })
  @IsOptional()
  @IsIn(RESOURCE_VISIBILITIES)
  visibility?: ResourceVisibility;

  @ApiPropertyOptional({ isArray: true, type: String })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.packItemsMax)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  resourceIds?: string[];
}

export class UpdateLessonPackDto implements UpdateLessonPackRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(L.packTitleMax)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(L.descriptionMax)
  description?: string;

  @ApiPropertyOptional({ enum: RESOURCE_VISIBILITIES })
  @IsOptional()
  @IsIn(RESOURCE_VISIBILITIES)
  visibility?: ResourceVisibility;
}

export class SetLessonPackItemsDto implements SetLessonPackItemsRequest {
  @ApiProperty({ isArray: true, type: String })
  @IsArray()
  @ArrayMaxSize(L.packItemsMax)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  resourceIds: string[];
}
