import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, type Principal } from '@tongke/auth';
import {
  AcceptInviteDto,
  ChangePasswordDto,
  LoginDto,
  RefreshDto,
  type LoginResponse,
  type UserDto,
} from '@tongke/contracts';
import { AuthService } from './auth.service.js';
import { LoginRateLimitGuard } from './login-rate-limit.guard.js';
import { UsersService } from '../teachers/users.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @UseGuards(LoginRateLimitGuard)
  @Post('login')
  @HttpCode(200)
  login(@Body() dto: LoginDto): Promise<LoginResponse> {
    return this.auth.login(dto);
  }

  @Public()
  @UseGuards(LoginRateLimitGuard)
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() dto: RefreshDto): Promise<LoginResponse> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Public()
  @UseGuards(LoginRateLimitGuard)
  @Post('accept-invite')
  acceptInvite(@Body() dto: AcceptInviteDto): Promise<LoginResponse> {
    return this.auth.acceptInvite(dto);
  }

  /** The refresh token itself is the proof: an expired access token must not stop a logout. */
  @Public()
  @UseGuards(LoginRateLimitGuard)
  @Post('logout')
  @HttpCode(204)
  logout(@Body() dto: RefreshDto): Promise<void> {
    return this.auth.logout(dto.refreshToken);
  }

  @ApiBearerAuth()
  @Post('change-password')
  @HttpCode(200)
  changePassword(@CurrentUser() me: Principal, @Body() dto: ChangePasswordDto): Promise<LoginResponse> {
    return this.auth.changePassword(me, dto);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() me: Principal): Promise<UserDto> {
    return this.users.me(me);
  }
}
