import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CurrentUser, Roles, type Principal } from '@tongke/auth';
import {
  CreatePairingDto,
  EndPairingDto,
  PAIRING_STATUSES,
  type PairingDto,
  type PairingTeacherDto,
  type PairingStatus,
} from '@tongke/contracts';
import { PairingsService } from './pairings.service.js';

class PairingListQueryDto {
  @IsOptional()
  @IsIn(PAIRING_STATUSES)
  status?: PairingStatus;
}

@ApiTags('pairings')
@ApiBearerAuth()
@Controller('pairings')
export class PairingsController {
  constructor(private readonly pairings: PairingsService) {}

  @Get()
  list(@CurrentUser() me: Principal, @Query() q: PairingListQueryDto): Promise<PairingDto[]> {
    return this.pairings.list(me, q);
  }

  @Get(':id')
  get(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PairingDto> {
    return this.pairings.get(me, id);
  }

  /** The partner schools' teachers (names only), for choosing a joint lesson's co-teachers. */
  @Get(':id/teachers')
  teachers(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PairingTeacherDto[]> {
    return this.pairings.partnerTeachers(me, id);
  }

  @Roles('platform_admin', 'district_admin')
  @Post()
  create(@CurrentUser() me: Principal, @Body() dto: CreatePairingDto): Promise<PairingDto> {
    return this.pairings.create(me, dto);
  }

  @Roles('platform_admin', 'district_admin')
  @Post(':id/activate')
  @HttpCode(200)
  activate(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PairingDto> {
    return this.pairings.activate(me, id);
  }

  @Roles('platform_admin', 'district_admin')
  @Post(':id/end')
  @HttpCode(200)
  end(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: EndPairingDto,
  ): Promise<PairingDto> {
    return this.pairings.end(me, id, dto.reason);
  }
}
