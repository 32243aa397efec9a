import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import { Public } from '../common/decorators/public.decorator.js';
import { ApiErrors } from '../common/errors/api-errors.decorator.js';
import { AppError } from '../common/errors/app-error.js';
import { HealthCheckResponse } from './health-check.response.js';
import { ReadinessChecks } from './readiness-checks.js';

/**
 * Probes for an orchestrator. Liveness checks nothing outside the process, so a database outage never gets
 * healthy instances restarted; readiness checks what a request needs, so an instance without it gets no traffic.
 * Answers are terminus' JSON. Its swagger documentation is off: it describes the 503 with terminus' body, not ErrorBody.
 */
@Public()
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessChecks,
  ) {}

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process serves requests' })
  @ApiOkResponse({ type: HealthCheckResponse })
  @ApiErrors()
  live(): Promise<HealthCheckResult> {
    return this.checked([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: the database is reachable and migrated, and Redis (when configured) answers' })
  @ApiOkResponse({ type: HealthCheckResponse, description: 'One entry per checked part: `database`, and `redis` when configured' })
  @ApiErrors('service_unavailable')
  ready(): Promise<HealthCheckResult> {
    return this.checked(this.readiness.list());
  }

  /**
   * Terminus answers a failed check with a ServiceUnavailableException carrying its result, which our filter
   * would hide behind `500 internal_error` like any Nest 5xx. Re-thrown as `503 service_unavailable` in our error
   * shape, naming the failed parts; `details` is terminus' result, whose reasons are our indicators' short ones.
   */
  private async checked(checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failed = Object.keys(result.error ?? {});
      const message = failed.length > 0 ? `Not ready: ${failed.join(', ')}` : 'Shutting down';
      throw new AppError('service_unavailable', message, { details: result });
    }
  }
}
