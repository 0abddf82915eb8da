import { createHmac } from 'node:crypto';
import type { RtcIceServer } from '@tongke/contracts';

/** TURN credentials outlive the longest lesson; clients can ask for fresh ones with rtc:ice-servers. */
export const TURN_CREDENTIAL_TTL_SECONDS = 5 * 3600;

/**
 * coturn's REST-API form (use-auth-secret): username `<expiry-unix>:<userId>`, credential
 * base64(HMAC-SHA1(secret, username)). coturn refuses the pair after the expiry.
 */
export function turnCredentials(
  secret: string,
  userId: string,
  nowMs: number,
  ttlSeconds = TURN_CREDENTIAL_TTL_SECONDS,
): { username: string; credential: string; expiresAt: number } {
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}

export function iceServersFor(
  rtc: { stunUrls: string[]; turnUrls: string[]; turnSecret?: string },
  userId: string,
  nowMs: number,
): RtcIceServer[] {
  const servers: RtcIceServer[] = [];
  if (rtc.stunUrls.length) servers.push({ urls: [...rtc.stunUrls] });
  if (rtc.turnUrls.length && rtc.turnSecret) {
    const { username, credential } = turnCredentials(rtc.turnSecret, userId, nowMs);
    servers.push({ urls: [...rtc.turnUrls], username, credential });
  }
  return servers;
}
