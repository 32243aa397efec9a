import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { validateDto } from '../../common/validation/validation.js';

/**
 * What a provider sends back to `/auth/{provider}/callback` (RFC 6749 §4.1.2, RFC 9207 `iss`, Apple's form_post
 * `user`). Each a single string: a repeated parameter arrives as an array and is refused with 400.
 */
export class CallbackParams {
  @ApiPropertyOptional({ description: 'Our state, echoed by the provider', maxLength: 512 })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  state?: string;

  @ApiPropertyOptional({ description: 'The authorization code', maxLength: 4096 })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  code?: string;

  @ApiPropertyOptional({ description: "The provider's OAuth error name (RFC 6749 §4.1.2.1)", maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  error?: string;

  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  error_description?: string;

  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  error_uri?: string;

  @ApiPropertyOptional({ description: 'The issuer (RFC 9207)', maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  iss?: string;

  @ApiPropertyOptional({ description: "Apple (form_post), first sign-in only: the user's name as JSON", maxLength: 4096 })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  user?: string;
}

/**
 * The callback's parameters: the query of the GET, the form of the POST (response_mode=form_post), validated as
 * `CallbackParams`. Not `@Query()`: the global pipe refuses unknown fields, and providers add their own
 * (Google's `scope`, `authuser`, `hd`, `prompt`; Microsoft's `session_state`; Apple's `id_token`), which are
 * dropped here instead. What the providers read is only what this class lists.
 */
export const CallbackQuery = createParamDecorator((_data: unknown, ctx: ExecutionContext): CallbackParams => {
  const req = ctx.switchToHttp().getRequest<{ method: string; query: unknown; body: unknown }>();
  return validateDto(CallbackParams, req.method === 'POST' ? (req.body ?? {}) : req.query, { allowUnknown: true });
});
