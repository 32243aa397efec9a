import type { ThrottlerStorage } from '@nestjs/throttler';

/** Not exported by @nestjs/throttler's index; this is its shape. */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** One limit's counter to add a hit to: `ttl` and `blockDuration` in ms, as `ThrottlerStorage.increment` takes them. */
export interface LimitHit {
  /** The limit's name (ThrottlerStorage's `throttlerName`). */
  name: string;
  key: string;
  ttl: number;
  limit: number;
  blockDuration: number;
}

/**
 * A storage that adds a hit to several counters in one call, in order, stopping after the first one over its limit
 * (the later ones are not counted): AuthThrottler's two limits of a request in one Redis round trip, not two.
 */
export interface CountsEach {
  countEach(hits: readonly LimitHit[]): Promise<ThrottlerStorageRecord[]>;
}

/**
 * A storage that reads a counter without adding a hit: for a limit whose hits are counted after the answer, only for
 * some answers (OAuthRateLimiter's per-client limit counts a client's successful requests).
 */
export interface ReadsCounters {
  /** The counter as it stands (no window yet, or an ended one: 0 hits), as `increment` would report it without the hit. */
  peek(key: string, limit: number): Promise<ThrottlerStorageRecord>;
}

interface Counter {
  hits: number;
  /** When the window (or, once over the limit, the block) ends, in ms since the epoch. */
  endsAt: number;
}

/** Expired counters are dropped at most this often, in one pass over the map. */
const SWEEP_EVERY_MS = 10_000;

/**
 * `ThrottlerStorage` in this process's memory, for deployments without `REDIS_URL`: one counter per key and fixed
 * window, the same rule as RedisThrottlerStorage's script (the first hit starts the window, the first hit over
 * the limit starts the block, until then every hit only counts), so a limit behaves alike with and without Redis.
 *
 * It replaces @nestjs/throttler's own storage, which keeps the expiry time of every hit in the window in an array
 * per key and filters that array on every request: with the per-IP key of a busy address that is O(hits) per hit and
 * about 100 MB after 20,000 logins (docs/decisions/0006-request-path-performance.md). Here a hit is O(1), a key costs
 * one small object, and counters whose window ended are swept while hits arrive.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, CountsEach, ReadsCounters {
  private readonly counters = new Map<string, Counter>();
  private nextSweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Live counters, for tests. */
  get size(): number {
    return this.counters.size;
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    if (now >= this.nextSweepAt) this.sweep(now);
    let counter = this.counters.get(key);
    if (!counter || counter.endsAt <= now) {
      counter = { hits: 0, endsAt: now + ttl };
      this.counters.set(key, counter);
    }
    counter.hits++;
    if (counter.hits === limit + 1) counter.endsAt = now + blockDuration;
    return Promise.resolve(throttlerRecord(counter.hits, counter.endsAt - now, limit));
  }

  peek(key: string, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const counter = this.counters.get(key);
    const live = counter !== undefined && counter.endsAt > now;
    return Promise.resolve(throttlerRecord(live ? counter.hits : 0, live ? counter.endsAt - now : 0, limit));
  }

  async countEach(hits: readonly LimitHit[]): Promise<ThrottlerStorageRecord[]> {
    const records: ThrottlerStorageRecord[] = [];
    for (const { key, ttl, limit, blockDuration } of hits) {
      const record = await this.increment(key, ttl, limit, blockDuration);
      records.push(record);
      if (record.isBlocked) break;
    }
    return records;
  }

  private sweep(now: number): void {
    for (const [key, counter] of this.counters) if (counter.endsAt <= now) this.counters.delete(key);
    this.nextSweepAt = now + SWEEP_EVERY_MS;
  }
}

/** What ThrottlerStorage answers for a counter at `hits` whose window (or block) ends in `leftMs`: whole seconds, at least one. */
export function throttlerRecord(hits: number, leftMs: number, limit: number): ThrottlerStorageRecord {
  const seconds = Math.max(1, Math.ceil(leftMs / 1000));
  const isBlocked = hits > limit;
  return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
}
