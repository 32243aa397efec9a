import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const APP_ID = '1111';
const APP_SECRET = 'fb-app-secret';

describe('POST /auth/facebook/token', () => {
  const facebook = new FakeFacebook({ appId: APP_ID, appSecret: APP_SECRET });
  let t: TestApp;

  beforeAll(async () => {
    await facebook.start();
    t = await createTestApp({ FACEBOOK_CLIENT_IDS: APP_ID, FACEBOOK_CLIENT_SECRETS: APP_SECRET, FACEBOOK_GRAPH_URL: facebook.graphUrl });
  });
  afterAll(async () => {
    await t?.close();
    await facebook.stop();
  });
  beforeEach(async () => {
    facebook.reset();
    await t.reset();
  });

  const login = (token: string) => t.http().post('/auth/facebook/token').send({ access_token: token });

  it('should log in with a token of our app, calling the Graph API with appsecret_proof', async () => {
    const token = facebook.issueAccessToken({
      userId: 'fb-1',
      name: 'Linus T',
      email: 'linus@example.com',
      firstName: 'Linus',
      lastName: 'T',
    });
    const res = await login(token).expect(200);
    expect(res.body).toMatchObject({
      is_new_user: true,
      user: { name: 'Linus T', email: 'linus@example.com', email_verified: false, first_name: 'Linus' },
    });
    const me = facebook.requests.find((r) => r.path.endsWith('/me'));
    expect(me?.query.get('appsecret_proof')).toMatch(/^[0-9a-f]{64}$/);
    const [account] = await t.dataSource.query('SELECT provider, uid FROM social_accounts');
    expect(account).toEqual({ provider: 'facebook', uid: 'fb-1' });
  });

  it('should refuse a token issued to another app (debug_token app_id), creating nothing', async () => {
    const token = facebook.issueAccessToken({ userId: 'fb-1', appId: '9999' });
    const res = await login(token).expect(401);
    expect(res.body.code).toBe('provider_token_audience_mismatch');
    expect(facebook.requests.some((r) => r.path.endsWith('/me'))).toBe(false);
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });

  it('should refuse a token Facebook says is invalid', async () => {
    const res = await login(facebook.issueAccessToken({ userId: 'fb-1', valid: false })).expect(401);
    expect(res.body.code).toBe('invalid_provider_token');
  });

  it('should refuse an expired token', async () => {
    const res = await login(facebook.issueAccessToken({ userId: 'fb-1', expiresAt: Math.floor(Date.now() / 1000) - 60 })).expect(401);
    expect(res.body.code).toBe('invalid_provider_token');
  });

  it('should refuse a token Facebook never issued', async () => {
    expect((await login('EAAnot-a-token').expect(401)).body.code).toBe('invalid_provider_token');
  });

  it('should never link by email by default: Facebook does not say the address was confirmed', async () => {
    await login(facebook.issueAccessToken({ userId: 'fb-1', email: 'shared@example.com' })).expect(200);
    // As if the account's address had since been verified (only trusted addresses sit in the unique email column).
    await t.dataSource.query(
      `UPDATE users SET "email" = "unverifiedEmail", "unverifiedEmail" = NULL, "emailVerified" = ${t.dataSource.options.type === 'postgres' ? 'true' : '1'}`,
    );
    const res = await login(facebook.issueAccessToken({ userId: 'fb-2', email: 'shared@example.com' })).expect(409);
    expect(res.body.code).toBe('account_link_required');
    expect(await countRows(t.dataSource)).toMatchObject({ users: 1, social_accounts: 1 });
  });
});

describe('Facebook with wrong app credentials', () => {
  const facebook = new FakeFacebook({ appId: APP_ID, appSecret: APP_SECRET });
  let t: TestApp;

  beforeAll(async () => {
    await facebook.start();
    t = await createTestApp({
      FACEBOOK_CLIENT_IDS: APP_ID,
      FACEBOOK_CLIENT_SECRETS: 'wrong-secret',
      FACEBOOK_GRAPH_URL: facebook.graphUrl,
    });
  });
  afterAll(async () => {
    await t?.close();
    await facebook.stop();
  });

  it('should answer 502: the token may be fine, our configuration is not', async () => {
    const res = await t
      .http()
      .post('/auth/facebook/token')
      .send({ access_token: facebook.issueAccessToken({ userId: 'fb-1' }) })
      .expect(502);
    expect(res.body.code).toBe('provider_unavailable');
    expect(JSON.stringify(res.body)).not.toContain('wrong-secret');
  });
});
