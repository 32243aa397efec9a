import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeDiscord } from '../fakes/discord.fake.js';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import { FakeGitHub } from '../fakes/github.fake.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { appWithProviders, loginWithCode, REDIRECT_URI } from '../providers/provider-kit.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const GH = { clientId: 'gh', clientSecret: 'gh-s' };
// require_email after social_user, so a returning user with an email on their account is not asked again.
const PIPELINE_WITH_REQUIRE_EMAIL =
  'social_details,social_uid,auth_allowed,social_user,require_email,get_username,associate_by_email,create_user,associate_user,load_extra_data,user_details';

/**
 * Email squatting: an address nobody vouched for (Facebook's, one typed at /auth/complete) must not keep its real
 * owner out. When the owner signs in with a provider trusted for the address, they get an account of their own,
 * never the squatter's, and the squatter's account stays as it was.
 */
describe('an unverified address on an account', () => {
  const google = new FakeGoogle();
  const github = new FakeGitHub({ clients: [GH] });
  const facebook = new FakeFacebook({ appId: 'fb', appSecret: 'fb-s' });
  let t: TestApp;

  beforeAll(async () => {
    await Promise.all([google.start(), github.start(), facebook.start()]);
    t = await createTestApp({
      GOOGLE_CLIENT_IDS: 'g',
      GOOGLE_JWKS_URL: google.jwksUrl,
      GITHUB_CLIENT_IDS: GH.clientId,
      GITHUB_CLIENT_SECRETS: GH.clientSecret,
      GITHUB_API_URL: github.apiUrl,
      FACEBOOK_CLIENT_IDS: 'fb',
      FACEBOOK_CLIENT_SECRETS: 'fb-s',
      FACEBOOK_GRAPH_URL: facebook.graphUrl,
      LOGIN_PIPELINE: PIPELINE_WITH_REQUIRE_EMAIL,
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google.stop(), github.stop(), facebook.stop()]);
  });
  beforeEach(() => t.reset());

  const ownerViaGoogle = async (sub = 'g-owner') =>
    t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await google.signIdToken({ sub, aud: 'g', email: 'ada@gmail.com', email_verified: true }) });
  const squatViaFacebook = () =>
    t
      .http()
      .post('/auth/facebook/token')
      .send({ access_token: facebook.issueAccessToken({ userId: 'fb-squatter', email: 'ada@gmail.com', name: 'Not Ada' }) })
      .expect(200);
  /** A GitHub login without the user:email scope pauses for an email; the squatter types the owner's. */
  const squatViaTypedEmail = async (id = 66, email = 'Ada@Gmail.com') => {
    const token = github.issueAccessToken({ clientId: GH.clientId, id, login: `squatter${id}`, scopes: ['read:user'] });
    const pendingToken = (await t.http().post('/auth/github/token').send({ access_token: token }).expect(422)).body.details.pending_token;
    return t.http().post('/auth/complete').send({ pending_token: pendingToken, email }).expect(200);
  };
  const userRow = async (id: string) =>
    (await t.dataSource.query('SELECT * FROM users WHERE id = $1'.replace('$1', t.dataSource.driver.createParameter('id', 0)), [id]))[0];
  const me = (accessToken: string) => t.http().get('/users/me').set('authorization', `Bearer ${accessToken}`).expect(200);

  it.each([
    ['Facebook (FACEBOOK_TRUST_EMAIL off)', squatViaFacebook],
    ['an address typed at /auth/complete', () => squatViaTypedEmail()],
  ])(
    "should give the owner a verified account of their own when %s holds the address, leaving the squatter's as it was",
    async (_via, squat) => {
      const squatter = (await squat()).body;
      expect(squatter.user).toMatchObject({ email: 'ada@gmail.com', email_verified: false });
      const squatterRow = await userRow(squatter.user.id);

      const res = await ownerViaGoogle();

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        is_new_user: true,
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        user: { email: 'ada@gmail.com', email_verified: true },
      });
      expect(res.body.user.id).not.toBe(squatter.user.id);
      expect((await me(res.body.access_token)).body).toMatchObject({ id: res.body.user.id, email: 'ada@gmail.com', email_verified: true });
      expect(await userRow(squatter.user.id)).toEqual(squatterRow);
      expect((await me(squatter.access_token)).body).toMatchObject({ id: squatter.user.id, email: 'ada@gmail.com', email_verified: false });
      expect(await countRows(t.dataSource)).toEqual({ users: 2, social_accounts: 2, refresh_tokens: 2 });
    },
  );

  it("should sign the owner in to their own account again, never to the squatter's", async () => {
    const squatter = (await squatViaFacebook()).body;
    const first = (await ownerViaGoogle().then((r) => r.body)) as { user: { id: string } };

    const again = await ownerViaGoogle();

    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ is_new_user: false, user: { id: first.user.id } });
    expect(first.user.id).not.toBe(squatter.user.id);
  });

  it("should link the owner's other trusted providers to the owner's account, not the squatter's", async () => {
    await squatViaFacebook();
    const owner = (await ownerViaGoogle()).body;
    const token = github.issueAccessToken({
      clientId: GH.clientId,
      id: 7,
      login: 'ada',
      emails: [{ email: 'ada@gmail.com', primary: true, verified: true }],
    });

    const res = await t.http().post('/auth/github/token').send({ access_token: token }).expect(200);

    expect(res.body).toMatchObject({ is_new_user: false, user: { id: owner.user.id } });
  });

  it('should let several unverified accounts share an address without blocking one another', async () => {
    const facebookSquatter = (await squatViaFacebook()).body;
    const typingSquatter = (await squatViaTypedEmail()).body;

    expect(typingSquatter.user.id).not.toBe(facebookSquatter.user.id);
    expect(await countRows(t.dataSource)).toMatchObject({ users: 2 });
  });

  it('should still answer account_link_required when the unverified address is one a verified account owns', async () => {
    const owner = (await ownerViaGoogle()).body;

    const res = await t
      .http()
      .post('/auth/facebook/token')
      .send({ access_token: facebook.issueAccessToken({ userId: 'fb-1', email: 'ada@gmail.com' }) })
      .expect(409);

    expect(res.body).toMatchObject({ code: 'account_link_required', details: { provider: 'facebook', link_token: expect.any(String) } });
    expect(await countRows(t.dataSource)).toEqual({ users: 1, social_accounts: 1, refresh_tokens: 1 });
    expect(owner.user.email_verified).toBe(true);
  });

  it('should not ask a returning user for an email again when they typed one before', async () => {
    const first = (await squatViaTypedEmail(12, 'me@example.com')).body;
    const token = github.issueAccessToken({ clientId: GH.clientId, id: 12, login: 'squatter12', scopes: ['read:user'] });

    const res = await t.http().post('/auth/github/token').send({ access_token: token }).expect(200);

    expect(res.body).toMatchObject({ is_new_user: false, user: { id: first.user.id, email: 'me@example.com', email_verified: false } });
  });
});

