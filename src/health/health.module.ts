import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealth } from './database.health.js';
import { HealthController } from './health.controller.js';
import { RedisHealth } from './redis.health.js';

/** `GET /health/live` and `GET /health/ready`. Failed checks are logged by the indicators, with their causes. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [DatabaseHealth, RedisHealth],
})
export class HealthModule {}
