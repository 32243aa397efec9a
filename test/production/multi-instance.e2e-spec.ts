import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { BrowserSession } from '../../src/cli/browser-session.js';
import { loadConfig } from '../../src/config/app-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source.js';
import { ENTITIES } from '../../src/entities.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { TEST_ENCRYPTION_KEY, TEST_SIGNING_KEY_PEM } from '../fixtures/keys.js';
import { AppProcess, buildOnce, freePort } from '../support/app-process.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/test-app.js';

const CLIENT = 'multi-instance-client';
const RETURN_TO = 'https://app.example.com/signed-in';

interface Session {
  access_token: string;
  refresh_token: string;
  user: { id: string };
}
const json = <T = Session>(res: Response) => res.json() as Promise<T>;

/**
 * Two real app processes on different ports, one PostgreSQL, one Redis: what one instance issues or ends,
 * the other honours at once.
 */
describe('two instances behind a load balancer', () => {
  const google = new FakeGoogle();
  const instances: AppProcess[] = [];
  let dataSource: DataSource;
  let a: AppProcess;
  let b: AppProcess;

  beforeAll(async () => {
    buildOnce();
    await google.start();
    dataSource = new DataSource(
      buildDataSourceOptions(loadConfig({ NODE_ENV: 'test', DATABASE_URL: TEST_DATABASE_URL }).database, ENTITIES),
    );
    await dataSource.initialize();
    await dataSource.dropDatabase();
    await dataSource.runMigrations();
    const env = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_MIGRATE_ON_START: 'false',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `multi-${randomUUID()}:`,
      JWT_PRIVATE_KEYS: TEST_SIGNING_KEY_PEM,
      ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
      JWT_CHECK_SESSION: 'true',
      JWT_SESSION_CHECK_CACHE_MS: '60000',
      RATE_LIMIT_ENABLED: 'false',
      GOOGLE_CLIENT_IDS: CLIENT,
      GOOGLE_JWKS_URL: google.jwksUrl,
      // The redirect flow: both instances answer for one public URL (the load balancer's).
      GOOGLE_CLIENT_SECRETS: 'google-client-secret',
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GOOGLE_AUTHORIZATION_URL: google.authorizationUrl,
      PUBLIC_URL: 'http://lb.example.test',
      AUTH_RETURN_TO_URLS: RETURN_TO,
      DEV_IDP_ENABLED: 'false',
    };
    google.clientIds = [CLIENT];
    a = new AppProcess(await freePort(), env);
    b = new AppProcess(await freePort(), env);
    instances.push(a, b);
    await Promise.all(instances.map((i) => i.start()));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await dataSource?.destroy();
    await google.stop();
  });

  const post = (on: AppProcess, path: string, body: object) =>
    fetch(`${on.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const me = (on: AppProcess, accessToken: string) => fetch(`${on.url}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  const login = async (on: AppProcess, sub: string, nonce?: string) =>
    post(on, '/auth/google/token', {
      id_token: await google.signIdToken({ sub, aud: CLIENT, email: `${sub}@gmail.com`, email_verified: true, nonce }),
    });

  it('should accept on one instance the tokens the other issued', async () => {
    const session = await json(await login(a, 'cross-1'));
    expect((await me(b, session.access_token)).status).toBe(200);
    const refreshed = await post(b, '/auth/refresh', { refresh_token: session.refresh_token });
    expect(refreshed.status).toBe(200);
  });

  it('should finish on one instance a redirect flow started on the other, and take its state and login code once', async () => {
    google.codes.nextAccount = { sub: 'redirect-1', email: 'redirect-1@gmail.com', emailVerified: true };
    const browser = new BrowserSession();
    const start = await browser.get(`${a.url}/auth/google/authorize?return_to=${encodeURIComponent(RETURN_TO)}`);
    const callback = new URL((await browser.get(start.headers.get('location')!)).headers.get('location')!);
    expect(callback.origin).toBe('http://lb.example.test');
    const path = `${callback.pathname}${callback.search}`;
    const cookies = browser.cookieHeader();
    const onB = await browser.get(`${b.url}${path}`);
    expect(onB.status).toBe(302);
    const loginCode = new URLSearchParams(new URL(onB.headers.get('location')!).hash.slice(1)).get('login_code');
    const replayOnA = await fetch(`${a.url}${path}`, { redirect: 'manual', headers: { cookie: cookies } });
    expect([replayOnA.status, (await json<{ code: string }>(replayOnA)).code]).toEqual([400, 'invalid_state']);
    const redeemed = await Promise.all([a, b].map((on) => post(on, '/auth/login-code', { login_code: loginCode })));
    expect(redeemed.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('should accept a nonce issued by one instance once on the other, and never twice', async () => {
    const { nonce } = await json<{ nonce: string }>(await fetch(`${a.url}/auth/google/nonce`));
    const idToken = await google.signIdToken({ sub: 'nonce-1', aud: CLIENT, nonce });
    const results = await Promise.all([b, a, b, a].map((on) => post(on, '/auth/google/token', { id_token: idToken })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
  });

  it('should refuse on one instance a refresh token rotated on the other, and end the family everywhere', async () => {
    const first = await json(await login(a, 'reuse-1'));
    const second = await json(await post(a, '/auth/refresh', { refresh_token: first.refresh_token }));
    const reuse = await post(b, '/auth/refresh', { refresh_token: first.refresh_token });
    expect(reuse.status).toBe(401);
    expect((await json<{ code: string }>(reuse)).code).toBe('refresh_token_reused');
    expect((await post(a, '/auth/refresh', { refresh_token: second.refresh_token })).status).toBe(401);
    expect((await me(a, second.access_token)).status).toBe(401);
  });

  it('should stop an access token on every instance the moment its session ends on one', async () => {
    const session = await json(await login(a, 'logout-1'));
    // JWT_CHECK_SESSION with a 60 s cache: B now holds "live" for this session...
    expect((await me(b, session.access_token)).status).toBe(200);
    expect((await post(a, '/auth/logout', { refresh_token: session.refresh_token })).status).toBe(204);
    // ...and only Redis pub/sub can tell it otherwise before the cache expires.
    expect((await me(b, session.access_token)).status).toBe(401);
  });

  it('should make one user from 50 concurrent first logins of one identity spread over both', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => login(i % 2 ? a : b, 'stampede-1')));
    const bodies = await Promise.all(results.map((r) => json(r)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(bodies.map((body) => body.user.id)).size).toBe(1);
    const [{ users }] = await dataSource.query(
      `SELECT COUNT(*)::int AS users FROM users u JOIN social_accounts s ON s."userId" = u.id WHERE s.uid = 'stampede-1'`,
    );
    expect(users).toBe(1);
  });
});
