import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomToken } from '../../common/crypto/random.js';
import { AppError } from '../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { REDIS, redisKey } from '../../redis/redis.module.js';

/** Deletes the lock only if we still hold it: after a PX expiry another instance may own it. */
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const POLL_MS = 50;

/**
 * One refresh per social account at a time. In this process, callers of one key share one promise (single
 * flight). Across instances, with Redis, the flight also holds a short `SET NX PX` lock; losers wait for it and
 * then run their own flight, whose first step re-reads the stored token and finds the winner's fresh one.
 * Without Redis the in-process single flight is all there is (one instance, or an accepted duplicate refresh).
 */
@Injectable()
export class RefreshLock {
  private readonly flights = new Map<string, Promise<string>>();
  /** Longer than a provider call can take (its timeout) plus our two writes, so the winner never outlives it. */
  private readonly lockMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {
    this.lockMs = config.providers.timeoutMs * 2 + 5000;
  }

  run(key: string, work: () => Promise<string>): Promise<string> {
    let flight = this.flights.get(key);
    if (!flight) {
      flight = this.acrossInstances(key, work).finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    return flight;
  }

  private async acrossInstances(key: string, work: () => Promise<string>): Promise<string> {
    if (!this.redis) return work();
    const redis = this.redis;
    const lock = redisKey(this.config, 'provider-token-refresh', key);
    const owner = randomToken();
    const deadline = Date.now() + this.lockMs;
    const acquire = () =>
      redis.set(lock, owner, 'PX', this.lockMs, 'NX').catch((error: unknown) => {
        throw new AppError('service_unavailable', 'The shared state store is unavailable; try again shortly', { cause: error });
      });
    while ((await acquire()) !== 'OK') {
      if (Date.now() > deadline) throw new AppError('service_unavailable', 'Another instance is still refreshing this provider token');
      await sleep(POLL_MS);
    }
    try {
      return await work();
    } finally {
      await redis.eval(RELEASE, 1, lock, owner).catch(() => undefined); // it expires anyway
    }
  }
}
