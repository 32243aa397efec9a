import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { REDIS, redisKey } from '../../redis/redis.module.js';
import { RefreshToken } from './refresh-token.entity.js';

const MAX_ENTRIES = 50_000;

/**
 * Answers "is this session still live?" for `JWT_CHECK_SESSION=true`, so access tokens of an ended session stop
 * working before they expire. Answers are cached for `JWT_SESSION_CHECK_CACHE_MS`. Ending a session clears the
 * entry at once here and, through Redis pub/sub when configured, on every other instance.
 */
@Injectable()
export class SessionLiveness implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionLiveness.name);
  private readonly cache = new Map<string, { live: boolean; until: number }>();
  private readonly channel: string;
  private subscriber: Redis | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {
    this.channel = redisKey(config, 'session-ended');
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis || !this.config.jwt.checkSessionOnEachRequest) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, familyId: string) => this.cache.delete(familyId));
    this.subscriber.on('error', (error: Error) => this.logger.warn(`session-ended subscriber: ${error.message}`));
    if (this.subscriber.status === 'wait') await this.subscriber.connect();
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  async isLive(familyId: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.cache.get(familyId);
    if (hit && hit.until > now) return hit.live;
    const live = await this.tokens.exists({
      where: { familyId, usedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(new Date(now)) },
    });
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(familyId, { live, until: now + this.config.jwt.sessionCheckCacheMs });
    return live;
  }

  /** Called after a session was ended (logout, reuse, logout-all): forget it here and everywhere. */
  async ended(familyId: string): Promise<void> {
    this.cache.delete(familyId);
    if (this.subscriber) await this.redis?.publish(this.channel, familyId).catch((error: Error) => this.logger.warn(`publish: ${error.message}`));
  }
}
