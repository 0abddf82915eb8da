import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type Principal } from '@tongke/auth';
import { CreateInviteDto, UpdateTeacherDto, type InviteDto, type UserDto } from '@tongke/contracts';
import { UsersService } from './users.service.js';

@ApiTags('teachers')
@ApiBearerAuth()
@Controller()
export class TeachersController {
  constructor(private readonly users: UsersService) {}

  @Roles('platform_admin', 'district_admin', 'school_admin')
  @Get('schools/:id/staff')
  staff(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<UserDto[]> {
    return this.users.listStaff(me, id);
  }

  @Get('schools/:id/master-teachers')
  masterTeachers(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<UserDto[]> {
    return this.users.listMasterTeachers(me, id);
  }

  @Roles('platform_admin', 'district_admin', 'school_admin')
  @Patch('users/:id')
  update(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateTeacherDto,
  ): Promise<UserDto> {
    return this.users.updateTeacher(me, id, dto);
  }

  @Roles('platform_admin', 'district_admin', 'school_admin')
  @Post('schools/:id/invites')
  createInvite(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateInviteDto,
  ): Promise<InviteDto> {
    return this.users.createInvite(me, id, dto);
  }

  @Roles('platform_admin')
  @Post('regions/:id/invites')
  createDistrictAdminInvite(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateInviteDto,
  ): Promise<InviteDto> {
    return this.users.createDistrictAdminInvite(me, id, dto.note);
  }

  @Roles('platform_admin', 'district_admin', 'school_admin')
  @Get('schools/:id/invites')
  invites(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<InviteDto[]> {
    return this.users.listInvites(me, id);
  }

  @Roles('platform_admin', 'district_admin', 'school_admin')
  @Delete('invites/:id')
  @HttpCode(204)
  revokeInvite(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.users.revokeInvite(me, id);
  }
}
