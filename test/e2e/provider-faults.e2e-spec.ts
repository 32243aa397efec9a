import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { FakeProviderServer, ProviderFault } from '../fakes/fake-provider-server.js';
import { builtInFakes } from '../support/built-in-fakes.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * A provider that is slow, down, or answers garbage gets a clean 502/504 with a stable code, never a 500,
 * and leaves no rows. PROVIDER_TIMEOUT_MS is 1000 in tests (test/support/test-app.ts).
 */
const FAULTS: Array<[string, ProviderFault, number, string]> = [
  ['slower than the timeout', { kind: 'slow', delayMs: 1500 }, 504, 'provider_timeout'],
  ['answers 503', { kind: 'status', status: 503 }, 502, 'provider_unavailable'],
  ['answers 500 with an HTML page', { kind: 'status', status: 500, body: '<html>oops</html>' }, 502, 'provider_unavailable'],
  ['answers 429', { kind: 'status', status: 429 }, 502, 'provider_unavailable'],
  ['answers malformed JSON', { kind: 'malformed-json' }, 502, 'provider_unavailable'],
  ['answers with the wrong content type', { kind: 'wrong-content-type' }, 502, 'provider_unavailable'],
  ['drops the connection', { kind: 'drop-connection' }, 502, 'provider_unavailable'],
  // PROVIDER_MAX_RESPONSE_BYTES (1 MiB by default): the answer is valid JSON, only its size is wrong.
  ['answers 10 MB announced by Content-Length', { kind: 'huge' }, 502, 'provider_unavailable'],
  ['answers 10 MB in chunks without Content-Length', { kind: 'huge', chunked: true }, 502, 'provider_unavailable'],
];

describe('provider faults', () => {
  const { google, facebook, github, env } = builtInFakes();
  let t: TestApp;

  beforeAll(async () => {
    await Promise.all([google.start(), facebook.start(), github.start()]);
    t = await createTestApp(env());
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google.stop(), facebook.stop(), github.stop()]);
  });
  beforeEach(async () => {
    for (const fake of [google, facebook, github]) fake.reset();
    await t.reset();
  });

  const cases: Array<[string, () => FakeProviderServer, () => Promise<object>]> = [
    ['google (access token)', () => google, async () => ({ access_token: google.issueAccessToken({ sub: 's', aud: 'g-app' }) })],
    ['google (ID token, JWKS fetch)', () => google, async () => ({ id_token: await google.signIdToken({ sub: 's', aud: 'g-app' }) })],
    ['facebook', () => facebook, async () => ({ access_token: facebook.issueAccessToken({ userId: 'u' }) })],
    ['github', () => github, async () => ({ access_token: github.issueAccessToken({ clientId: 'gh-app', id: 1, login: 'u' }) })],
  ];

  for (const [provider, fake, body] of cases) {
    describe(provider, () => {
      for (const [what, fault, status, code] of FAULTS) {
        it(`should answer ${status} ${code} when the provider ${what}, creating nothing`, async () => {
          const payload = await body();
          fake().setFault(fault);
          const res = await t
            .http()
            .post(`/auth/${provider.split(' ')[0]}/token`)
            .send(payload)
            .expect(status);
          expect(res.body).toEqual({ statusCode: status, code, message: expect.any(String) });
          expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
        });
      }
    });
  }

  it('should fail when only the second call fails (userinfo after tokeninfo), creating nothing', async () => {
    google.setFault({ kind: 'status', status: 503, path: '/v1/userinfo' });
    const res = await t
      .http()
      .post('/auth/google/token')
      .send({ access_token: google.issueAccessToken({ sub: 's', aud: 'g-app' }) })
      .expect(502);
    expect(res.body.code).toBe('provider_unavailable');
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });
});
