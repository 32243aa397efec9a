import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { Public } from '../../common/decorators/public.decorator.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import { IdentityProviderRegistry } from '../../providers/identity-provider.registry.js';
import { Client } from '../client-info.js';
import { ProviderTokenDto } from '../dto/provider-token.dto.js';
import { ProviderTokenGuard } from '../guards/provider-token.guard.js';
import { LoginService, type LoginResponse } from '../login.service.js';
import { NonceService } from '../nonce/nonce.service.js';
import type { ClientInfo } from '../tokens/refresh-token.service.js';

/** The client flow: the frontend holds a provider's access token or ID token and trades it for ours. */
@Public()
@Controller('auth/:provider')
export class TokenExchangeController {
  constructor(
    private readonly login: LoginService,
    private readonly nonces: NonceService,
    private readonly registry: IdentityProviderRegistry,
  ) {}

  @Post('token')
  @HttpCode(200)
  @UseGuards(ProviderTokenGuard)
  exchange(@Req() req: { user: VerifiedIdentity }, @Body() _body: ProviderTokenDto, @Client() client: ClientInfo): Promise<LoginResponse> {
    return this.login.login(req.user, client);
  }

  @Get('nonce')
  nonce(@Param('provider') provider: string): Promise<{ nonce: string; expires_in: number }> {
    return this.nonces.issue(this.registry.get(provider).id);
  }
}
