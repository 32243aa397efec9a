import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One public key in JWK form (RFC 7517): EC keys carry crv/x/y, RSA keys n/e. */
export class PublicJwkDto {
  @ApiProperty({ description: 'RFC 7638 thumbprint; the `kid` header of our access tokens' })
  kid: string;

  @ApiProperty({ enum: ['EC', 'RSA'] })
  kty: string;

  @ApiProperty({ enum: ['ES256', 'RS256'] })
  alg: string;

  @ApiProperty({ enum: ['sig'] })
  use: 'sig';

  @ApiPropertyOptional({ example: 'P-256' })
  crv?: string;

  @ApiPropertyOptional()
  x?: string;

  @ApiPropertyOptional()
  y?: string;

  @ApiPropertyOptional()
  n?: string;

  @ApiPropertyOptional()
  e?: string;
}

/** `GET /.well-known/jwks.json`: every key that verifies our access tokens (the signing one first). */
export class JwksResponse {
  @ApiProperty({ type: [PublicJwkDto] })
  keys: PublicJwkDto[];
}
