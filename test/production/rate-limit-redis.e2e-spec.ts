import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { expectRateLimited, freshIp } from '../support/rate-limit.js';
import { createTestApp, TEST_REDIS_URL, type TestApp } from '../support/test-app.js';

const REDIS_URL = TEST_REDIS_URL!;

describe('rate limits in Redis', () => {
  const prefix = `test-${randomUUID()}:`;
  const env = { TRUST_PROXY: 'true', RATE_LIMIT_AUTH_PER_IP: '4', REDIS_URL, REDIS_KEY_PREFIX: prefix };
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    a = await createTestApp(env);
    b = await createTestApp(env);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.quit();
  });

  const refresh = (on: TestApp, ip: string, token = 'shared-secret-refresh') =>
    on.http().post('/auth/refresh').set('x-forwarded-for', ip).send({ refresh_token: token });

  it('should share one counter between two instances', async () => {
    const ip = freshIp();
    expect((await refresh(a, ip)).status).toBe(401);
    expect((await refresh(b, ip)).status).toBe(401);
    expect((await refresh(a, ip)).status).toBe(401);
    expect((await refresh(b, ip)).status).toBe(401);
    expectRateLimited(await refresh(a, ip));
    expectRateLimited(await refresh(b, ip));
  });

  it('should keep counters under the deployment prefix, keyed by a hash of the token and never the token', async () => {
    await refresh(a, freshIp(), 'raw-refresh-token-value');
    const keys = await redis.keys(`${prefix}rate-limit:*`);
    expect(keys.some((k) => k.startsWith(`${prefix}rate-limit:identity:refresh:`))).toBe(true);
    expect(keys.join('\n')).not.toContain('raw-refresh-token-value');
    // Nor the hash refresh_tokens.tokenHash looks it up by: a Redis reader learns no database lookup key.
    expect(keys.join('\n')).not.toContain(createHash('sha256').update('raw-refresh-token-value').digest('base64url'));
    expect(Math.min(...(await Promise.all(keys.map((k) => redis.pttl(k)))))).toBeGreaterThan(0);
  });

  it("should count a request's two limits (its address, its token) in one Redis round trip", async () => {
    const monitor = await redis.monitor();
    const marker = `marker-${randomUUID()}`;
    const seen: string[][] = [];
    const markerSeen = new Promise<void>((resolve) =>
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (args.includes(marker)) resolve();
        // What a client sent, not the commands the script runs inside Redis (their source is "lua").
        else if (source !== 'lua' && args.some((arg) => arg.startsWith(`${prefix}rate-limit:`))) seen.push(args);
      }),
    );
    try {
      await refresh(a, freshIp(), 'one-more-refresh-token');
      // Redis feeds MONITOR in the order it runs commands: once the marker shows, every command of the request has.
      await redis.echo(marker);
      await markerSeen;
    } finally {
      monitor.disconnect();
    }

    expect(seen.map((args) => args[0].toLowerCase())).toEqual(['eval']);
    const keys = seen[0].filter((arg) => arg.startsWith(`${prefix}rate-limit:`));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/rate-limit:ip:/);
    expect(keys[1]).toMatch(/rate-limit:identity:refresh:/);
  });
});
