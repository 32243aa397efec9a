import type { Redis } from 'ioredis';
import { AppError } from '../common/errors/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { redisKey } from '../redis/redis.module.js';
import { OneTimeStore } from './one-time-store.js';

/**
 * One-time values shared by every instance. `take` is a single GETDEL: of two instances taking one key at the
 * same moment, Redis answers the value to exactly one (a GET followed by a DEL would let both through).
 */
export class RedisOneTimeStore extends OneTimeStore {
  constructor(
    private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async putValue(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.call(() => this.redis.set(redisKey(this.config, 'once', key), value, 'EX', ttlSeconds));
  }

  async takeValue(key: string): Promise<string | undefined> {
    return (await this.call(() => this.redis.getdel(redisKey(this.config, 'once', key)))) ?? undefined;
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new AppError('service_unavailable', 'The shared state store is unavailable; try again shortly', { cause: error });
    }
  }
}
