import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/**
 * The body of every error answer (`HttpErrorFilter`). A class rather than an interface so the OpenAPI
 * document describes it once and every error response points at it.
 */
export class ErrorBody {
  @ApiProperty({ type: 'integer', description: 'The HTTP status, repeated for clients that only see the body', example: 401 })
  statusCode: number;

  @ApiProperty({
    description: 'Stable machine-readable code: branch on this, never on the message',
    enum: Object.keys(ERROR_STATUS),
    enumName: 'ErrorCode',
    example: 'invalid_token',
  })
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- names our codes for readers; oidc-provider's pass through as well
  code: ErrorCode | string;

  @ApiProperty({ description: 'For people; may change between versions', example: 'The access token has expired' })
  message: string;

  @ApiPropertyOptional({
    description: 'Extra facts for some codes, e.g. `fields` for validation_failed, `provider` for account_link_required',
    type: 'object',
    additionalProperties: true,
  })
  details?: Record<string, unknown>;
}
