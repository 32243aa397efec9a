import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { AppError } from '../common/errors/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { redisKey } from '../redis/redis.module.js';
import {
  throttlerRecord,
  type CountsEach,
  type LimitHit,
  type ReadsCounters,
  type ThrottlerStorageRecord,
} from './memory-throttler.storage.js';

/**
 * One counter per key and window, atomic in one script: the first hit starts the window (PEXPIRE), the first hit
 * over the limit starts the block (PEXPIRE again, to `blockDuration`). Every instance sees the same counter,
 * and a key without expiry (a crash between two commands) cannot exist, as it could with INCR then PEXPIRE.
 * Several counters at once, in order, stopping after the first one over its limit (the later ones are not counted):
 * KEYS[i] = counter i; ARGV[3i-2], ARGV[3i-1], ARGV[3i] = its ttl ms, limit, block ms. Returns { hits, ms left } per
 * counter counted, flattened.
 */
const HIT = `
local out = {}
for i, key in ipairs(KEYS) do
  local ttl, limit, block = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
  local hits = redis.call('INCR', key)
  if hits == 1 then redis.call('PEXPIRE', key, ttl) end
  if hits == limit + 1 then redis.call('PEXPIRE', key, block) end
  local left = redis.call('PTTL', key)
  if left < 0 then redis.call('PEXPIRE', key, ttl); left = ttl end
  out[#out + 1] = hits
  out[#out + 1] = left
  if hits > limit then break end
end
return out
`;

/** One counter as it stands, without a hit: { hits, ms left } (a missing key: 0 hits). */
const PEEK = `
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = redis.call('PTTL', KEYS[1])
if left < 0 then return {0, 0} end
return {hits, left}
`;

/**
 * `ThrottlerStorage` on the shared Redis client, for `REDIS_URL` deployments (several instances, one limit). A
 * request's limits are counted in one round trip (`countEach`): each is one more command a login waits for.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, CountsEach, ReadsCounters {
  constructor(
    private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    return (await this.countEach([{ name, key, ttl, limit, blockDuration }]))[0];
  }

  async peek(key: string, limit: number): Promise<ThrottlerStorageRecord> {
    const [hits, left] = await this.script(PEEK, [redisKey(this.config, 'rate-limit', key)], []);
    return throttlerRecord(hits, left, limit);
  }

  async countEach(hits: readonly LimitHit[]): Promise<ThrottlerStorageRecord[]> {
    if (hits.length === 0) return [];
    const keys = hits.map((hit) => redisKey(this.config, 'rate-limit', hit.key));
    const args = hits.flatMap((hit) => [hit.ttl, hit.limit, hit.blockDuration]);
    const result = await this.script(HIT, keys, args);
    return hits.slice(0, result.length / 2).map((hit, i) => throttlerRecord(result[2 * i], result[2 * i + 1], hit.limit));
  }

  private async script(source: string, keys: string[], args: number[]): Promise<number[]> {
    try {
      return (await this.redis.eval(source, keys.length, ...keys, ...args)) as number[];
    } catch (error) {
      // As the other shared stores: refuse rather than silently drop the limit while Redis is away.
      throw new AppError('service_unavailable', 'The shared state store is unavailable; try again shortly', { cause: error });
    }
  }
}
