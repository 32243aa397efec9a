import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FakeGoogle } from '../fakes/google.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * A signing key Google removes stops verifying once its key set's `Cache-Control: max-age` has passed, not at our
 * own cache ceiling (PROVIDER_JWKS_CACHE_MAX_AGE_MS, 10 minutes by default): ADR 0009. The app's clock
 * (`Date.now`, which the key cache reads) is moved forward instead of waiting; token expiry is checked
 * against the real time, which does not move.
 */
describe('Google key set lifetime from Cache-Control', () => {
  const google = new FakeGoogle();
  const realNow = Date.now.bind(Date);
  let skewMs = 0;
  let t: TestApp;

  beforeAll(async () => {
    // Before the app exists, so every clock read of the app (jose's key cache's among them) sees the skew.
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skewMs);
    await google.start();
    t = await createTestApp({
      GOOGLE_CLIENT_IDS: 'g-app',
      GOOGLE_TOKENINFO_URL: google.tokeninfoUrl,
      GOOGLE_USERINFO_URL: google.userinfoUrl,
      GOOGLE_JWKS_URL: google.jwksUrl,
    });
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
    jest.restoreAllMocks();
  });

  const login = (idToken: string) => t.http().post('/auth/google/token').send({ id_token: idToken });

  it("should refuse tokens of a removed key once the key set's max-age has passed", async () => {
    google.jwksMaxAgeSeconds = 120;
    const [first, second, third] = await Promise.all(['g-1', 'g-2', 'g-3'].map((sub) => google.signIdToken({ sub, aud: 'g-app' })));
    expect((await login(first)).status).toBe(200);
    google.rotateKey({ dropOld: true });

    // Well inside the 120 s (real time passes too: generating the new RSA key takes a moment).
    skewMs = 100_000;
    const again = await login(second);
    expect(again.body).toMatchObject({ is_new_user: true });
    expect(google.jwksFetchCount).toBe(1);

    skewMs = 125_000;
    const res = await login(third);

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_provider_token');
    expect(google.jwksFetchCount).toBe(2);
    expect(await countRows(t.dataSource)).toMatchObject({ users: 2, social_accounts: 2 });
  });
});
