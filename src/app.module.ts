import { Module, type DynamicModule } from '@nestjs/common';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BenchNotesModule } from './bench-routes/bench-notes.module.js';
import { loadConfig, type AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { ENTITIES } from './entities.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OAuthServerModule } from './oauth-server/oauth-server.module.js';
import { PRESETS } from './providers/presets/index.js';
import { ProvidersModule } from './providers/providers.module.js';
import { ProviderTokensModule } from './providers/tokens/provider-tokens.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { RedisModule } from './redis/redis.module.js';
import { SocialAccountsModule } from './users/social-accounts/social-accounts.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  /** `config` defaults to the environment; tests pass one built in code. */
  static forRoot(config: AppConfig = loadConfig(process.env, PRESETS)): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(ENTITIES),
        RedisModule,
        MetricsModule,
        AuditModule,
        ProvidersModule,
        UsersModule,
        ProviderTokensModule,
        AuthModule,
        SocialAccountsModule,
        // After AuthModule: its global guard must run after JwtAuthGuard (see AuthRateLimitGuard).
        RateLimitModule,
        HealthModule,
        ...(config.oauthServer.enabled ? [OAuthServerModule] : []),
        ...(config.benchRoutes ? [BenchNotesModule] : []),
      ],
    };
  }
}
