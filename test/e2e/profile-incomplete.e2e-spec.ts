import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGitHub } from '../fakes/github.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const APP = { clientId: 'Iv1.web', clientSecret: 'web-secret' };
const PIPELINE =
  'social_details,require_email,social_uid,auth_allowed,social_user,get_username,associate_by_email,create_user,associate_user,load_extra_data,user_details';

/** A login paused by the `require_email` step, completed over REST with an email the user types. */
describe('require_email: 422 profile_incomplete, then POST /auth/complete', () => {
  const github = new FakeGitHub({ clients: [APP] });
  let t: TestApp;

  beforeAll(async () => {
    await github.start();
    t = await createTestApp({
      GITHUB_CLIENT_IDS: APP.clientId,
      GITHUB_CLIENT_SECRETS: APP.clientSecret,
      GITHUB_API_URL: github.apiUrl,
      LOGIN_PIPELINE: PIPELINE,
    });
  });
  afterAll(async () => {
    await t?.close();
    await github.stop();
  });
  beforeEach(async () => {
    github.reset();
    await t.reset();
  });

  /** A GitHub token without the user:email scope: GitHub hides the emails, so the profile has none. */
  const loginWithoutEmail = (id = 3) =>
    t
      .http()
      .post('/auth/github/token')
      .send({
        access_token: github.issueAccessToken({
          clientId: APP.clientId,
          id,
          login: `user${id}`,
          scopes: ['read:user'],
          emails: [{ email: 'hidden@x.test', primary: true, verified: true }],
        }),
      });
  const pause = async (id = 3): Promise<string> => (await loginWithoutEmail(id).expect(422)).body.details.pending_token;
  const complete = (body: object) => t.http().post('/auth/complete').send(body);

  it('should pause with the missing field and a pending token, creating nothing', async () => {
    const res = await loginWithoutEmail().expect(422);
    expect(res.body).toMatchObject({
      statusCode: 422,
      code: 'profile_incomplete',
      details: { missing: ['email'], pending_token: expect.any(String) },
    });
    expect(res.body.details.pending_token.length).toBeGreaterThanOrEqual(43);
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });

  it('should finish the login with the typed email, unverified, answering like the token exchange', async () => {
    const res = await complete({ pending_token: await pause(), email: 'Typed@Example.com' }).expect(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      is_new_user: true,
      access_token: expect.any(String),
      refresh_token: expect.any(String),
    });
    expect(res.body.user).toMatchObject({ username: 'user3', email: 'typed@example.com', email_verified: false });
    expect(await countRows(t.dataSource)).toEqual({ users: 1, social_accounts: 1, refresh_tokens: 1 });
    // The session works: the rest of the API sees the same user.
    const me = await t.http().get('/users/me').set('authorization', `Bearer ${res.body.access_token}`).expect(200);
    expect(me.body.id).toBe(res.body.user.id);
  });

  it('should accept a pending token once', async () => {
    const pendingToken = await pause();
    await complete({ pending_token: pendingToken, email: 'a@example.com' }).expect(200);
    const again = await complete({ pending_token: pendingToken, email: 'a@example.com' }).expect(400);
    expect(again.body.code).toBe('invalid_pending_token');
  });

  it('should refuse a pending token we never issued', async () => {
    expect((await complete({ pending_token: 'x'.repeat(43), email: 'a@example.com' }).expect(400)).body.code).toBe('invalid_pending_token');
  });

  it('should refuse a malformed email without spending the pending token', async () => {
    const pendingToken = await pause();
    expect((await complete({ pending_token: pendingToken, email: 'not-an-email' }).expect(400)).body.code).toBe('validation_failed');
    await complete({ pending_token: pendingToken, email: 'good@example.com' }).expect(200);
  });

  it('should not link to an account that has the typed email verified', async () => {
    const owner = github.issueAccessToken({
      clientId: APP.clientId,
      id: 1,
      login: 'owner',
      emails: [{ email: 'owner@example.com', primary: true, verified: true }],
    });
    const first = await t.http().post('/auth/github/token').send({ access_token: owner }).expect(200);
    expect(first.body.user).toMatchObject({ email: 'owner@example.com', email_verified: true });

    const res = await complete({ pending_token: await pause(2), email: 'owner@example.com' }).expect(409);
    expect(res.body.code).toBe('account_link_required');
    expect(await countRows(t.dataSource)).toMatchObject({ users: 1, social_accounts: 1 });
  });

  it('should let a provider email through without pausing', async () => {
    const token = github.issueAccessToken({
      clientId: APP.clientId,
      id: 4,
      login: 'withmail',
      emails: [{ email: 'w@example.com', primary: true, verified: true }],
    });
    await t.http().post('/auth/github/token').send({ access_token: token }).expect(200);
  });
});

describe('an expired pending token', () => {
  const github = new FakeGitHub({ clients: [APP] });
  let t: TestApp;

  beforeAll(async () => {
    await github.start();
    t = await createTestApp({
      GITHUB_CLIENT_IDS: APP.clientId,
      GITHUB_CLIENT_SECRETS: APP.clientSecret,
      GITHUB_API_URL: github.apiUrl,
      LOGIN_PIPELINE: PIPELINE,
      LOGIN_PENDING_TTL_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await t?.close();
    await github.stop();
  });

  it('should be refused with 400 invalid_pending_token', async () => {
    const token = github.issueAccessToken({ clientId: APP.clientId, id: 9, login: 'late', scopes: ['read:user'] });
    const pendingToken = (await t.http().post('/auth/github/token').send({ access_token: token }).expect(422)).body.details.pending_token;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const res = await t.http().post('/auth/complete').send({ pending_token: pendingToken, email: 'late@example.com' }).expect(400);
    expect(res.body.code).toBe('invalid_pending_token');
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });
});
