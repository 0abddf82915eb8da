import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  CLASSROOM_KINDS,
  SCHOOL_LOCALES,
  STAGES,
  type ClassroomKind,
  type SchoolLocale,
  type Stage,
} from '../api/constants.js';
import type {
  CreateClassroomRequest,
  CreateInviteRequest,
  CreateSchoolRequest,
  UpdateSchoolRequest,
  UpdateTeacherRequest,
} from '../api/types.js';

export class CreateSchoolDto implements CreateSchoolRequest {
  @ApiPropertyOptional({
    description: 'Required for platform admins; district admins create in their region',
  })
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @ApiProperty({ example: '青山镇中心小学' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name: string;

  @ApiProperty({ enum: SCHOOL_LOCALES })
  @IsIn(SCHOOL_LOCALES)
  locale: SchoolLocale;

  @ApiProperty({ enum: STAGES, isArray: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(STAGES, { each: true })
  stages: Stage[];

  @ApiProperty()
  @IsInt()
  @Min(0)
  @Max(100000)
  enrolment: number;
}

export class UpdateSchoolDto implements UpdateSchoolRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name?: string;

  @ApiPropertyOptional({ enum: SCHOOL_LOCALES })
  @IsOptional()
  @IsIn(SCHOOL_LOCALES)
  locale?: SchoolLocale;

  @ApiPropertyOptional({ enum: STAGES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(STAGES, { each: true })
  stages?: Stage[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  enrolment?: number;
}

export class CreateClassroomDto implements CreateClassroomRequest {
  @ApiProperty({ example: '四年级(1)班' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name: string;

  @ApiProperty({ enum: CLASSROOM_KINDS })
  @IsIn(CLASSROOM_KINDS)
  kind: ClassroomKind;

  @ApiPropertyOptional({ example: '四年级' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  grade?: string;
}

export class CreateInviteDto implements CreateInviteRequest {
  @ApiPropertyOptional({ enum: ['teacher', 'school_admin'] })
  @IsOptional()
  @IsIn(['teacher', 'school_admin'])
  role?: 'teacher' | 'school_admin';

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isMasterTeacher?: boolean;

  @ApiPropertyOptional({ example: '数学组新教师' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  note?: string;
}

export class UpdateTeacherDto implements UpdateTeacherRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isMasterTeacher?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ isArray: true, type: String })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(15)
  @IsString({ each: true })
  subjects?: string[];
}

export class CreateRegionDto {
  @ApiProperty({ example: '青山县' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name: string;

  @ApiProperty({ example: '510123' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code: string;
}
