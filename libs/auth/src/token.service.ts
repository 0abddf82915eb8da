import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@tongke/config';
import type { AccessTokenClaims, Principal } from './principal.js';

/** Signs and verifies access tokens; makes opaque refresh/invite secrets and their hashes. */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;

  constructor(private readonly config: AppConfig) {
    this.jwt = new JwtService({
      // A KeyObject is imported once; a string secret is re-imported on every sign and verify.
      secret: createSecretKey(Buffer.from(config.jwt.secret, 'utf8')),
      signOptions: { algorithm: 'HS256', issuer: 'tongke' },
      verifyOptions: { algorithms: ['HS256'], issuer: 'tongke' },
    });
  }

  get accessTtlSeconds(): number {
    return this.config.jwt.accessTtlSeconds;
  }

  signAccess(p: Principal): string {
    const claims: AccessTokenClaims = {
      sub: p.userId,
      typ: 'access',
      role: p.role,
      rid: p.regionId,
      sid: p.schoolId,
      mt: p.isMasterTeacher,
      name: p.displayName,
    };
    return this.jwt.sign(claims, { expiresIn: this.config.jwt.accessTtlSeconds });
  }

  /** Returns the principal, or null for anything invalid, expired or not an access token. */
  verifyAccess(token: string): Principal | null {
    try {
      const c = this.jwt.verify<AccessTokenClaims>(token);
      if (c.typ !== 'access' || typeof c.sub !== 'string') return null;
      return {
        userId: c.sub,
        role: c.role,
        regionId: c.rid,
        schoolId: c.sid,
        isMasterTeacher: c.mt,
        displayName: c.name,
      };
    } catch {
      return null;
    }
  }

  /** Signs any other short-lived token type (e.g. lesson join tokens) with its own `typ`. */
  signTyped<T extends object>(typ: string, claims: T, expiresInSeconds: number): string {
    return this.jwt.sign({ ...claims, typ }, { expiresIn: expiresInSeconds });
  }

  verifyTyped<T extends object>(typ: string, token: string): (T & { typ: string; exp: number }) | null {
    try {
      const c = this.jwt.verify<T & { typ: string; exp: number }>(token);
      return c.typ === typ ? c : null;
    } catch {
      return null;
    }
  }

  newOpaqueSecret(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
  }

  hashSecret(secret: string): string {
    return createHash('sha256').update(secret).digest('hex');
  }
}
