import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type Principal } from '@tongke/auth';
import {
  CreateClassroomDto,
  CreateRegionDto,
  CreateSchoolDto,
  SCHOOL_LOCALES,
  UpdateSchoolDto,
  type ClassroomDto,
  type RegionDto,
  type SchoolDto,
} from '@tongke/contracts';
import { SchoolsService } from './schools.service.js';
import { SchoolListQueryDto } from './dto/school-list-query.dto.js';

@ApiTags('schools')
@ApiBearerAuth()
@Controller()
export class SchoolsController {
  constructor(private readonly schools: SchoolsService) {}

  @Get('regions')
  listRegions(@CurrentUser() me: Principal): Promise<RegionDto[]> {
    return this.schools.listRegions(me);
  }

  @Roles('platform_admin')
  @Post('regions')
  createRegion(@CurrentUser() me: Principal, @Body() dto: CreateRegionDto): Promise<RegionDto> {
    return this.schools.createRegion(me, dto.name, dto.code);
  }

  @ApiQuery({ name: 'locale', required: false, enum: SCHOOL_LOCALES })
  @Get('schools')
  list(@CurrentUser() me: Principal, @Query() q: SchoolListQueryDto): Promise<SchoolDto[]> {
    return this.schools.list(me, q);
  }

  @Roles('platform_admin', 'district_admin')
  @Post('schools')
  create(@CurrentUser() me: Principal, @Body() dto: CreateSchoolDto): Promise<SchoolDto> {
    return this.schools.create(me, dto);
  }

  @Get('schools/:id')
  get(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<SchoolDto> {
    return this.schools.get(me, id);
  }

  @Roles('platform_admin', 'district_admin', 'school_admin')
  @Patch('schools/:id')
  update(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateSchoolDto,
  ): Promise<SchoolDto> {
    return this.schools.update(me, id, dto);
  }

  @Get('schools/:id/classrooms')
  classrooms(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ClassroomDto[]> {
    return this.schools.listClassrooms(me, id);
  }

  @Roles('platform_admin', 'district_admin', 'school_admin')
  @Post('schools/:id/classrooms')
  createClassroom(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateClassroomDto,
  ): Promise<ClassroomDto> {
    return this.schools.createClassroom(me, id, dto);
  }
}
