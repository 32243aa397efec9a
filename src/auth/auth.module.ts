import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { SecretBox } from '../common/crypto/secret-box.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MemoryOneTimeStore, OneTimeStore } from '../one-time/one-time-store.js';
import { RedisOneTimeStore } from '../one-time/redis-one-time-store.js';
import { SealedTickets } from '../one-time/sealed-tickets.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { REDIS } from '../redis/redis.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthorizationStates } from './browser/authorization-states.js';
import { LoginCodes } from './browser/login-codes.js';
import { RedirectFlowService } from './browser/redirect-flow.service.js';
import { CodeGrantService } from './code-grant.service.js';
import { JwksController } from './controllers/jwks.controller.js';
import { LoginController } from './controllers/login.controller.js';
import { ProvidersController } from './controllers/providers.controller.js';
import { RedirectFlowController } from './controllers/redirect-flow.controller.js';
import { SessionsController } from './controllers/sessions.controller.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { ProviderTokenGuard } from './guards/provider-token.guard.js';
import { LoginService } from './login.service.js';
import { NonceService } from './nonce.service.js';
import { ProviderStrategies } from './strategies/provider-strategies.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { RefreshToken } from './tokens/refresh-token.entity.js';
import { RefreshTokenService } from './tokens/refresh-token.service.js';
import { SessionLiveness } from './tokens/session-liveness.js';
import { SigningKeyService } from './tokens/signing-keys.service.js';
import { WaitingIdentities } from './waiting-identities.service.js';

@Module({
  imports: [ProvidersModule, UsersModule, TypeOrmModule.forFeature([RefreshToken]), JwtModule.register({})],
  controllers: [LoginController, RedirectFlowController, SessionsController, JwksController, ProvidersController],
  providers: [
    {
      provide: OneTimeStore,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis | null, config: AppConfig) => (redis ? new RedisOneTimeStore(redis, config) : new MemoryOneTimeStore()),
    },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    SigningKeyService,
    AccessTokenService,
    RefreshTokenService,
    SessionLiveness,
    NonceService,
    LoginService,
    SealedTickets,
    WaitingIdentities,
    SecretBox,
    ProviderStrategies,
    ProviderTokenGuard,
    CodeGrantService,
    AuthorizationStates,
    LoginCodes,
    RedirectFlowService,
  ],
  // For /users/me/social-accounts (SocialAccountsModule): verifying a provider token, and redeeming link tokens.
  // SigningKeyService, RedirectFlowService, LoginCodes, LoginService: for the authorization server (src/oauth-server/).
  exports: [ProviderTokenGuard, ProviderStrategies, WaitingIdentities, SigningKeyService, RedirectFlowService, LoginCodes, LoginService],
})
export class AuthModule {}
