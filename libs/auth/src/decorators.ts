import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { UserRole } from '@tongke/contracts';
import type { Principal } from './principal.js';

export const IS_PUBLIC = 'tongke:public';
export const ROLES = 'tongke:roles';

/** The route needs no login (login itself, health, docs). Everything else is authenticated by default. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route (scope is still checked in the service). */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!req.principal) throw new Error('CurrentUser used on a public route');
  return req.principal;
});
