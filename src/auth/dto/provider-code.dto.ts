import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { OptionalString } from '../../common/validation/validation.js';

/** `POST /auth/{provider}/code`: an authorization code the frontend (or native app) received, to be redeemed by us. */
export class ProviderCodeDto {
  @ApiProperty({ description: "The provider's authorization code, from the redirect to your redirect_uri", maxLength: 2048 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  code!: string;

  @ApiProperty({
    description: "The redirect_uri of the authorization request: exactly one of the provider's configured redirect URIs",
    example: 'https://app.example.com/auth/callback',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  redirect_uri!: string;

  @ApiPropertyOptional({
    description: 'The PKCE verifier (RFC 7636). Required for native redirect URIs, and by default for all',
    minLength: 43,
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9\-._~]{43,128}$/, { message: 'code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 4.1)' })
  code_verifier?: string;

  @ApiPropertyOptional({
    description: "The nonce of the authorization request: the provider's ID token must carry it back",
    maxLength: 512,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  nonce?: string;

  @OptionalString(255, 'Ignored (the session shows the User-Agent)')
  device_name?: string;
}
