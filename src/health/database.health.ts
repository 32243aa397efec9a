import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthCheckAttempt } from '@nestjs/terminus';
import { DataSource, MigrationExecutor } from 'typeorm';
import { describeCause, HEALTH_CHECK_TIMEOUT_MS } from './indicator-support.js';

/**
 * The database answers and its schema is the one this build expects (no pending migration). An instance that
 * starts against an unmigrated database (production does not migrate on start) must not take traffic.
 */
@Injectable()
export class DatabaseHealth {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  check(): HealthCheckAttempt<'database'> {
    return this.indicators
      .check('database')
      .attempt(() => this.probe())
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
  }

  private async probe(): Promise<void> {
    let pending: boolean;
    // `dataSource.showMigrations()` with a query runner of our own: the DataSource's version does not release
    // its runner when a query fails, and a probe failing every few seconds would drain the PostgreSQL pool.
    const runner = this.dataSource.createQueryRunner();
    try {
      pending = await new MigrationExecutor(this.dataSource, runner).showMigrations();
    } catch (error) {
      this.logger.warn(`database check failed: ${describeCause(error)}`);
      throw new Error('unreachable', { cause: error });
    } finally {
      await runner.release().catch(() => undefined);
    }
    if (pending) throw new Error('migrations pending');
  }
}
