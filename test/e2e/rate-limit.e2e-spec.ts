import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { AuthRateLimitGuard } from '../../src/rate-limit/auth-rate-limit.guard.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import { expectRateLimited, freshIp } from '../support/rate-limit.js';
import { createTestApp, TEST_REDIS_URL, type TestApp } from '../support/test-app.js';

/** The Redis variant runs when the environment names a Redis (CI's second pass); test/production/ has the rest. */
const STORAGES: Array<{ storage: string; redisUrl: string | undefined }> = [
  { storage: 'memory', redisUrl: undefined },
  ...(TEST_REDIS_URL ? [{ storage: 'redis', redisUrl: TEST_REDIS_URL }] : []),
];

/** Behind a trusted proxy, so each test speaks from addresses of its own and counters never carry over. */
const TIGHT = { TRUST_PROXY: 'true', RATE_LIMIT_AUTH_PER_IP: '10', RATE_LIMIT_AUTH_PER_IDENTITY: '3', RATE_LIMIT_WINDOW_SECONDS: '60' };

describe.each(STORAGES)(`${AuthRateLimitGuard.name} with $storage storage`, ({ redisUrl }) => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => ({ t, google } = await createAppWithGoogle({ ...TIGHT, REDIS_URL: redisUrl })));
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  const nonce = (ip: string) => t.http().get('/auth/google/nonce').set('x-forwarded-for', ip);
  const refresh = (ip: string, token: string) => t.http().post('/auth/refresh').set('x-forwarded-for', ip).send({ refresh_token: token });
  const sessions = (ip: string, access: string) =>
    t.http().get('/auth/sessions').set('x-forwarded-for', ip).set('authorization', `Bearer ${access}`);

  it('should answer 429 rate_limited with Retry-After once an IP spent its budget, on any /auth route', async () => {
    const ip = freshIp();
    for (let i = 0; i < 10; i++) expect((await nonce(ip)).status).toBe(200);
    expectRateLimited(await nonce(ip));
    expectRateLimited(await refresh(ip, 'some-refresh-token'));
    expect((await nonce(freshIp())).status).toBe(200);
  });

  it('should count each rejection in the metrics, by route pattern', async () => {
    const rejections = async () => {
      const metric = await t.app.get(MetricsService).registry.getSingleMetric('nsa_rate_limit_rejections_total')!.get();
      return metric.values.find((v) => v.labels.route === '/auth/:provider/nonce')?.value ?? 0;
    };
    const before = await rejections();
    const ip = freshIp();
    for (let i = 0; i < 12; i++) await nonce(ip);
    expect((await rejections()) - before).toBe(2);
  });

  it('should limit one refresh token below the per-IP limit and still serve another token from that IP', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect((await refresh(ip, 'token-a')).body.code).toBe('invalid_refresh_token');
    expectRateLimited(await refresh(ip, 'token-a'));
    expect((await refresh(ip, 'token-b')).body.code).toBe('invalid_refresh_token');
  });

  it('should limit one refresh token however many addresses present it', async () => {
    for (let i = 0; i < 3; i++) expect((await refresh(freshIp(), 'token-c')).status).toBe(401);
    expectRateLimited(await refresh(freshIp(), 'token-c'));
  });

  it('should limit one provider token before asking the provider about it', async () => {
    const calls = () => google.requests.filter((r) => r.path === '/tokeninfo').length;
    const before = calls();
    const login = () => t.http().post('/auth/google/token').set('x-forwarded-for', freshIp()).send({ access_token: 'ya29.stolen' });
    for (let i = 0; i < 3; i++) expect((await login()).body.code).toBe('invalid_provider_token');
    expectRateLimited(await login());
    expect(calls() - before).toBe(3);
  });

  it('should limit a signed-in user on /auth routes and still serve another user from the same IP', async () => {
    const ada = await loginWithGoogle(t, google, `ada-${randomUUID()}`);
    const bob = await loginWithGoogle(t, google, `bob-${randomUUID()}`);
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect((await sessions(ip, ada.access_token)).status).toBe(200);
    expectRateLimited(await sessions(ip, ada.access_token));
    expect((await sessions(ip, bob.access_token)).status).toBe(200);
  });

  it('should not spend the login budget on the reads a SPA makes on every page load (providers, JWKS, metadata)', async () => {
    const ip = freshIp();
    const reads = ['/auth/providers', '/.well-known/jwks.json', '/.well-known/openid-configuration'];
    // More reads than the whole budget of 10: none of them is refused, and none is counted.
    for (let i = 0; i < 4; i++) {
      for (const path of reads) expect((await t.http().get(path).set('x-forwarded-for', ip)).status).toBe(200);
    }
    for (let i = 0; i < 10; i++) expect((await nonce(ip)).status).toBe(200);
    expectRateLimited(await t.http().post('/auth/google/token').set('x-forwarded-for', ip).send({ access_token: 'ya29.over-budget' }));
    expect((await t.http().get('/auth/providers').set('x-forwarded-for', ip)).status).toBe(200);
  });

  it('should leave routes outside /auth alone, even for an IP over its /auth budget', async () => {
    const { access_token } = await loginWithGoogle(t, google, `cy-${randomUUID()}`);
    const ip = freshIp();
    for (let i = 0; i < 11; i++) await nonce(ip);
    expectRateLimited(await nonce(ip));
    for (let i = 0; i < 15; i++) {
      expect((await t.http().get('/users/me').set('x-forwarded-for', ip).set('authorization', `Bearer ${access_token}`)).status).toBe(200);
    }
    expect((await t.http().get('/.well-known/jwks.json').set('x-forwarded-for', ip)).status).toBe(200);
  });
});

describe('RATE_LIMIT_ENABLED=false', () => {
  let t: TestApp;

  beforeAll(
    async () => (t = await createTestApp({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_AUTH_PER_IP: '1', RATE_LIMIT_AUTH_PER_IDENTITY: '1' })),
  );
  afterAll(() => t?.close());

  it('should serve every request', async () => {
    for (let i = 0; i < 5; i++) expect((await t.http().post('/auth/refresh').send({ refresh_token: 'x' })).status).toBe(401);
  });
});

describe('TRUST_PROXY naming the proxy', () => {
  let t: TestApp;

  // The test client connects from 127.0.0.1: it plays the load balancer, which appends the address it saw.
  beforeAll(async () => (t = await createTestApp({ TRUST_PROXY: 'loopback', RATE_LIMIT_AUTH_PER_IP: '3' })));
  afterAll(() => t?.close());

  it('should count a client by the address our proxy saw, whatever it forges before it', async () => {
    const real = freshIp();
    const forged = () => t.http().get('/auth/google/nonce').set('x-forwarded-for', `${freshIp()}, ${real}`);

    for (let i = 0; i < 3; i++) expect((await forged()).status).not.toBe(429);
    expectRateLimited(await forged());
  });
});
