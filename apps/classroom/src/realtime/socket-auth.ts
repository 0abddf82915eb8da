import type { Principal, TokenService } from '@tongke/auth';
import type { Socket } from 'socket.io';

export interface AuthedSocketData {
  principal: Principal;
}

/** Handshake middleware: a socket exists only with a valid access token in `auth.token`. */
export function socketAuthMiddleware(tokens: TokenService) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    const auth = socket.handshake.auth as { token?: unknown };
    const token = typeof auth.token === 'string' ? auth.token : undefined;
    const principal = token ? tokens.verifyAccess(token) : null;
    if (!principal) {
      const err = new Error('UNAUTHENTICATED') as Error & { data?: unknown };
      err.data = { code: 'UNAUTHENTICATED', message: 'A valid access token is required' };
      return next(err);
    }
    (socket.data as AuthedSocketData).principal = principal;
    next();
  };
}
