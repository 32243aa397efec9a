import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { AppError } from '../common/errors/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { redisKey } from '../redis/redis.module.js';
import { throttlerRecord } from './memory-throttler.storage.js';

/**
 * One counter per key and window, atomic in one script: the first hit starts the window (PEXPIRE), the first hit
 * over the limit starts the block (PEXPIRE again, to `blockDuration`). Every instance sees the same counter,
 * and a key without expiry (a crash between two commands) cannot exist, as it could with INCR then PEXPIRE.
 * KEYS[1] = counter; ARGV = ttl ms, limit, block ms. Returns { hits, ms left }.
 */
const HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if hits == tonumber(ARGV[2]) + 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return { hits, left }
`;

/** `ThrottlerStorage` on the shared Redis client, for `REDIS_URL` deployments (several instances, one limit). */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number): ReturnType<ThrottlerStorage['increment']> {
    let result: [number, number];
    try {
      result = (await this.redis.eval(HIT, 1, redisKey(this.config, 'rate-limit', key), ttl, limit, blockDuration)) as [number, number];
    } catch (error) {
      // As the other shared stores: refuse rather than silently drop the limit while Redis is away.
      throw new AppError('service_unavailable', 'The shared state store is unavailable; try again shortly', { cause: error });
    }
    return throttlerRecord(result[0], result[1], limit);
  }
}
