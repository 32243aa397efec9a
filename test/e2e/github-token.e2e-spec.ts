import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGitHub } from '../fakes/github.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const WEB = { clientId: 'Iv1.web', clientSecret: 'web-secret' };
const MOBILE = { clientId: 'Iv1.mobile', clientSecret: 'mobile-secret' };
const OTHER = { clientId: 'Iv1.someone-else', clientSecret: 'other-secret' };

describe('POST /auth/github/token', () => {
  const github = new FakeGitHub({ clients: [WEB, MOBILE, OTHER] });
  let t: TestApp;

  beforeAll(async () => {
    await github.start();
    t = await createTestApp({
      GITHUB_CLIENT_IDS: `${WEB.clientId},${MOBILE.clientId}`,
      GITHUB_CLIENT_SECRETS: `${WEB.clientSecret},${MOBILE.clientSecret}`,
      GITHUB_API_URL: github.apiUrl,
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

  const login = (token: string) => t.http().post('/auth/github/token').send({ access_token: token });
  const emails = (...list: Array<[string, boolean, boolean]>) => list.map(([email, primary, verified]) => ({ email, primary, verified }));

  it('should log in with the primary verified email and the numeric id as uid', async () => {
    const token = github.issueAccessToken({
      clientId: WEB.clientId,
      id: 583231,
      login: 'octocat',
      name: 'The Octocat',
      emails: emails(['octo@github.test', true, true], ['old@x.test', false, true]),
    });
    const res = await login(token).expect(200);
    expect(res.body.user).toMatchObject({ username: 'octocat', email: 'octo@github.test', email_verified: true, name: 'The Octocat' });
    const [account] = await t.dataSource.query('SELECT uid FROM social_accounts');
    expect(account.uid).toBe('583231');
    const check = github.requests.find((r) => r.method === 'POST');
    expect(check?.path).toBe(`/applications/${WEB.clientId}/token`);
  });

  it('should accept a token of our second OAuth app', async () => {
    await login(github.issueAccessToken({ clientId: MOBILE.clientId, id: 7, login: 'mobile-user' })).expect(200);
  });

  it("should refuse a token of someone else's OAuth app, creating nothing", async () => {
    const res = await login(github.issueAccessToken({ clientId: OTHER.clientId, id: 1, login: 'victim' })).expect(401);
    expect(res.body.code).toBe('invalid_provider_token');
    expect(github.requests.some((r) => r.path === '/user')).toBe(false);
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });

  it('should take no email when the primary one is unverified', async () => {
    const token = github.issueAccessToken({
      clientId: WEB.clientId,
      id: 2,
      login: 'unverified',
      emails: emails(['u@x.test', true, false], ['v@x.test', false, true]),
    });
    const res = await login(token).expect(200);
    expect(res.body.user).toMatchObject({ email: null, email_verified: false });
  });

  it('should log in without an email when the token lacks the user:email scope', async () => {
    const token = github.issueAccessToken({
      clientId: WEB.clientId,
      id: 3,
      login: 'noscope',
      scopes: ['read:user'],
      emails: emails(['n@x.test', true, true]),
    });
    const res = await login(token).expect(200);
    expect(res.body.user.email).toBeNull();
  });

  it('should refuse a token GitHub does not know', async () => {
    expect((await login('gho_unknown').expect(401)).body.code).toBe('invalid_provider_token');
  });
});

describe('GitHub with wrong OAuth app credentials', () => {
  const github = new FakeGitHub({ clients: [WEB] });
  let t: TestApp;

  beforeAll(async () => {
    await github.start();
    t = await createTestApp({ GITHUB_CLIENT_IDS: WEB.clientId, GITHUB_CLIENT_SECRETS: 'wrong', GITHUB_API_URL: github.apiUrl });
  });
  afterAll(async () => {
    await t?.close();
    await github.stop();
  });

  it('should answer 502 provider_unavailable, not blame the user token', async () => {
    const res = await t
      .http()
      .post('/auth/github/token')
      .send({ access_token: github.issueAccessToken({ clientId: WEB.clientId, id: 1, login: 'a' }) })
      .expect(502);
    expect(res.body.code).toBe('provider_unavailable');
  });
});
