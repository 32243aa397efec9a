import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAppWithGoogle } from '../support/google-login.js';
import { discoverRoutes, type Route } from '../support/routes.js';
import type { TestApp } from '../support/test-app.js';
import type { FakeGoogle } from '../fakes/google.fake.js';

/** Making a route public is a decision: it must be listed here, and every other route must refuse anonymous calls. */
const PUBLIC_ROUTES = [
  'GET /.well-known/jwks.json',
  'GET /.well-known/oauth-protected-resource',
  'GET /auth/:provider/authorize',
  'GET /auth/:provider/callback',
  'GET /auth/:provider/nonce',
  'GET /auth/providers',
  'GET /health/live',
  'GET /health/ready',
  'POST /auth/:provider/callback',
  'POST /auth/:provider/code',
  'POST /auth/:provider/token',
  'POST /auth/complete',
  'POST /auth/login-code',
  'POST /auth/logout',
  'POST /auth/refresh',
];

describe('routes are guarded by default', () => {
  let t: TestApp;
  let google: FakeGoogle;
  let routes: Route[];

  beforeAll(async () => {
    ({ t, google } = await createAppWithGoogle());
    routes = discoverRoutes(t);
  });
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  it('should find the routes (so the checks below cannot pass on an empty list)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
  });

  it('should have exactly the listed public routes', () => {
    expect(routes.filter((r) => r.isPublic).map((r) => `${r.method} ${r.path}`).sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('should refuse every other route without an access token', async () => {
    for (const route of routes.filter((r) => !r.isPublic)) {
      const url = route.path.replace(':provider', 'google').replace(':id', '00000000-0000-4000-8000-000000000000');
      const res = await t.http()[route.method.toLowerCase() as 'get'](url).send({});
      expect({ route: `${route.method} ${route.path}`, status: res.status, code: res.body.code })
        .toEqual({ route: `${route.method} ${route.path}`, status: 401, code: 'invalid_token' });
    }
  });
});

describe('CORS', () => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => ({ t, google } = await createAppWithGoogle({ CORS_ORIGINS: 'https://app.example.com' })));
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  const preflight = (origin: string) =>
    t.http().options('/users/me').set('origin', origin).set('access-control-request-method', 'GET').set('access-control-request-headers', 'authorization');

  it('should allow a listed frontend origin, with the Authorization header', async () => {
    const res = await preflight('https://app.example.com');
    expect(res.status).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(res.headers['access-control-allow-headers']).toContain('authorization');
  });

  it('should not allow an origin that is not listed, look-alikes included', async () => {
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.test', 'http://app.example.com']) {
      expect((await preflight(origin)).headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
