import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { NoStore } from '../../common/http/no-store.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import { Client } from '../client-info.js';
import { ProviderCodeDto } from '../dto/provider-code.dto.js';
import { LoginResponse } from '../dto/token-pair.response.js';
import { ProviderCodeGrant, ProviderLogin } from '../guards/provider-token.guard.js';
import { LoginService } from '../login.service.js';
import type { ClientInfo } from '../tokens/refresh-token.service.js';

/**
 * The code flow: the frontend (or native app) sends the authorization code and we redeem it with the client
 * secret, so the provider's tokens never reach the browser and we keep them (encrypted) to act for the user later.
 */
@Public()
@ApiTags('auth')
@ApiParam({ name: 'provider', description: 'An enabled provider with a client secret configured', example: 'google' })
@NoStore()
@Controller('auth/:provider')
export class CodeExchangeController {
  constructor(private readonly login: LoginService) {}

  @Post('code')
  @HttpCode(200)
  @ProviderCodeGrant()
  @ProviderLogin()
  @ApiOperation({ summary: "Trade a provider's authorization code (+ PKCE verifier) for our tokens" })
  // Validated once, by the strategy (as /token): no @Body() for the global pipe to check again.
  @ApiBody({ type: ProviderCodeDto })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(
    'validation_failed',
    'redirect_uri_not_allowed',
    'code_verifier_required',
    'invalid_authorization_code',
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
    return this.login.login(req.user, client, 'code');
  }
}
