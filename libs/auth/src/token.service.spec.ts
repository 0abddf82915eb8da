import { jest } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '@tongke/config';
import type { Principal } from './principal.js';
import { TokenService } from './token.service.js';

const config = {
  jwt: { secret: 'token-spec-secret-token-spec-secret-0123', accessTtlSeconds: 60 },
} as unknown as AppConfig;

const teacher: Principal = {
  userId: 'u1',
  role: 'teacher',
  regionId: 'r1',
  schoolId: 's1',
  isMasterTeacher: false,
  displayName: '教师',
};

describe('TokenService.verifyAccess', () => {
  afterEach(() => jest.useRealTimers());

  it('remembers a verified token but still expires it, and never hands out the remembered object', () => {
    jest.useFakeTimers({ now: new Date('2026-12-07T00:00:00Z') });
    const tokens = new TokenService(config);
    const token = tokens.signAccess(teacher);
    const first = tokens.verifyAccess(token);
    expect(first).toEqual(teacher);
    if (first) first.role = 'platform_admin';
    expect(tokens.verifyAccess(token)).toEqual(teacher);
    jest.setSystemTime(new Date('2026-12-07T00:00:59Z'));
    expect(tokens.verifyAccess(token)).toEqual(teacher);
    jest.setSystemTime(new Date('2026-12-07T00:01:00Z'));
    expect(tokens.verifyAccess(token)).toBeNull();
    expect(tokens.verifyAccess(token)).toBeNull();
  });

  it('rejects a token whose signature does not match, even after the genuine one was verified', () => {
    const tokens = new TokenService(config);
    const token = tokens.signAccess(teacher);
    expect(tokens.verifyAccess(token)).not.toBeNull();
    const [head, payload, signature] = token.split('.');
    const forged = `${head}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(tokens.verifyAccess(forged)).toBeNull();
    expect(tokens.verifyAccess(`${token}x`)).toBeNull();
  });

  it('remembers the 2,048 most recently used tokens: the least recently used one is verified again', () => {
    const tokens = new TokenService(config);
    const signed = Array.from({ length: 2_049 }, (_, i) =>
      tokens.signAccess({ ...teacher, userId: `u${i}` }),
    );
    const verify = jest.spyOn(JwtService.prototype, 'verify');
    try {
      for (const token of signed.slice(0, 2_048)) tokens.verifyAccess(token);
      // A use keeps the first token; the second is now the least recently used.
      expect(tokens.verifyAccess(signed[0])).toMatchObject({ userId: 'u0' });
      verify.mockClear();
      tokens.verifyAccess(signed[2_048]);
      expect(tokens.verifyAccess(signed[0])).toMatchObject({ userId: 'u0' });
      expect(verify).toHaveBeenCalledTimes(1);
      expect(tokens.verifyAccess(signed[1])).toMatchObject({ userId: 'u1' });
      expect(verify).toHaveBeenCalledTimes(2);
    } finally {
      verify.mockRestore();
    }
  });
});
