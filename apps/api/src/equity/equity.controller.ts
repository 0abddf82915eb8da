import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@tongke/auth';
import { contentDisposition } from '@tongke/files';
import {
  EQUITY_STAGES,
  type EquityDistrictOverviewDto,
  type EquityMyActivityDto,
  type EquityPairingDetailDto,
  type EquityQuery,
  type EquitySchoolDetailDto,
  type EquityStage,
} from '@tongke/contracts';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { HttpReply } from '../common/http.js';
import { myCsv, overviewCsv, pairingCsv, schoolCsv, type CsvFile } from './equity-csv.js';
import { EquityService } from './equity.service.js';

class EquityQueryDto implements EquityQuery {
  @ApiPropertyOptional({
    example: '2026-09',
    description: 'A month (2026-09) or a term (2026-autumn, 2027-spring); default: this month',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  period?: string;

  @ApiPropertyOptional({ enum: EQUITY_STAGES, description: 'District overview only; default primary' })
  @IsOptional()
  @IsIn(EQUITY_STAGES)
  stage?: EquityStage;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv: a UTF-8 (with BOM) CSV download' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/** JSON, or the CSV rendering when ?format=csv. */
function answer<T>(res: HttpReply, q: EquityQueryDto, data: T, csv: (d: T) => CsvFile): T | string {
  if (q.format !== 'csv') return data;
  const file = csv(data);
  res.header('Content-Type', 'text/csv; charset=utf-8');
  res.header('Content-Disposition', contentDisposition(file.fileName));
  return file.body;
}

@ApiTags('equity')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@Controller('equity')
export class EquityController {
  constructor(private readonly equity: EquityService) {}

  @Get('districts/:regionId/overview')
  @ApiOperation({
    summary: 'District equity overview: indicators per school, weighted CV, gap, trend (district admins)',
  })
  @ApiOkResponse({ description: 'EquityDistrictOverviewDto, or CSV with ?format=csv' })
  async overview(
    @CurrentUser() me: Principal,
    @Param('regionId', ParseUUIDPipe) regionId: string,
    @Query() q: EquityQueryDto,
    @Res({ passthrough: true }) res: HttpReply,
  ): Promise<EquityDistrictOverviewDto | string> {
    return answer(res, q, await this.equity.overview(me, regionId, q), overviewCsv);
  }

  @Get('schools/:id')
  @ApiOperation({
    summary: 'One school’s indicators, activity, lessons and classroom attendance (its admins, its district)',
  })
  @ApiOkResponse({ description: 'EquitySchoolDetailDto, or CSV with ?format=csv' })
  async school(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: EquityQueryDto,
    @Res({ passthrough: true }) res: HttpReply,
  ): Promise<EquitySchoolDetailDto | string> {
    return answer(res, q, await this.equity.school(me, id, q), schoolCsv);
  }

  @Get('pairings/:id')
  @ApiOperation({
    summary:
      'A pairing: lessons held vs scheduled, hours, attendance per classroom, materials the rural side used',
  })
  @ApiOkResponse({ description: 'EquityPairingDetailDto, or CSV with ?format=csv' })
  async pairing(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: EquityQueryDto,
    @Res({ passthrough: true }) res: HttpReply,
  ): Promise<EquityPairingDetailDto | string> {
    return answer(res, q, await this.equity.pairing(me, id, q), pairingCsv);
  }

  @Get('me')
  @ApiOperation({ summary: 'My own activity (any signed-in user)' })
  @ApiOkResponse({ description: 'EquityMyActivityDto, or CSV with ?format=csv' })
  async me(
    @CurrentUser() me: Principal,
    @Query() q: EquityQueryDto,
    @Res({ passthrough: true }) res: HttpReply,
  ): Promise<EquityMyActivityDto | string> {
    return answer(res, q, await this.equity.me(me, q), myCsv);
  }
}
