import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGoogle } from '../fakes/google.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const WEB_CLIENT = 'web-client.apps.googleusercontent.com';
const IOS_CLIENT = 'ios-client.apps.googleusercontent.com';

describe('POST /auth/google/token', () => {
  const google = new FakeGoogle();
  let t: TestApp;

  beforeAll(async () => {
    await google.start();
    t = await createTestApp({
      GOOGLE_CLIENT_IDS: `${WEB_CLIENT},${IOS_CLIENT}`,
      GOOGLE_TOKENINFO_URL: google.tokeninfoUrl,
      GOOGLE_USERINFO_URL: google.userinfoUrl,
      GOOGLE_JWKS_URL: google.jwksUrl,
    });
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });
  beforeEach(async () => {
    google.reset();
    await t.reset();
  });

  const login = (body: object) => t.http().post('/auth/google/token').send(body);

  describe('with an access token', () => {
    it('should create a user on first login and answer our tokens', async () => {
      const token = google.issueAccessToken({
        sub: 'g-1',
        aud: WEB_CLIENT,
        email: 'Ada@gmail.com',
        emailVerified: true,
        name: 'Ada Lovelace',
        givenName: 'Ada',
        familyName: 'Lovelace',
      });
      const res = await login({ access_token: token }).expect(200);
      expect(res.body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 900,
        is_new_user: true,
        user: {
          username: 'ada',
          email: 'ada@gmail.com',
          email_verified: true,
          name: 'Ada Lovelace',
          first_name: 'Ada',
          last_name: 'Lovelace',
        },
      });
      expect(typeof res.body.access_token).toBe('string');
      expect(typeof res.body.refresh_token).toBe('string');
      expect(await countRows(t.dataSource)).toEqual({ users: 1, social_accounts: 1, refresh_tokens: 1 });
    });

    it('should keep the provider token encrypted at rest', async () => {
      const token = google.issueAccessToken({ sub: 'g-1', aud: WEB_CLIENT });
      await login({ access_token: token }).expect(200);
      const [row] = await t.dataSource.query('SELECT "accessTokenEncrypted" AS enc FROM social_accounts');
      expect(row.enc).toMatch(/^v2\.test\./);
      expect(row.enc).not.toContain(token);
    });

    it('should recognise a returning user and refresh the profile', async () => {
      await login({ access_token: google.issueAccessToken({ sub: 'g-1', aud: WEB_CLIENT, name: 'Ada' }) }).expect(200);
      const res = await login({ access_token: google.issueAccessToken({ sub: 'g-1', aud: WEB_CLIENT, name: 'Ada L.' }) }).expect(200);
      expect(res.body.is_new_user).toBe(false);
      expect(res.body.user.name).toBe('Ada L.');
      expect(await countRows(t.dataSource)).toMatchObject({ users: 1, social_accounts: 1, refresh_tokens: 2 });
    });

    it('should accept a token issued to another of our client ids (azp)', async () => {
      const token = google.issueAccessToken({ sub: 'g-2', aud: 'some-backend', azp: IOS_CLIENT });
      await login({ access_token: token }).expect(200);
    });

    it('should refuse a token issued to another application, creating nothing', async () => {
      const token = google.issueAccessToken({ sub: 'g-1', aud: 'evil-app.apps.googleusercontent.com' });
      const res = await login({ access_token: token }).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'provider_token_audience_mismatch' });
      expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
      expect(google.requests.some((r) => r.path.endsWith('/userinfo'))).toBe(false);
    });

    it('should refuse a token Google does not know', async () => {
      const res = await login({ access_token: 'ya29.not-a-real-token' }).expect(401);
      expect(res.body.code).toBe('invalid_provider_token');
      expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    });
  });

  describe('with an ID token', () => {
    const claims = (extra: Record<string, unknown> = {}) => ({
      sub: 'g-9',
      aud: WEB_CLIENT,
      email: 'grace@gmail.com',
      email_verified: true,
      name: 'Grace Hopper',
      ...extra,
    });

    it('should verify it locally and log in, without calling tokeninfo or userinfo', async () => {
      const res = await login({ id_token: await google.signIdToken(claims()) }).expect(200);
      expect(res.body.user).toMatchObject({ email: 'grace@gmail.com', email_verified: true, username: 'grace' });
      expect(google.requests.some((r) => r.path.includes('tokeninfo') || r.path.includes('userinfo'))).toBe(false);
    });

    it('should refuse an ID token for another audience', async () => {
      const res = await login({ id_token: await google.signIdToken(claims({ aud: 'someone-else' })) }).expect(401);
      expect(res.body.code).toBe('provider_token_audience_mismatch');
    });

    it('should refuse an ID token that is also meant for a client we do not trust (OIDC Core 3.1.3.7 step 3)', async () => {
      const res = await login({
        id_token: await google.signIdToken(claims({ aud: [WEB_CLIENT, 'someone-else'], azp: WEB_CLIENT })),
      }).expect(401);
      expect(res.body.code).toBe('provider_token_audience_mismatch');
    });

    it('should refuse an ID token whose azp is not one of our clients', async () => {
      const res = await login({ id_token: await google.signIdToken(claims({ azp: 'someone-else' })) }).expect(401);
      expect(res.body.code).toBe('provider_token_audience_mismatch');
    });

    it('should refuse an ID token from another issuer', async () => {
      const res = await login({ id_token: await google.signIdToken(claims({ iss: 'https://evil.example' })) }).expect(401);
      expect(res.body.code).toBe('invalid_provider_token');
    });

    it('should refuse an expired ID token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const res = await login({ id_token: await google.signIdToken(claims({ iat: now - 7200, exp: now - 3600 })) }).expect(401);
      expect(res.body).toMatchObject({ code: 'invalid_provider_token', message: expect.stringContaining('expired') });
    });

    it('should refuse an unsigned (alg: none) ID token', async () => {
      const res = await login({ id_token: await google.makeUnsignedIdToken(claims()) }).expect(401);
      expect(res.body.code).toBe('invalid_provider_token');
    });

    it('should refuse an ID token signed with a key Google does not publish', async () => {
      const res = await login({ id_token: await google.signWithForeignKey(claims()) }).expect(401);
      expect(res.body.code).toBe('invalid_provider_token');
    });

    it("should refuse an HS256 token keyed with Google's public key (algorithm confusion)", async () => {
      const res = await login({ id_token: await google.signWithPublicKeyAsHmacSecret(claims()) }).expect(401);
      expect(res.body.code).toBe('invalid_provider_token');
    });
  });

  describe('email trust', () => {
    it('should not mark a verified non-Google address as verified without hd', async () => {
      const res = await login({
        id_token: await google.signIdToken({ sub: 'g-3', aud: WEB_CLIENT, email: 'x@outlook.com', email_verified: true }),
      }).expect(200);
      expect(res.body.user.email_verified).toBe(false);
    });

    it('should trust a Workspace address (hd claim)', async () => {
      const res = await login({
        id_token: await google.signIdToken({
          sub: 'g-4',
          aud: WEB_CLIENT,
          email: 'bo@corp.example',
          email_verified: true,
          hd: 'corp.example',
        }),
      }).expect(200);
      expect(res.body.user.email_verified).toBe(true);
    });
  });

  describe('input', () => {
    it('should answer 400 validation_failed without a token', async () => {
      const res = await login({}).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    });

    it('should answer 400 for both tokens at once', async () => {
      await login({ access_token: 'a', id_token: 'b' }).expect(400);
    });

    it('should answer 400 for a non-string token', async () => {
      const res = await login({ access_token: 42 }).expect(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('should answer 404 unknown_provider for a provider that is not enabled', async () => {
      const res = await t.http().post('/auth/myspace/token').send({ access_token: 'x' }).expect(404);
      expect(res.body.code).toBe('unknown_provider');
    });
  });
});

describe('Google JWKS cache', () => {
  const google = new FakeGoogle();
  let t: TestApp;
  const idToken = (opts?: { kid?: string }) =>
    google.signIdToken({ sub: 'g-9', aud: WEB_CLIENT, email: 'grace@gmail.com', email_verified: true }, opts);
  const login = (idToken: string) => t.http().post('/auth/google/token').send({ id_token: idToken });

  const start = async (env: Record<string, string> = {}) => {
    google.reset();
    t = await createTestApp({ GOOGLE_CLIENT_IDS: WEB_CLIENT, GOOGLE_JWKS_URL: google.jwksUrl, ...env });
  };
  beforeAll(() => google.start());
  afterEach(() => t?.close());
  afterAll(() => google.stop());

  it('should fetch the keys once for many logins', async () => {
    await start();
    for (let i = 0; i < 3; i++) await login(await idToken()).expect(200);
    expect(google.jwksFetchCount).toBe(1);
  });

  it('should pick up a rotated key on the first unknown kid, without a restart', async () => {
    await start({ PROVIDER_JWKS_COOLDOWN_MS: '0' });
    await login(await idToken()).expect(200);
    google.rotateKey();
    await login(await idToken()).expect(200);
    await login(await idToken()).expect(200);
    expect(google.jwksFetchCount).toBe(2);
  });

  it('should not refetch for unknown kids within the cooldown, so garbage cannot hammer Google', async () => {
    await start();
    await login(await idToken()).expect(200);
    for (const kid of ['nope-1', 'nope-2', 'nope-3']) {
      expect((await login(await idToken({ kid })).expect(401)).body.code).toBe('invalid_provider_token');
    }
    expect(google.jwksFetchCount).toBe(1);
  });
});
