import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { SocialAccount } from '../../users/entities/social-account.entity.js';
import { ProvidersModule } from '../providers.module.js';
import { ProviderTokenService } from './provider-token.service.js';
import { RefreshLock } from './refresh-lock.js';

/**
 * `ProviderTokenService` for backend code that calls a provider on a user's behalf. Its own module, not part
 * of ProvidersModule: it reads social accounts, and ProvidersModule must stay free of the users' tables.
 */
@Module({
  imports: [ProvidersModule, TypeOrmModule.forFeature([SocialAccount])],
  providers: [ProviderTokenService, RefreshLock, SecretBox],
  exports: [ProviderTokenService],
})
export class ProviderTokensModule {}