/** The same through a plain OAuth 2.0 provider whose profile mapping says nothing about verification. */
describe('an address from an oauth2 provider without a verified mapping', () => {
  const APP = { id: 'acme-client', secret: 'acme-secret' };
  const acme = new FakeDiscord([APP]);
  const google = new FakeGoogle();
  beforeAll(() => google.start());
  afterAll(() => google.stop());
  const app = appWithProviders(acme, (file) => ({
    PROVIDERS_FILE: file.write([
      {
        id: 'acme',
        type: 'oauth2',
        displayName: 'Acme',
        clientIds: [APP.id],
        redirectUris: [REDIRECT_URI],
        authorizationUrl: `${acme.baseUrl}/oauth2/authorize`,
        tokenUrl: `${acme.apiUrl}/oauth2/token`,
        userinfoUrl: `${acme.apiUrl}/users/@me`,
        scopes: ['identify', 'email'],
        profile: { uid: 'id', email: 'email', username: 'username' },
        trustEmailForLinking: true,
      },
    ]),
    PROVIDER_ACME_CLIENT_SECRET: APP.secret,
    GOOGLE_CLIENT_IDS: 'g',
    GOOGLE_JWKS_URL: google.jwksUrl,
  }));

  it('should give the owner signing in with Google an account of their own', async () => {
    const { res: squat } = await loginWithCode(app.t, 'acme', acme.codes, {
      clientId: APP.id,
      account: { id: '1', username: 'squatter', email: 'ada@gmail.com', verified: true },
    });
    expect([squat.status, squat.body.user?.email_verified]).toEqual([200, false]);

    const res = await app.t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await google.signIdToken({ sub: 'g-owner', aud: 'g', email: 'ada@gmail.com', email_verified: true }) });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ is_new_user: true, user: { email: 'ada@gmail.com', email_verified: true } });
    expect(res.body.user.id).not.toBe(squat.body.user.id);
  });
});
