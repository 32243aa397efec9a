import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { ProvidersModule } from '../../providers/providers.module.js';
import { SocialAccountsController } from './social-accounts.controller.js';
import { SocialAccountsService } from './social-accounts.service.js';

/**
 * `/users/me/social-accounts`. Its own module, not part of UsersModule: connecting verifies a provider token
 * (AuthModule's ProviderTokenGuard) and redeems link tokens, and AuthModule already imports UsersModule.
 * ProvidersModule: ProviderTokenGuard, built here as this controller's guard, needs the registry.
 */
@Module({
  imports: [AuthModule, ProvidersModule],
  controllers: [SocialAccountsController],
  providers: [SocialAccountsService, SecretBox],
})
export class SocialAccountsModule {}
