import { Controller, Get, Header, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { Scopes } from '../../common/decorators/scopes.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { UsersService } from '../../users/users.service.js';
import { claimsForScopes } from '../claims.js';
import { API_SCOPES, apiResource } from '../scopes.js';

export class UserinfoResponse {
  @ApiProperty({ description: 'Our user id' })
  sub: string;

  @ApiPropertyOptional({ description: 'With scope profile' })
  preferred_username?: string;

  @ApiPropertyOptional({ description: 'With scope email' })
  email?: string;

  @ApiPropertyOptional()
  email_verified?: boolean;
}

export class ProtectedResourceMetadata {
  @ApiProperty()
  resource: string;

  @ApiProperty({ type: [String] })
  authorization_servers: string[];

  @ApiProperty()
  jwks_uri: string;

  @ApiProperty({ type: [String] })
  scopes_supported: string[];

  @ApiProperty({ type: [String] })
  bearer_methods_supported: string[];

  @ApiProperty({ type: [String] })
  resource_signing_alg_values_supported: string[];
}

/**
 * OpenID Connect userinfo, served by our API with the access token the application got (an RFC 9068 JWT for our
 * API, which oidc-provider's own userinfo does not take), and RFC 9728 metadata describing our API.
 */
@ApiTags('oauth')
@Controller()
export class UserinfoController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  @Get('oauth/userinfo')
  @Scopes('openid')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "OpenID Connect userinfo: the claims the token's scopes allow (openid, profile, email)" })
  @ApiOkResponse({ type: UserinfoResponse })
  @ApiErrors('invalid_token', 'insufficient_scope', 'account_inactive')
  async userinfo(@CurrentUser() auth: AuthenticatedUser): Promise<UserinfoResponse> {
    const user = await this.users.get(auth.userId);
    // A first-party token carries every scope.
    return claimsForScopes(user, new Set(auth.scopes ?? ['openid', 'profile', 'email'])) as unknown as UserinfoResponse;
  }

  /**
   * OpenID Connect Core 5.3.1: userinfo MUST answer POST too. The token comes in the Authorization header, or as
   * the form field `access_token` (RFC 6750 §2.2, moved to the header before our guard: userinfo-form-token.ts).
   */
  @Post('oauth/userinfo')
  @HttpCode(200)
  @Scopes('openid')
  @Header('cache-control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'OpenID Connect userinfo by POST: the token in the Authorization header or the form field access_token' })
  @ApiOkResponse({ type: UserinfoResponse })
  @ApiErrors('validation_failed', 'invalid_token', 'insufficient_scope', 'account_inactive', 'unsupported_media_type')
  userinfoByPost(@CurrentUser() auth: AuthenticatedUser): Promise<UserinfoResponse> {
    return this.userinfo(auth);
  }

  @Public()
  @Get('.well-known/oauth-protected-resource')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'RFC 9728 protected resource metadata: our API, its authorization server and scopes' })
  @ApiOkResponse({ type: ProtectedResourceMetadata })
  @ApiErrors()
  protectedResource(): ProtectedResourceMetadata {
    return {
      resource: apiResource(this.config),
      authorization_servers: [this.config.jwt.issuer],
      jwks_uri: `${this.config.browser.publicUrl}/.well-known/jwks.json`,
      scopes_supported: ['openid', 'profile', 'email', ...Object.keys(API_SCOPES)],
      bearer_methods_supported: ['header'],
      resource_signing_alg_values_supported: [this.config.jwt.algorithm],
    };
  }
}
