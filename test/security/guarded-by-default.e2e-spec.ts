import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REMEMBERED_REFUSED_ORIGINS } from '../../src/common/http/cors.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle } from '../support/google-login.js';
import { discoverRoutes, type Route } from '../support/routes.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

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
    expect(
      routes
        .filter((r) => r.isPublic)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('should refuse every other route without an access token', async () => {
    for (const route of routes.filter((r) => !r.isPublic)) {
      const url = route.path.replace(':provider', 'google').replace(':id', '00000000-0000-4000-8000-000000000000');
      const res = await t.http()[route.method.toLowerCase() as 'get'](url).send({});
      expect({ route: `${route.method} ${route.path}`, status: res.status, code: res.body.code }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
        code: 'invalid_token',
      });
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
    t
      .http()
      .options('/users/me')
      .set('origin', origin)
      .set('access-control-request-method', 'GET')
      .set('access-control-request-headers', 'authorization');

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

describe('CORS refusals in the log', () => {
  const lines: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    const sink = { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) };
    t = await createTestApp({ CORS_ORIGINS: 'https://app.example.com', LOG_LEVEL: 'warn' }, { logDestination: sink });
  });
  afterAll(() => t?.close());

  const preflight = (origin: string, path = '/users/me') =>
    t.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'OPTIONS',
        url: path,
        headers: { origin, 'access-control-request-method': 'GET' },
      });
  const warnings = () =>
    lines.map((line) => JSON.parse(line) as { level: string; msg: string; origin?: string }).filter((e) => e.level === 'warn');

  it('should warn once per refused origin, naming CORS_ORIGINS, and never for a listed origin or a plain request', async () => {
    lines.length = 0;
    for (let i = 0; i < 3; i++) expect((await preflight('http://localhost:5173')).headers['access-control-allow-origin']).toBeUndefined();
    await preflight('http://localhost:5173', '/auth/providers');
    await preflight('https://app.example.com');
    await t.http().get('/auth/providers').set('origin', 'https://other.example');
    // The OAuth server answers CORS itself, per client: CORS_ORIGINS is not the variable to name there.
    await preflight('https://rp.example', '/.well-known/openid-configuration');
    expect(warnings()).toEqual([
      expect.objectContaining({ origin: 'http://localhost:5173', msg: expect.stringContaining('CORS_ORIGINS') }),
    ]);
    await preflight('https://other.example');
    expect(warnings().map((w) => w.origin)).toEqual(['http://localhost:5173', 'https://other.example']);
  });

  it(`should remember at most ${REMEMBERED_REFUSED_ORIGINS} origins, then say once that it stops logging them`, async () => {
    lines.length = 0;
    for (let i = 0; i < REMEMBERED_REFUSED_ORIGINS + 50; i++) await preflight(`https://spray-${i}.example`);
    // Two origins were remembered by the test above: the rest of the room is logged, then one line says it stops.
    expect(warnings().filter((w) => w.origin !== undefined)).toHaveLength(REMEMBERED_REFUSED_ORIGINS - 2);
    expect(warnings().filter((w) => w.origin === undefined)).toEqual([
      expect.objectContaining({ msg: expect.stringContaining('not logged') }),
    ]);
    lines.length = 0;
    await preflight('https://one-more.example');
    await preflight('http://localhost:5173');
    expect(warnings()).toEqual([]);
  });
});
