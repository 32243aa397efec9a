import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { ReadinessChecks } from './readiness-checks.js';

/** `GET /health/live` and `GET /health/ready`. Failed checks are logged by ReadinessChecks, with their causes. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ReadinessChecks],
})
export class HealthModule {}
