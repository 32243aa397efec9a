import { ApiProperty } from '@nestjs/swagger';

/** `GET /auth/{provider}/nonce`: put `nonce` in the provider's sign-in request; it is accepted once. */
export class NonceResponse {
  @ApiProperty({ description: 'Single use, for this provider only' })
  nonce: string;

  @ApiProperty({ type: 'integer', description: 'Seconds until it expires', example: 600 })
  expires_in: number;
}
