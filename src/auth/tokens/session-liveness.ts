import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { RefreshToken } from './refresh-token.entity.js';

const MAX_ENTRIES = 50_000;

/**
 * Answers "is this session still live?" for `JWT_CHECK_SESSION=true`, so access tokens of an ended session stop
 * working before they expire. Answers are cached for `JWT_SESSION_CHECK_CACHE_MS`; this process forgets an
 * entry the moment it ends the session itself.
 */
@Injectable()
export class SessionLiveness {
  private readonly cache = new Map<string, { live: boolean; until: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
  ) {}

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

  forget(familyId: string): void {
    this.cache.delete(familyId);
  }
}
