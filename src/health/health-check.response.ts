import { ApiProperty } from '@nestjs/swagger';

const PARTS = { type: 'object', additionalProperties: { type: 'object' } } as const;

/** A passed probe: terminus' result. A failed readiness probe is an `ErrorBody` whose `details` has this shape. */
export class HealthCheckResponse {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ ...PARTS, description: 'The parts that are up', example: { database: { status: 'up', responseTime: 2 } } })
  info: Record<string, unknown>;

  @ApiProperty({ ...PARTS, description: 'The parts that are down, each with a short `message` (empty here)', example: {} })
  error: Record<string, unknown>;

  @ApiProperty({ ...PARTS, description: 'Every checked part', example: { database: { status: 'up', responseTime: 2 } } })
  details: Record<string, unknown>;
}
