import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { TERM_PATTERN } from '../api/constants.js';
import type { CreatePairingRequest, EndPairingRequest } from '../api/types.js';

export class CreatePairingDto implements CreatePairingRequest {
  @ApiProperty()
  @IsUUID()
  urbanSchoolId: string;

  @ApiProperty({ isArray: true, type: String })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  partnerSchoolIds: string[];

  @ApiProperty()
  @IsUUID()
  masterTeacherId: string;

  @ApiProperty({ isArray: true, type: String })
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  classroomIds: string[];

  @ApiProperty({ example: '2026-2027-1' })
  @Matches(TERM_PATTERN, { message: 'term must look like 2026-2027-1 (school year and term 1 or 2)' })
  term: string;

  @ApiProperty({ example: ['math'], isArray: true, type: String })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(15)
  @ArrayUnique()
  @IsString({ each: true })
  subjects: string[];
}

export class EndPairingDto implements EndPairingRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
