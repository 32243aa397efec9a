import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const APP_ID = '1111';
const now = () => Math.floor(Date.now() / 1000);

/**
 * Limited Login (iOS SDK) hands the app a JWT instead of a Graph token; it arrives as `{ "id_token" }`.
 * https://developers.facebook.com/docs/facebook-login/limited-login/token/validating
 */
describe('POST /auth/facebook/token with a Limited Login token', () => {
  const facebook = new FakeFacebook({ appId: APP_ID, appSecret: 'fb-app-secret' });
  let t: TestApp;

  beforeAll(async () => {
    await facebook.start();
    t = await createTestApp({
      FACEBOOK_CLIENT_IDS: APP_ID,
      FACEBOOK_CLIENT_SECRETS: 'fb-app-secret',
      FACEBOOK_GRAPH_URL: facebook.graphUrl,
      FACEBOOK_JWKS_URL: facebook.jwksUrl,
    });
  });
  afterAll(async () => {
    await t?.close();
    await facebook.stop();
  });
  beforeEach(async () => {
    facebook.reset();
    await t.reset();
  });

  const login = (body: object) => t.http().post('/auth/facebook/token').send(body);
  const limited = (claims: Record<string, unknown> = {}, opts?: Parameters<FakeFacebook['signLimitedLoginToken']>[1]) =>
    facebook.signLimitedLoginToken(
      { sub: 'fb-1', name: 'Ada L', given_name: 'Ada', family_name: 'L', email: 'ada@example.com', ...claims },
      opts,
    );

  it('should log in, and land on the same social account as a Graph-token login of the same user', async () => {
    const first = await login({ id_token: await limited({ picture: 'https://platform-lookaside.fbsbx.com/ada.jpg' }) }).expect(200);
    expect(first.body).toMatchObject({
      is_new_user: true,
      // Facebook's email policy holds for this flow too: not verified unless FACEBOOK_TRUST_EMAIL.
      user: { name: 'Ada L', first_name: 'Ada', last_name: 'L', email: 'ada@example.com', email_verified: false },
    });
    const second = await login({ access_token: facebook.issueAccessToken({ userId: 'fb-1', name: 'Ada L' }) }).expect(200);
    expect(second.body).toMatchObject({ is_new_user: false, user: { id: first.body.user.id } });
    expect(await t.dataSource.query('SELECT provider, uid FROM social_accounts')).toEqual([{ provider: 'facebook', uid: 'fb-1' }]);
  });

  it('should refuse a token issued to another app with provider_token_audience_mismatch', async () => {
    const res = await login({ id_token: await limited({ aud: '9999' }) }).expect(401);
    expect(res.body.code).toBe('provider_token_audience_mismatch');
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example' }, undefined],
    ['an expired token', { iat: now() - 7200, exp: now() - 3600 }, undefined],
    ['a key Facebook does not publish', {}, { kid: 'unknown-kid', unpublishedKey: true }],
    ['a signature by another key under the published kid', {}, { unpublishedKey: true }],
  ])('should refuse %s with invalid_provider_token', async (_case, claims, opts) => {
    const res = await login({ id_token: await limited(claims, opts) }).expect(401);
    expect(res.body.code).toBe('invalid_provider_token');
  });

  it('should accept our nonce once and refuse its replay with invalid_nonce', async () => {
    const { nonce } = (await t.http().get('/auth/facebook/nonce').expect(200)).body as { nonce: string };
    const idToken = await limited({ nonce });
    await login({ id_token: idToken }).expect(200);
    expect((await login({ id_token: idToken }).expect(400)).body.code).toBe('invalid_nonce');
  });
});
