import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { NoStore } from '../../common/http/no-store.js';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import { Client } from '../client-info.js';
import { NonceResponse } from '../dto/nonce.response.js';
import { ProviderTokenDto } from '../dto/provider-token.dto.js';
import { ProviderParams } from '../dto/provider.params.js';
import { LoginResponse } from '../dto/token-pair.response.js';
import { ProviderLogin } from '../guards/provider-token.guard.js';
import { LoginService } from '../login.service.js';
import { NonceService } from '../nonce.service.js';
import type { ClientInfo } from '../tokens/refresh-token.service.js';

/** The client flow: the frontend holds a provider's access token or ID token and trades it for ours. */
@Public()
@ApiTags('auth')
@ApiParam({
  name: 'provider',
  description: 'An enabled provider: google, facebook, github, or one declared in PROVIDERS_FILE',
  example: 'google',
})
@NoStore()
@Controller('auth/:provider')
export class TokenExchangeController {
  constructor(
    private readonly login: LoginService,
    private readonly nonces: NonceService,
    private readonly registry: IdentityProviderRegistry,
  ) {}

  @Post('token')
  @HttpCode(200)
  @ProviderLogin()
  @ApiOperation({ summary: "Trade a provider's access token or ID token for our tokens" })
  // The body is validated once, by the strategy (its guard runs before pipes): no @Body() for the
  // global pipe to validate again (≈ 20 µs a login, docs/decisions/0006); ApiBody keeps it in the OpenAPI document.
  @ApiBody({ type: ProviderTokenDto })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(
    'validation_failed',
    'invalid_nonce',
    'unsupported_grant',
    'unknown_provider',
    'invalid_provider_token',
    'provider_token_audience_mismatch',
    'account_inactive',
    'login_not_allowed',
    'email_not_verified',
    'account_link_required',
    'profile_incomplete',
    'payload_too_large',
    'rate_limited',
    'provider_unavailable',
    'service_unavailable',
    'provider_timeout',
  )
  exchange(@Req() req: { user: VerifiedIdentity }, @Client() client: ClientInfo): Promise<LoginResponse> {
    return this.login.login(req.user, client);
  }

  @Get('nonce')
  @ApiOperation({ summary: "A single-use nonce to put in the provider's sign-in request (ID-token replay protection)" })
  @ApiOkResponse({ type: NonceResponse })
  @ApiErrors('validation_failed', 'unknown_provider', 'rate_limited', 'service_unavailable')
  nonce(@Param() { provider }: ProviderParams): Promise<NonceResponse> {
    return this.nonces.issue(this.registry.get(provider).id);
  }
}
