import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AnnouncedCache } from '../../redis/announced-cache.js';
import { REDIS, redisKey } from '../../redis/redis.module.js';
import { RefreshToken } from './refresh-token.entity.js';

/**
 * Answers "is this session still live?" for `JWT_CHECK_SESSION=true`, so access tokens of an ended session stop
 * working before they expire. Answers are cached for `JWT_SESSION_CHECK_CACHE_MS`. Ending a session clears the
 * entry at once here and, through Redis pub/sub when configured, on every other instance: `ended(familyId)`, called
 * after a session was ended (logout, reuse, logout-all). `known(familyId)` is the cached answer of `isLive`, or
 * `undefined` when it has to be looked up.
 */
@Injectable()
export class SessionLiveness extends AnnouncedCache implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(RefreshToken) tokens: Repository<RefreshToken>,
    @Inject(REDIS) redis: Redis | null,
  ) {
    super(SessionLiveness.name, redis, redisKey(config, 'session-ended'), config.jwt.sessionCheckCacheMs, (familyId, now) =>
      tokens.exists({ where: { familyId, usedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(now) } }),
    );
  }

  async onModuleInit(): Promise<void> {
    if (this.config.jwt.checkSessionOnEachRequest) await this.listen();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  isLive(familyId: string): Promise<boolean> {
    return this.get(familyId);
  }
}
