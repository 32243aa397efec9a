import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { MoreThan, type Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { REDIS, redisKey } from '../../redis/redis.module.js';
import { OAuthRecord } from '../oauth-record.entity.js';

const MAX_ENTRIES = 50_000;

/**
 * "Is this grant still live?" for third-party access tokens, which are JWTs nobody stores: each names its grant
 * (`gid`, the grant id's SHA-256), and our API asks here on every request. Answers are cached for
 * JWT_SESSION_CHECK_CACHE_MS, like first-party sessions (src/auth/tokens/session-liveness.ts); a revocation here
 * clears the entry at once, and on every other instance through Redis pub/sub when configured. So a revoked grant
 * (RFC 7009 revocation, the user, an admin deleting the application) stops its tokens within that time at most.
 */
@Injectable()
export class GrantLiveness implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GrantLiveness.name);
  private readonly cache = new Map<string, { live: boolean; until: number }>();
  private readonly channel: string;
  private subscriber: Redis | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(OAuthRecord) private readonly records: Repository<OAuthRecord>,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {
    this.channel = redisKey(config, 'grant-ended');
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, grantHash: string) => this.cache.delete(grantHash));
    this.subscriber.on('error', (error: Error) => this.logger.warn(`grant-ended subscriber: ${error.message}`));
    if (this.subscriber.status === 'wait') await this.subscriber.connect();
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  async isLive(grantHash: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.cache.get(grantHash);
    if (hit && hit.until > now) return hit.live;
    const live = await this.records.exists({ where: { model: 'Grant', idHash: grantHash, expiresAt: MoreThan(new Date(now)) } });
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(grantHash, { live, until: now + this.config.jwt.sessionCheckCacheMs });
    return live;
  }

  /** Called after a grant was revoked: forget it here and everywhere. */
  async ended(grantHash: string): Promise<void> {
    this.cache.delete(grantHash);
    if (this.subscriber) await this.redis?.publish(this.channel, grantHash).catch((error: Error) => this.logger.warn(`publish: ${error.message}`));
  }
}
