import { Injectable, type CanActivate, type ExecutionContext, type OnModuleDestroy } from '@nestjs/common';
import { CommonErrors } from '@tongke/common';
import { AppConfig } from '@tongke/config';
import { pathOf, type HttpReply, type HttpRequest } from '../common/http.js';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { createClient, type RedisClientType } from 'redis';

/**
 * Throttles the credential endpoints per client address and account, so a guessing attack on
 * one account is slowed without locking a whole school (one NAT address) out. Shared through
 * Redis when REDIS_URL is set, so several API instances count together.
 */
@Injectable()
export class LoginRateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis?: RedisClientType;

  constructor(config: AppConfig) {
    const opts = {
      keyPrefix: 'tongke:login',
      points: config.loginThrottle.limit,
      duration: config.loginThrottle.ttlSeconds,
    };
    if (config.redisUrl) {
      this.redis = createClient({ url: config.redisUrl });
      this.redis.on('error', () => undefined);
      void this.redis.connect().catch(() => undefined);
      this.limiter = new RateLimiterRedis({
        ...opts,
        storeClient: this.redis,
        useRedisPackage: true,
        insuranceLimiter: new RateLimiterMemory(opts),
      });
    } else {
      this.limiter = new RateLimiterMemory(opts);
    }
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<HttpRequest>();
    const reply = ctx.switchToHttp().getResponse<HttpReply>();
    const body = (req.body ?? {}) as { identifier?: unknown };
    const who =
      typeof body.identifier === 'string' ? body.identifier.trim().toLowerCase().slice(0, 254) : pathOf(req);
    try {
      await this.limiter.consume(`${req.ip}|${who}`);
      return true;
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        reply.header('Retry-After', String(Math.ceil(e.msBeforeNext / 1000)));
        throw CommonErrors.tooManyRequests('Too many attempts: wait a minute and try again');
      }
      throw e;
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis?.isOpen) await this.redis.quit().catch(() => undefined);
  }
}
