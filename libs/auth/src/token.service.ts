import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@tongke/config';
import { LRUCache } from 'lru-cache';
import type { AccessTokenClaims, Principal } from './principal.js';

/** Access tokens whose verification is remembered (a client sends the same one for its whole TTL). */
const VERIFIED_ACCESS_TOKENS = 2_048;

/** Signs and verifies access tokens; makes opaque refresh/invite secrets and their hashes. */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;
  /**
   * Recently used verified access tokens by their exact text, with their expiry: the same text
   * always has the same signature and claims, so a hit skips decoding and the HMAC but still expires.
   */
  private readonly verified = new LRUCache<string, { principal: Principal; exp: number }>({
    max: VERIFIED_ACCESS_TOKENS,
  });

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
    const hit = this.verified.get(token);
    if (hit !== undefined) {
      // jsonwebtoken's rule: expired once the clock reaches exp.
      if (Math.floor(Date.now() / 1000) < hit.exp) return { ...hit.principal };
      this.verified.delete(token);
      return null;
    }
    try {
      const c = this.jwt.verify<AccessTokenClaims & { exp?: number }>(token);
      if (c.typ !== 'access' || typeof c.sub !== 'string') return null;
      const principal: Principal = {
        userId: c.sub,
        role: c.role,
        regionId: c.rid,
        schoolId: c.sid,
        isMasterTeacher: c.mt,
        displayName: c.name,
      };
      if (typeof c.exp === 'number') this.verified.set(token, { principal, exp: c.exp });
      return { ...principal };
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
