import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { NoStore } from '../../common/http/no-store.js';
import type { LoginTimer } from '../../metrics/login-timer.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import { Client } from '../client-info.js';
import { ProviderCodeDto } from '../dto/provider-code.dto.js';
import { LoginResponse } from '../dto/token-pair.response.js';
import { ProviderCodeGrant, ProviderTokenGuard } from '../guards/provider-token.guard.js';
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
  @UseGuards(ProviderTokenGuard)
  @ApiOperation({ summary: "Trade a provider's authorization code (+ PKCE verifier) for our tokens" })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(
    'validation_failed', 'redirect_uri_not_allowed', 'code_verifier_required', 'invalid_authorization_code', 'invalid_nonce',
    'unsupported_grant', 'unknown_provider', 'invalid_provider_token', 'provider_token_audience_mismatch', 'account_inactive',
    'login_not_allowed', 'email_not_verified', 'account_link_required', 'profile_incomplete', 'payload_too_large', 'rate_limited',
    'provider_unavailable', 'service_unavailable', 'provider_timeout',
  )
  exchange(
    @Req() req: { user: VerifiedIdentity; loginTimer: LoginTimer },
    @Body() _body: ProviderCodeDto,
    @Client() client: ClientInfo,
  ): Promise<LoginResponse> {
    return req.loginTimer.observe(this.login.login(req.user, client, 'code'));
  }
}
