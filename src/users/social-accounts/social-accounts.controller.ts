import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Client } from '../../auth/client-info.js';
import { ProviderCodeDto } from '../../auth/dto/provider-code.dto.js';
import { ProviderTokenDto } from '../../auth/dto/provider-token.dto.js';
import {
  PROVIDER_CODE_ERRORS,
  PROVIDER_TOKEN_ERRORS,
  ProviderCodeGrant,
  ProviderTokenGuard,
} from '../../auth/guards/provider-token.guard.js';
import type { ClientInfo } from '../../auth/tokens/refresh-token.service.js';
import { WaitingIdentities } from '../../auth/waiting-identities.service.js';
import { CurrentUser, type AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { NoStore } from '../../common/http/no-store.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import { LinkSocialAccountDto, SocialAccountDto, toSocialAccountDto } from './social-account.dto.js';
import { SocialAccountsService } from './social-accounts.service.js';

/** The signed-in user's provider identities. Every route needs our access token (the global JwtAuthGuard). */
@ApiTags('users')
@NoStore()
@Controller('users/me/social-accounts')
export class SocialAccountsController {
  constructor(
    private readonly accounts: SocialAccountsService,
    private readonly waiting: WaitingIdentities,
  ) {}

  @Get()
  @ApiOperation({ summary: "The signed-in user's connected provider accounts (never their tokens)" })
  @ApiOkResponse({ type: [SocialAccountDto] })
  @ApiErrors('invalid_token')
  async list(@CurrentUser() auth: AuthenticatedUser): Promise<SocialAccountDto[]> {
    return (await this.accounts.list(auth.userId)).map(toSocialAccountDto);
  }

  /** Static path: Fastify matches it before `:provider`, so no provider can be called `link`. */
  @Post('link')
  @HttpCode(200)
  @ApiOperation({ summary: 'Connect the identity of a login refused with account_link_required, by its link_token' })
  @ApiOkResponse({ type: SocialAccountDto })
  @ApiErrors(
    'validation_failed',
    'invalid_link_token',
    'invalid_token',
    'account_inactive',
    'link_token_user_mismatch',
    'social_account_in_use',
    'payload_too_large',
    'service_unavailable',
  )
  async link(
    @CurrentUser() auth: AuthenticatedUser,
    @Body() body: LinkSocialAccountDto,
    @Client() client: ClientInfo,
  ): Promise<SocialAccountDto> {
    const identity = await this.waiting.redeemLink(body.link_token, auth.userId);
    return toSocialAccountDto(await this.accounts.connect(auth.userId, identity, client, 'link_token'));
  }

  /** Verified exactly like a login (ProviderTokenGuard: the same strategy, nonce rules, and the only check of the body). */
  @Post(':provider')
  @HttpCode(200)
  @UseGuards(ProviderTokenGuard)
  @ApiOperation({ summary: "Connect a provider account with its access token or ID token (idempotent for one's own)" })
  @ApiParam({ name: 'provider', description: 'An enabled provider', example: 'github' })
  @ApiBody({ type: ProviderTokenDto })
  @ApiOkResponse({ type: SocialAccountDto })
  @ApiErrors('validation_failed', 'invalid_token', ...PROVIDER_TOKEN_ERRORS, 'account_inactive', 'social_account_in_use')
  async connect(
    @CurrentUser() auth: AuthenticatedUser,
    @Req() req: { user: VerifiedIdentity },
    @Client() client: ClientInfo,
  ): Promise<SocialAccountDto> {
    return toSocialAccountDto(await this.accounts.connect(auth.userId, req.user, client, 'token'));
  }

  /** The code flow's way to connect: the code is redeemed with our client secret, and the provider's tokens are kept. */
  @Post(':provider/code')
  @HttpCode(200)
  @ProviderCodeGrant()
  @UseGuards(ProviderTokenGuard)
  @ApiOperation({
    summary: 'Connect a provider account with an authorization code (+ PKCE verifier), checked like POST /auth/{provider}/code',
  })
  @ApiParam({ name: 'provider', description: 'An enabled provider with a client secret', example: 'google' })
  @ApiBody({ type: ProviderCodeDto })
  @ApiOkResponse({ type: SocialAccountDto })
  @ApiErrors('validation_failed', 'invalid_token', ...PROVIDER_CODE_ERRORS, 'account_inactive', 'social_account_in_use')
  async connectWithCode(
    @CurrentUser() auth: AuthenticatedUser,
    @Req() req: { user: VerifiedIdentity },
    @Client() client: ClientInfo,
  ): Promise<SocialAccountDto> {
    return toSocialAccountDto(await this.accounts.connect(auth.userId, req.user, client, 'code'));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disconnect one provider account (not the last one: it is the only way to sign in)' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'An id from `GET /users/me/social-accounts`' })
  @ApiNoContentResponse({ description: 'Disconnected' })
  @ApiErrors('validation_failed', 'invalid_token', 'not_found', 'last_login_method')
  async disconnect(
    @CurrentUser() auth: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.accounts.disconnect(auth.userId, id, client);
  }
}
