import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { PasswordHasher } from './password-hasher.js';
import { TokenService } from './token.service.js';

@Global()
@Module({
  providers: [TokenService, PasswordHasher, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService, PasswordHasher],
})
export class AuthModule {}

/** For apps that verify tokens but do not guard HTTP routes globally (the classroom service). */
@Global()
@Module({ providers: [TokenService], exports: [TokenService] })
export class TokenModule {}
