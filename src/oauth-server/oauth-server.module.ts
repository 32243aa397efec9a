import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { THIRD_PARTY_TOKENS } from '../common/decorators/scopes.decorator.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminGuard } from './admin/admin.guard.js';
import { ApplicationsController } from './admin/applications.controller.js';
import { Application } from './applications/application.entity.js';
import { ApplicationsService } from './applications/applications.service.js';
import { AuthorizationsService } from './authorizations.service.js';
import { AuthorizationsController } from './controllers/authorizations.controller.js';
import { UserinfoController } from './controllers/userinfo.controller.js';
import { OAuthProviderService } from './oauth-provider.service.js';
import { OAuthRecord } from './oauth-record.entity.js';
import { TokenExchange } from './token-exchange.js';
import { GrantLiveness } from './tokens/grant-liveness.js';
import { ThirdPartyAccessTokens } from './tokens/third-party-tokens.js';

/**
 * Our authorization server for third-party applications (docs/oauth-server.md). Imported unless
 * OAUTH_SERVER_ENABLED=false. Global for one export: the verifier of third-party tokens, which the global guard
 * (AuthModule) takes when it is there.
 */
@Global()
@Module({
  imports: [AuthModule, UsersModule, ProvidersModule, TypeOrmModule.forFeature([Application, OAuthRecord])],
  controllers: [ApplicationsController, UserinfoController, AuthorizationsController],
  providers: [
    OAuthProviderService,
    ApplicationsService,
    SecretBox,
    AdminGuard,
    GrantLiveness,
    ThirdPartyAccessTokens,
    AuthorizationsService,
    TokenExchange,
    { provide: THIRD_PARTY_TOKENS, useExisting: ThirdPartyAccessTokens },
  ],
  exports: [OAuthProviderService, ApplicationsService, THIRD_PARTY_TOKENS],
})
export class OAuthServerModule {}
