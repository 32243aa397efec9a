import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { REDIS } from '../redis/redis.module.js';
import { AuthRateLimitGuard, AuthThrottler, RATE_LIMIT_LISTENER, type RateLimitListener } from './auth-rate-limit.guard.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { rateLimitIdentity, type RateLimitedRequest } from './rate-limit-identity.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/**
 * Two limits per window of `RATE_LIMIT_WINDOW_SECONDS` on every /auth route: `ip` (RATE_LIMIT_AUTH_PER_IP) and
 * `identity` (RATE_LIMIT_AUTH_PER_IDENTITY, only when the request names one, see rateLimitIdentity).
 * Each is one bucket across all /auth routes (the key is the throttler and the tracker, not the route), so
 * spreading requests over endpoints gains nothing. Counters live in Redis when configured, else in memory; both count a fixed window per key.
 */
function throttlerOptions(config: AppConfig, redis: Redis | null): ThrottlerModuleOptions {
  const ttl = config.rateLimit.windowSeconds * 1000;
  return {
    setHeaders: false,
    storage: redis ? new RedisThrottlerStorage(redis, config) : new MemoryThrottlerStorage(),
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      { name: 'ip', ttl, limit: config.rateLimit.authPerIp },
      {
        name: 'identity',
        ttl,
        limit: config.rateLimit.authPerIdentity,
        skipIf: (context) => rateLimitIdentity(context.switchToHttp().getRequest<RateLimitedRequest>()) === undefined,
        getTracker: (req) => rateLimitIdentity(req)!,
      },
    ],
  };
}

@Module({
  imports: [ThrottlerModule.forRootAsync({ inject: [APP_CONFIG, REDIS], useFactory: throttlerOptions })],
  providers: [
    AuthThrottler,
    { provide: APP_GUARD, useClass: AuthRateLimitGuard },
    // MetricsModule is global: rejections are counted in nsa_rate_limit_rejections_total{route}. Bound here, where
    // the listener's type is known: metrics/ sits below rate-limit/ and does not import it (docs/architecture.md).
    { provide: RATE_LIMIT_LISTENER, inject: [MetricsService], useFactory: (metrics: MetricsService): RateLimitListener => metrics },
  ],
})
export class RateLimitModule {}
