import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { OneTimeStore } from '../../src/one-time/one-time-store.js';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import { countRows, type TestApp } from '../support/test-app.js';

const FB = { appId: 'fb-app', appSecret: 'fb-secret' };

/**
 * Linking confirmed by signing in: a Facebook login whose (untrusted) email belongs to a Google user is refused
 * with a link_token that only that Google user, signed in, can spend, once, within its lifetime.
 */
async function start(env: Record<string, string> = {}): Promise<{ t: TestApp; google: FakeGoogle }> {
  return createAppWithGoogle({
    FACEBOOK_CLIENT_IDS: FB.appId,
    FACEBOOK_CLIENT_SECRETS: FB.appSecret,
    FACEBOOK_GRAPH_URL: facebook.graphUrl,
    ...env,
  });
}
const facebook = new FakeFacebook(FB);
const link = (t: TestApp, accessToken: string, linkToken: string) =>
  t.http().post('/users/me/social-accounts/link').set('authorization', `Bearer ${accessToken}`).send({ link_token: linkToken });

describe('link_token', () => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => {
    await facebook.start();
    ({ t, google } = await start());
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google?.stop(), facebook.stop()]);
  });
  beforeEach(() => t.reset());

  /** Ada signs up with Google (ada@gmail.com, verified); then someone signs in with Facebook claiming that email. */
  const collide = async (fbToken = facebook.issueAccessToken({ userId: 'fb-1', email: 'ada@gmail.com', name: 'Ada' })) => {
    const ada = await loginWithGoogle(t, google, 'ada');
    const res = await t.http().post('/auth/facebook/token').send({ access_token: fbToken }).expect(409);
    return { ada, fbToken, res, linkToken: res.body.details.link_token as string };
  };

  it('should answer account_link_required with a link_token and nothing else about the account', async () => {
    const { res, linkToken } = await collide();
    expect(res.body).toEqual({
      statusCode: 409,
      code: 'account_link_required',
      message: expect.any(String),
      details: { provider: 'facebook', link_token: expect.any(String) },
    });
    expect(linkToken.length).toBeGreaterThanOrEqual(43);
    expect(await countRows(t.dataSource)).toMatchObject({ users: 1, social_accounts: 1 });
  });

  it('should link the Facebook identity to the signed-in Google user, who then signs in with Facebook', async () => {
    const { ada, fbToken, linkToken } = await collide();
    const res = await link(t, ada.access_token, linkToken).expect(200);
    expect(res.body).toMatchObject({ provider: 'facebook', uid: 'fb-1' });
    const login = await t.http().post('/auth/facebook/token').send({ access_token: fbToken }).expect(200);
    expect(login.body).toMatchObject({ is_new_user: false, user: { id: ada.user.id } });
    expect(await countRows(t.dataSource)).toMatchObject({ users: 1, social_accounts: 2 });
  });

  it('should accept a link_token once (400 invalid_link_token when reused)', async () => {
    const { ada, linkToken } = await collide();
    await link(t, ada.access_token, linkToken).expect(200);
    expect((await link(t, ada.access_token, linkToken).expect(400)).body.code).toBe('invalid_link_token');
  });

  it('should refuse a link_token we never issued', async () => {
    const ada = await loginWithGoogle(t, google, 'ada');
    expect((await link(t, ada.access_token, 'x'.repeat(43)).expect(400)).body.code).toBe('invalid_link_token');
  });

  it('should refuse another user with 403 link_token_user_mismatch and spend the token anyway', async () => {
    const { ada, linkToken } = await collide();
    const mallory = await loginWithGoogle(t, google, 'mallory');
    expect((await link(t, mallory.access_token, linkToken).expect(403)).body.code).toBe('link_token_user_mismatch');
    expect((await link(t, ada.access_token, linkToken).expect(400)).body.code).toBe('invalid_link_token');
    expect(await countRows(t.dataSource)).toMatchObject({ users: 2, social_accounts: 2 });
  });

  it('should keep neither the provider token nor the link_token readable in the store', async () => {
    const store = t.app.get(OneTimeStore, { strict: false });
    const putValue = jest.spyOn(store, 'putValue');
    try {
      const { fbToken, linkToken } = await collide();
      const [key, value] = putValue.mock.calls.find(([k]) => k.startsWith('link-token:'))!;
      expect(value).toMatch(/^v2\./);
      for (const secret of [fbToken, linkToken, 'ada@gmail.com']) expect(`${key} ${value}`).not.toContain(secret);
    } finally {
      putValue.mockRestore();
    }
  });
});

describe('an expired link_token', () => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => {
    await facebook.start();
    ({ t, google } = await start({ LOGIN_LINK_TOKEN_TTL_SECONDS: '1' }));
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google?.stop(), facebook.stop()]);
  });

  it('should be refused with 400 invalid_link_token, linking nothing', async () => {
    const ada = await loginWithGoogle(t, google, 'ada');
    const fbToken = facebook.issueAccessToken({ userId: 'fb-1', email: 'ada@gmail.com' });
    const linkToken = (await t.http().post('/auth/facebook/token').send({ access_token: fbToken }).expect(409)).body.details.link_token;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await link(t, ada.access_token, linkToken).expect(400)).body.code).toBe('invalid_link_token');
    expect(await countRows(t.dataSource)).toMatchObject({ users: 1, social_accounts: 1 });
  });
});
