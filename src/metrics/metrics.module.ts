import { Global, Module } from '@nestjs/common';
import { MetricsEndpoint } from './metrics-endpoint.js';
import { MetricsService } from './metrics.service.js';

/**
 * `MetricsService` for every module (global, always provided, also with `METRICS_ENABLED=false`, so instrumented
 * code needs no checks), and `MetricsEndpoint`, which serves it where the configuration says.
 */
@Global()
@Module({
  providers: [MetricsService, MetricsEndpoint],
  exports: [MetricsService],
})
export class MetricsModule {}
