import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  SEARCH_LIMITS as L,
  SEARCH_SORTS,
  type SearchRequest,
  type SearchSortOrder,
  type SearchSuggestRequest,
} from '../api/search.js';
import {
  EDITION_CODES,
  LICENSE_CODES,
  RESOURCE_TYPE_CODES,
  STAGE_CODES,
  SUBJECT_CODES,
  TAXONOMY,
  VOLUME_CODES,
} from '../taxonomy.js';

export * from '../api/search.js';

const GRADES: string[] = TAXONOMY.stages.flatMap((s) => [...s.grades]);
const LOCALES: string[] = TAXONOMY.schoolLocales.map((l) => l.code);

/** Repeated parameters and comma lists alike become one list of trimmed, distinct values. */
const toList = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === null) return undefined;
  const parts = (Array.isArray(value) ? (value as unknown[]) : [value]).flatMap((v) =>
    typeof v === 'string' ? v.split(/[,，]/) : [v],
  );
  const cleaned = parts.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
  return [...new Set(cleaned)];
};
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

function FacetValues(codes: readonly string[], example: string): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: [String], enum: codes, example: [example] })(target, key);
    IsOptional()(target, key);
    Transform(toList)(target, key);
    IsArray()(target, key);
    ArrayMaxSize(L.valuesPerFacetMax)(target, key);
    IsIn(codes, { each: true })(target, key);
  };
}

export class SearchQueryDto implements SearchRequest {
  @ApiPropertyOptional({ example: '七年级 一元一次方程 教案', maxLength: L.queryMax })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(L.queryMax)
  q?: string;

  @FacetValues(SUBJECT_CODES, 'math')
  subject?: string[];

  @FacetValues(STAGE_CODES, 'junior')
  stage?: string[];

  @FacetValues(GRADES, '七年级')
  grade?: string[];

  @FacetValues(EDITION_CODES, 'pep')
  edition?: string[];

  @FacetValues(VOLUME_CODES, 'first')
  volume?: string[];

  @FacetValues(RESOURCE_TYPE_CODES, 'lesson_plan')
  resourceType?: string[];

  @FacetValues(LICENSE_CODES, 'cc-by-4.0')
  license?: string[];

  @FacetValues(LOCALES, 'rural')
  schoolLocale?: string[];

  @ApiPropertyOptional({ enum: SEARCH_SORTS, description: 'Default: relevance with words, newest without' })
  @IsOptional()
  @IsIn(SEARCH_SORTS)
  sort?: SearchSortOrder;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(L.resultWindow)
  page?: number;

  @ApiPropertyOptional({ default: L.pageSizeDefault, minimum: 1, maximum: L.pageSizeMax })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(L.pageSizeMax)
  pageSize?: number;
}

export class SearchSuggestQueryDto implements SearchSuggestRequest {
  @ApiProperty({ example: 'yiyuan', maxLength: L.suggestQueryMax })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(L.suggestQueryMax)
  q: string;

  @ApiPropertyOptional({ default: 8, minimum: 1, maximum: L.suggestLimitMax })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(L.suggestLimitMax)
  limit?: number;
}
