import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { CompletionMode } from '../browser/authorization-states.js';

/** `GET /auth/{provider}/authorize`: where the browser returns, how, and optionally the frontend's own PKCE challenge. */
export class AuthorizeQuery {
  @ApiProperty({
    description: 'Where the browser comes back with the login code: exactly one of AUTH_RETURN_TO_URLS',
    example: 'https://app.example.com/signed-in',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  return_to!: string;

  @ApiPropertyOptional({
    enum: ['redirect', 'popup'],
    default: 'redirect',
    description: '`popup`: the callback page posts the login code to its opener (targeted at the return_to origin) and closes',
  })
  @IsOptional()
  @IsIn(['redirect', 'popup'])
  mode?: CompletionMode;

  @ApiPropertyOptional({
    description: 'BASE64URL(SHA256(verifier)): then `POST /auth/login-code` needs the verifier, so a leaked login code is useless',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'code_challenge must be a base64url SHA-256 (43 characters)' })
  code_challenge?: string;
}

export class LoginCodeDto {
  @ApiProperty({ description: 'The login_code from the return_to fragment or the popup message' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  login_code!: string;

  @ApiPropertyOptional({ description: 'The verifier of the code_challenge sent to /authorize, if one was' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  code_verifier?: string;
}
