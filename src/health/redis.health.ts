import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthCheckAttempt } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module.js';
import { describeCause, HEALTH_CHECK_TIMEOUT_MS } from './indicator-support.js';

/**
 * Redis answers PING, when `REDIS_URL` is configured: nonces, rate limits and session revocations live there,
 * so without it /auth requests fail (503). `enabled` is false without Redis, and the check is then not run.
 */
@Injectable()
export class RedisHealth {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  get enabled(): boolean {
    return this.redis !== null;
  }

  check(): HealthCheckAttempt<'redis'> {
    return this.indicators
      .check('redis')
      .attempt(() => this.probe())
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
  }

  private async probe(): Promise<void> {
    if (!this.redis) throw new Error('not configured');
    try {
      // The client has no offline queue: while disconnected this fails at once instead of waiting for the timeout.
      await this.redis.ping();
    } catch (error) {
      this.logger.warn(`redis check failed: ${describeCause(error)}`);
      throw new Error('unreachable', { cause: error });
    }
  }
}
