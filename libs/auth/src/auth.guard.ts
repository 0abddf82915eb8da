import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CommonErrors } from '@tongke/common';
import type { UserRole } from '@tongke/contracts';
import { IS_PUBLIC, ROLES } from './decorators.js';
import type { Principal } from './principal.js';
import { TokenService } from './token.service.js';

/** The principal of an `Authorization: Bearer <access JWT>` header; throws 401 otherwise. */
export function bearerPrincipal(tokens: TokenService, header: string | undefined): Principal {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  const principal = match ? tokens.verifyAccess(match[1]) : null;
  if (!principal)
    throw CommonErrors.unauthenticated(match ? 'Access token invalid or expired' : 'Authentication required');
  return principal;
}

/** Global guard: every route needs a valid access token unless marked @Public(); @Roles narrows it. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const principal = bearerPrincipal(this.tokens, req.headers.authorization);
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) throw CommonErrors.forbidden('Your role may not do this');
    return true;
  }
}
