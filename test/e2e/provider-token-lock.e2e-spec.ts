import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../src/config/app-config.js';
import { RefreshLock } from '../../src/providers/tokens/refresh-lock.js';
import { freePort } from '../support/app-process.js';
import { RedisServer } from '../support/redis-server.js';

/**
 * Two instances of the app, as far as the refresh lock is concerned: each its own `RefreshLock` (so its own
 * in-process single flight) and its own Redis connection. Only the Redis lock can keep them from overlapping.
 */
describe('RefreshLock across instances (Redis SET NX PX)', () => {
  const config = { providers: { timeoutMs: 1000 }, redis: { keyPrefix: `test-${randomUUID()}:` } } as AppConfig;
  let server: RedisServer;
  const clients: Redis[] = [];
  let a: RefreshLock;
  let b: RefreshLock;

  beforeAll(async () => {
    server = new RedisServer(await freePort());
    await server.start();
    clients.push(new Redis(server.url), new Redis(server.url));
    [a, b] = clients.map((redis) => new RefreshLock(config, redis)) as [RefreshLock, RefreshLock];
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await server?.stop();
  });

  /** Work that records how many flights run at once. */
  const tracker = () => {
    const state = { running: 0, max: 0, done: [] as string[] };
    const work =
      (name: string, fail = false) =>
      async () => {
        state.max = Math.max(state.max, ++state.running);
        await sleep(150);
        state.running--;
        state.done.push(name);
        if (fail) throw new Error(`${name} failed`);
        return name;
      };
    return { state, work };
  };

  it('should let only one instance at a time renew one user+provider, the other waiting its turn', async () => {
    const { state, work } = tracker();
    const results = await Promise.all([a.run('u1:google', work('a')), b.run('u1:google', work('b'))]);
    expect(results.sort()).toEqual(['a', 'b']);
    expect(state.max).toBe(1);
    expect(await clients[0].keys(`${config.redis.keyPrefix}*`)).toEqual([]); // released, not left to expire
  });

  it('should hand the lock on when the holder fails', async () => {
    const { state, work } = tracker();
    const [first, second] = await Promise.allSettled([a.run('u2:google', work('a', true)), b.run('u2:google', work('b'))]);
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(state.max).toBe(1);
  });

  it('should not make other users wait', async () => {
    const { state, work } = tracker();
    await Promise.all([a.run('u3:google', work('a')), b.run('u4:google', work('b'))]);
    expect(state.max).toBe(2);
  });
});
