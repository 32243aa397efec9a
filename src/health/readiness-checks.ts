import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { DataSource, MigrationExecutor } from 'typeorm';
import { REDIS } from '../redis/redis.module.js';

/**
 * Every readiness check gives up after this long and reports the part as down: a probe must answer well within
 * an orchestrator's own probe timeout, and a hung dependency is as unready as a dead one.
 */
const HEALTH_CHECK_TIMEOUT_MS = 1000;

/**
 * What a request needs, as terminus checks: the database answers and its schema is the one this build expects (no
 * pending migration: an instance that starts against an unmigrated database, production does not migrate on start,
 * must not take traffic); and Redis answers PING when `REDIS_URL` is configured (nonces, rate limits and session
 * revocations live there, so without it /auth requests fail with 503). Failures are logged here, with their causes.
 */
@Injectable()
export class ReadinessChecks {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  list(): HealthIndicatorFunction[] {
    const checks: HealthIndicatorFunction[] = [() => this.check('database', () => this.migrated())];
    const redis = this.redis;
    // The client has no offline queue: while disconnected PING fails at once instead of waiting for the timeout.
    if (redis) checks.push(() => this.check('redis', async () => void (await this.reachable('redis', () => redis.ping()))));
    return checks;
  }

  private check(part: string, probe: () => Promise<void>) {
    return this.indicators.check(part).attempt(probe).withTimeout(HEALTH_CHECK_TIMEOUT_MS);
  }

  private async migrated(): Promise<void> {
    // `dataSource.showMigrations()` with a query runner of our own: the DataSource's version does not release
    // its runner when a query fails, and a probe failing every few seconds would drain the PostgreSQL pool.
    const runner = this.dataSource.createQueryRunner();
    try {
      if (await this.reachable('database', () => new MigrationExecutor(this.dataSource, runner).showMigrations()))
        throw new Error('migrations pending');
    } finally {
      await runner.release().catch(() => undefined);
    }
  }

  /** The probe's answer; its failure is reported `unreachable`, with the cause in the log line (operators need it), never in the body. */
  private async reachable<T>(part: string, probe: () => Promise<T>): Promise<T> {
    try {
      return await probe();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const cause = error instanceof Error ? `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}` : String(error);
      this.logger.warn(`${part} check failed: ${cause}`);
      throw new Error('unreachable', { cause: error });
    }
  }
}
