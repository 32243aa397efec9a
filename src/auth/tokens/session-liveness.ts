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
 * entry at once here and, through Redis pub/sub when configured, on every other instance.
 */
@Injectable()
export class SessionLiveness implements OnModuleInit, OnModuleDestroy {
  private readonly answers: AnnouncedCache;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(RefreshToken) tokens: Repository<RefreshToken>,
    @Inject(REDIS) redis: Redis | null,
  ) {
    this.answers = new AnnouncedCache(
      SessionLiveness.name,
      redis,
      redisKey(config, 'session-ended'),
      config.jwt.sessionCheckCacheMs,
      (familyId, now) => tokens.exists({ where: { familyId, usedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(now) } }),
    );
  }

  async onModuleInit(): Promise<void> {
    if (this.config.jwt.checkSessionOnEachRequest) await this.answers.listen();
  }

  onModuleDestroy(): Promise<void> {
    return this.answers.close();
  }

  isLive(familyId: string): Promise<boolean> {
    return this.answers.get(familyId);
  }

  /** The cached answer of `isLive`, or `undefined` when it has to be looked up. */
  known(familyId: string): boolean | undefined {
    return this.answers.known(familyId);
  }

  /** Called after a session was ended (logout, reuse, logout-all): forget it here and everywhere. */
  ended(familyId: string): Promise<void> {
    return this.answers.ended(familyId);
  }
}
