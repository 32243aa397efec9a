import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import type { ErrorCode } from '../../common/errors/error-codes.js';
import { NoStore } from '../../common/http/no-store.js';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import { Client } from '../client-info.js';
import { CompleteLoginDto } from '../dto/complete-login.dto.js';
import { NonceResponse } from '../dto/nonce.response.js';
import { ProviderCodeDto } from '../dto/provider-code.dto.js';
import { ProviderTokenDto } from '../dto/provider-token.dto.js';
import { ProviderParams } from '../dto/provider.params.js';
import { LoginResponse } from '../dto/token-pair.response.js';
import { PROVIDER_CODE_ERRORS, PROVIDER_TOKEN_ERRORS, ProviderCodeGrant, ProviderLogin } from '../guards/provider-token.guard.js';
import { LoginService } from '../login.service.js';
import { NonceService } from '../nonce.service.js';
import type { ClientInfo } from '../tokens/refresh-token.service.js';

/** What the association pipeline and the new session can answer a login, whatever proved the identity. */
const LOGIN_ERRORS: ErrorCode[] = [
  'account_inactive',
  'login_not_allowed',
  'email_not_verified',
  'account_link_required',
  'profile_incomplete',
  'rate_limited',
];

/**
 * Logins: the client flow (the frontend holds a provider's access token or ID token and trades it for ours), the code
 * flow (the frontend or native app sends the authorization code and we redeem it with the client secret, so the
 * provider's tokens never reach the browser and we keep them, encrypted, to act for the user later), and the second
 * half of a login a pipeline step paused (`422 profile_incomplete`), whose single-use `pending_token` stands for the
 * provider token verified in the first half.
 */
@Public()
@ApiTags('auth')
@NoStore()
@Controller('auth')
export class LoginController {
  constructor(
    private readonly login: LoginService,
    private readonly nonces: NonceService,
    private readonly registry: IdentityProviderRegistry,
  ) {}

  @Post(':provider/token')
  @HttpCode(200)
  @ProviderLogin()
  @ApiOperation({ summary: "Trade a provider's access token or ID token for our tokens" })
  @ApiParam({
    name: 'provider',
    description: 'An enabled provider: google, facebook, github, or one declared in PROVIDERS_FILE',
    example: 'google',
  })
  // The body is validated once, by the strategy (its guard runs before pipes): no @Body() for the
  // global pipe to validate again (≈ 20 µs a login, docs/decisions/0006); ApiBody keeps it in the OpenAPI document.
  @ApiBody({ type: ProviderTokenDto })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors('validation_failed', ...PROVIDER_TOKEN_ERRORS, ...LOGIN_ERRORS)
  exchangeToken(@Req() req: { user: VerifiedIdentity }, @Client() client: ClientInfo): Promise<LoginResponse> {
    return this.login.login(req.user, client);
  }

  @Post(':provider/code')
  @HttpCode(200)
  @ProviderCodeGrant()
  @ProviderLogin()
  @ApiOperation({ summary: "Trade a provider's authorization code (+ PKCE verifier) for our tokens" })
  @ApiParam({ name: 'provider', description: 'An enabled provider with a client secret configured', example: 'google' })
  // Validated once, by the strategy (as /token): no @Body() for the global pipe to check again.
  @ApiBody({ type: ProviderCodeDto })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors('validation_failed', ...PROVIDER_CODE_ERRORS, ...LOGIN_ERRORS)
  exchangeCode(@Req() req: { user: VerifiedIdentity }, @Client() client: ClientInfo): Promise<LoginResponse> {
    return this.login.login(req.user, client, 'code');
  }

  @Get(':provider/nonce')
  @ApiOperation({ summary: "A single-use nonce to put in the provider's sign-in request (ID-token replay protection)" })
  @ApiOkResponse({ type: NonceResponse })
  @ApiErrors('validation_failed', 'unknown_provider', 'rate_limited', 'service_unavailable')
  nonce(@Param() { provider }: ProviderParams): Promise<NonceResponse> {
    return this.nonces.issue(this.registry.get(provider).id);
  }

  @Post('complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish a login paused for missing profile fields, with the fields the user typed' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors('validation_failed', 'invalid_pending_token', ...LOGIN_ERRORS, 'username_taken', 'payload_too_large', 'service_unavailable')
  complete(@Body() body: CompleteLoginDto, @Client() client: ClientInfo): Promise<LoginResponse> {
    return this.login.complete(body.pending_token, { email: body.email }, client);
  }
}
