import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { MoreThan, type Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AnnouncedCache } from '../../redis/announced-cache.js';
import { REDIS, redisKey } from '../../redis/redis.module.js';
import { OAuthRecord } from '../oauth-record.entity.js';

/**
 * "Is this grant still live?" for third-party access tokens, which are JWTs nobody stores: each names its grant
 * (`gid`, the grant id's SHA-256), and our API asks here (`get`) on every request. Answers are cached for
 * JWT_SESSION_CHECK_CACHE_MS, like first-party sessions (src/auth/tokens/session-liveness.ts); a revocation here
 * clears the entry at once, and on every other instance through Redis pub/sub when configured. So a revoked grant
 * (`ended`: RFC 7009 revocation, the user, an admin deleting the application) stops its tokens within that time at most.
 */
@Injectable()
export class GrantLiveness extends AnnouncedCache implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectRepository(OAuthRecord) records: Repository<OAuthRecord>,
    @Inject(REDIS) redis: Redis | null,
  ) {
    super(GrantLiveness.name, redis, redisKey(config, 'grant-ended'), config.jwt.sessionCheckCacheMs, (grantHash, now) =>
      records.exists({ where: { model: 'Grant', idHash: grantHash, expiresAt: MoreThan(now) } }),
    );
  }

  onModuleInit(): Promise<void> {
    return this.listen();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
