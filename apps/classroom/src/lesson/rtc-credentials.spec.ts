import { createHmac } from 'node:crypto';
import { iceServersFor, turnCredentials } from './rtc-credentials.js';

describe('TURN REST credentials', () => {
  it('use coturn’s form: <expiry>:<user> and base64 HMAC-SHA1 of it', () => {
    const now = Date.UTC(2026, 8, 1, 0, 0, 0);
    const c = turnCredentials('turn-shared-secret-0123', 'user-1', now, 3600);
    expect(c.username).toBe(`${now / 1000 + 3600}:user-1`);
    expect(c.credential).toBe(
      createHmac('sha1', 'turn-shared-secret-0123').update(c.username).digest('base64'),
    );
    expect(c.expiresAt).toBe(now / 1000 + 3600);
  });

  it('lists STUN without credentials and TURN only when a secret is configured', () => {
    const rtc = {
      stunUrls: ['stun:stun.example.cn:3478'],
      turnUrls: ['turn:turn.example.cn:3478?transport=udp'],
    };
    expect(iceServersFor(rtc, 'u', 0)).toEqual([{ urls: ['stun:stun.example.cn:3478'] }]);
    const withTurn = iceServersFor({ ...rtc, turnSecret: 'turn-shared-secret-0123' }, 'u', 0);
    expect(withTurn[1]).toEqual({
      urls: ['turn:turn.example.cn:3478?transport=udp'],
      username: expect.stringMatching(/^\d+:u$/),
      credential: expect.any(String),
    });
  });
});
