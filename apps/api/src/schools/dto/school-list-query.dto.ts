import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { SCHOOL_LOCALES, type SchoolLocale } from '@tongke/contracts';

export class SchoolListQueryDto {
  @IsOptional()
  @IsIn(SCHOOL_LOCALES)
  locale?: SchoolLocale;

  @IsOptional()
  @IsUUID()
  regionId?: string;
}
