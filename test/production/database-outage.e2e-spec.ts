import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Logger } from 'typeorm';
import { FakeGoogle } from '../fakes/google.fake.js';
import { eventually } from '../support/eventually.js';
import { GOOGLE_WEB_CLIENT, loginWithGoogle, type LoginResult } from '../support/google-login.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { countRows, createTestApp, TEST_DATABASE_URL, TEST_REDIS_URL, type TestApp } from '../support/test-app.js';

const RETURN_TO = 'https://app.example.com/signed-in';

const through = (url: string, proxy: TcpProxy) => {
  const u = new URL(url);
  u.host = `127.0.0.1:${proxy.port}`;
  return u.toString();
};

/**
 * PostgreSQL taken away for real (behind a proxy the test cuts): requests that need it answer
 * `503 service_unavailable` with `Retry-After`, as /health/ready does, and a login cut mid-transaction leaves
 * nothing. Redis going away: test/e2e/health.e2e-spec.ts.
 */
describe('PostgreSQL outages', () => {
  const google = new FakeGoogle();
  let pgProxy: TcpProxy;
  let t: TestApp;
  let session: LoginResult;

  beforeAll(async () => {
    await google.start();
    const database = new URL(TEST_DATABASE_URL!);
    pgProxy = new TcpProxy(database.hostname, Number(database.port || 5432));
    await pgProxy.start();
    t = await createTestApp({
      DATABASE_URL: through(TEST_DATABASE_URL!, pgProxy),
      REDIS_URL: TEST_REDIS_URL,
      GOOGLE_CLIENT_IDS: GOOGLE_WEB_CLIENT,
      GOOGLE_JWKS_URL: google.jwksUrl,
      GOOGLE_TOKENINFO_URL: google.tokeninfoUrl,
      GOOGLE_USERINFO_URL: google.userinfoUrl,
      GOOGLE_CLIENT_SECRETS: 'google-client-secret',
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GOOGLE_AUTHORIZATION_URL: google.authorizationUrl,
      AUTH_RETURN_TO_URLS: RETURN_TO,
    });
    google.clientIds = [GOOGLE_WEB_CLIENT];
    session = await loginWithGoogle(t, google, 'g-before-outage');
  });
  afterAll(async () => {
    await t?.close();
    await pgProxy?.stop();
    await google.stop();
  });

  const expectUnavailable = (res: { status: number; body: { code?: string }; headers: Record<string, string> }) => {
    expect({ status: res.status, code: res.body.code, cacheable: res.headers['cache-control'] }).toMatchObject({
      status: 503,
      code: 'service_unavailable',
    });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  };

  it('should answer a login, a refresh and /users/me with 503 and Retry-After while PostgreSQL is cut, and change nothing', async () => {
    const before = await countRows(t.dataSource);
    const idToken = await google.signIdToken({
      sub: 'g-during-outage',
      aud: GOOGLE_WEB_CLIENT,
      email: 'during@gmail.com',
      email_verified: true,
    });
    pgProxy.cut();
    try {
      expectUnavailable(await t.http().post('/auth/google/token').send({ id_token: idToken }));
      expectUnavailable(await t.http().post('/auth/refresh').send({ refresh_token: session.refresh_token }));
      expectUnavailable(await t.http().get('/users/me').set('authorization', `Bearer ${session.access_token}`));
      await t.http().get('/health/ready').expect(503);
    } finally {
      pgProxy.restore();
    }
    await eventually('the database is back', async () => (await t.http().get('/health/ready')).status === 200);
    expect(await countRows(t.dataSource)).toEqual(before);
    // The refresh that failed did not rotate the token: it still works, once.
    await t.http().post('/auth/refresh').send({ refresh_token: session.refresh_token }).expect(200);
  });

  it('should leave no user behind when PostgreSQL goes away in the middle of a login transaction', async () => {
    const before = await countRows(t.dataSource);
    const idToken = await google.signIdToken({
      sub: 'g-mid-transaction',
      aud: GOOGLE_WEB_CLIENT,
      email: 'mid@gmail.com',
      email_verified: true,
    });
    // Cut the connection when the login sends its second write: the user row has been sent, nothing committed.
    const writes: string[] = [];
    const original = t.dataSource.logger;
    const cutter: Partial<Logger> = {
      logQuery: (sql: string) => {
        if (/^\s*INSERT/i.test(sql)) writes.push(sql);
        if (writes.length === 2 && !pgCutDone) {
          pgCutDone = true;
          pgProxy.cut();
        }
      },
    };
    let pgCutDone = false;
    Object.assign(t.dataSource, { logger: { ...original, ...cutter, logQueryError: () => undefined, log: () => undefined } });
    try {
      expectUnavailable(await t.http().post('/auth/google/token').send({ id_token: idToken }));
    } finally {
      Object.assign(t.dataSource, { logger: original });
      pgProxy.restore();
    }
    expect(writes[0]).toMatch(/INSERT INTO "users"/);
    await eventually('the database is back', async () => (await t.http().get('/health/ready')).status === 200);
    expect(await countRows(t.dataSource)).toEqual(before);
    // And the same login succeeds afterwards, as a new user.
    const again = await google.signIdToken({
      sub: 'g-mid-transaction',
      aud: GOOGLE_WEB_CLIENT,
      email: 'mid@gmail.com',
      email_verified: true,
    });
    expect((await t.http().post('/auth/google/token').send({ id_token: again }).expect(200)).body.is_new_user).toBe(true);
  });

  it('should bring a redirect-flow sign-in that meets a PostgreSQL outage back as service_unavailable, not internal_error', async () => {
    const before = await countRows(t.dataSource);
    google.codes.nextAccount = { sub: 'g-redirect-outage', email: 'redirect@gmail.com', emailVerified: true };
    const start = await t
      .http()
      .get(`/auth/google/authorize?return_to=${encodeURIComponent(RETURN_TO)}`)
      .expect(302);
    const cookie = String(start.headers['set-cookie']).split(';')[0];
    const atGoogle = await fetch(start.headers.location, { redirect: 'manual' });
    const callback = new URL(atGoogle.headers.get('location')!);
    pgProxy.cut();
    try {
      const back = await t.http().get(`${callback.pathname}${callback.search}`).set('cookie', cookie).expect(302);
      const fragment = new URLSearchParams(new URL(back.headers.location).hash.slice(1));
      expect(fragment.get('error')).toBe('service_unavailable');
    } finally {
      pgProxy.restore();
    }
    await eventually('the database is back', async () => (await t.http().get('/health/ready')).status === 200);
    expect(await countRows(t.dataSource)).toEqual(before);
  });
});
