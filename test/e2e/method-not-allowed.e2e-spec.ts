import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle } from '../support/google-login.js';
import { discoverRoutes, type Route } from '../support/routes.js';
import type { TestApp } from '../support/test-app.js';

const CANDIDATES = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const concrete = (path: string) => path.replace(':provider', 'google').replace(':id', '00000000-0000-4000-8000-000000000000');
const safeJson = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
};
const matches = (pattern: string, url: string) => new RegExp(`^${pattern.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`).test(url);

describe('a wrong method on an existing path (RFC 9110 §15.5.6)', () => {
  let t: TestApp;
  let google: FakeGoogle;
  let routes: Route[];

  beforeAll(async () => {
    ({ t, google } = await createAppWithGoogle({ CORS_ORIGINS: 'https://app.example.com' }));
    routes = discoverRoutes(t);
  });
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  const send = (method: string, url: string, headers: Record<string, string> = {}) =>
    t.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: method as 'GET', url, headers });

  it("should answer 405 method_not_allowed with Allow listing the path's methods, on every route", async () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    for (const route of routes) {
      const url = concrete(route.path);
      // The methods of every route answering this URL (`/users/me/social-accounts/link` is also `…/:id`).
      const methods = new Set(routes.filter((r) => matches(r.path, url)).map((r) => r.method));
      // Beside its Nest routes, the OAuth server's raw mount takes GET, POST and OPTIONS on every path under it.
      if (url.startsWith(`${t.config.oauthServer.path}/`)) for (const m of ['GET', 'POST', 'OPTIONS']) methods.add(m);
      const wrong = CANDIDATES.find((m) => !methods.has(m));
      if (wrong === undefined) continue;
      const res = await send(wrong, url);
      const expected = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])].sort();
      expect({
        request: `${wrong} ${url}`,
        status: res.statusCode,
        allow: String(res.headers.allow).split(', ').sort(),
        body: safeJson(res.body),
      }).toEqual({
        request: `${wrong} ${url}`,
        status: 405,
        allow: expected,
        body: { statusCode: 405, code: 'method_not_allowed', message: expect.any(String) },
      });
    }
  });

  it('should answer 405 on routes mounted outside Nest too (JWKS, the OAuth server)', async () => {
    const jwks = await send('POST', '/.well-known/jwks.json');
    expect([jwks.statusCode, jwks.headers.allow]).toEqual([405, 'GET, HEAD']);
    const discovery = await send('DELETE', '/.well-known/openid-configuration?x=1');
    expect(discovery.statusCode).toBe(405);
    expect(String(discovery.headers.allow).split(', ')).toEqual(expect.arrayContaining(['GET', 'OPTIONS']));
  });

  it('should keep 404 not_found for a path that does not exist, whatever the method', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await send(method, '/auth/nope/at/all');
      expect([res.statusCode, res.json().code, res.headers.allow]).toEqual([404, 'not_found', undefined]);
    }
  });

  it('should still answer CORS preflights on every path with a listed origin', async () => {
    const res = await send('OPTIONS', '/users/me', { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH' });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });
});
