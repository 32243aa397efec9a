import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import { FakeGitHub } from '../fakes/github.fake.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * associate_by_email links a new identity to an existing account only when the provider vouches for the
 * address AND the existing account's address was verified. Each refusal here would be an account takeover.
 */
describe('linking accounts by email', () => {
  const google = new FakeGoogle();
  const github = new FakeGitHub({ clients: [{ clientId: 'gh', clientSecret: 'gh-s' }] });
  const facebook = new FakeFacebook({ appId: 'fb', appSecret: 'fb-s' });
  let t: TestApp;

  beforeAll(async () => {
    await Promise.all([google.start(), github.start(), facebook.start()]);
    t = await createTestApp({
      GOOGLE_CLIENT_IDS: 'g',
      GOOGLE_JWKS_URL: google.jwksUrl,
      GITHUB_CLIENT_IDS: 'gh',
      GITHUB_CLIENT_SECRETS: 'gh-s',
      GITHUB_API_URL: github.apiUrl,
      FACEBOOK_CLIENT_IDS: 'fb',
      FACEBOOK_CLIENT_SECRETS: 'fb-s',
      FACEBOOK_GRAPH_URL: facebook.graphUrl,
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google.stop(), github.stop(), facebook.stop()]);
  });
  beforeEach(() => t.reset());

  const viaGoogle = async (status: number, sub: string, email: string, verified: boolean, extra: object = {}) =>
    t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await google.signIdToken({ sub, aud: 'g', email, email_verified: verified, ...extra }) })
      .expect(status);
  const viaGitHub = (id: number, email: string, verified: boolean) =>
    t
      .http()
      .post('/auth/github/token')
      .send({
        access_token: github.issueAccessToken({ clientId: 'gh', id, login: `gh${id}`, emails: [{ email, primary: true, verified }] }),
      });
  const viaFacebook = (userId: string, email: string) =>
    t
      .http()
      .post('/auth/facebook/token')
      .send({ access_token: facebook.issueAccessToken({ userId, email }) });

  it('should link when both sides verified the address', async () => {
    const first = (await viaGoogle(200, 'g-1', 'ada@gmail.com', true)).body;
    const second = (await viaGitHub(1, 'ada@gmail.com', true).expect(200)).body;
    expect(second).toMatchObject({ is_new_user: false, user: { id: first.user.id } });
    expect(await countRows(t.dataSource)).toMatchObject({ users: 1, social_accounts: 2 });
  });

  it('should refuse when the new provider has not verified the address', async () => {
    await viaGoogle(200, 'g-1', 'ada@gmail.com', true);
    const res = await viaGitHub(1, 'ada@gmail.com', false).expect(200);
    // GitHub's unverified primary email is not taken at all, so this is a new, email-less user.
    expect(res.body.user).toMatchObject({ email: null, email_verified: false });
    const google2 = await viaGoogle(409, 'g-2', 'ada@gmail.com', false);
    expect(google2.body.code).toBe('account_link_required');
    expect(await countRows(t.dataSource)).toMatchObject({ users: 2, social_accounts: 2 });
  });

  it('should not link to an account whose address was never verified, but give the verified sign-in its own', async () => {
    const squatter = (await viaFacebook('fb-1', 'bob@gmail.com').expect(200)).body;
    const res = await viaGoogle(200, 'g-1', 'bob@gmail.com', true);
    expect(res.body).toMatchObject({ is_new_user: true, user: { email: 'bob@gmail.com', email_verified: true } });
    expect(res.body.user.id).not.toBe(squatter.user.id);
    expect(await countRows(t.dataSource)).toEqual({ users: 2, social_accounts: 2, refresh_tokens: 2 });
  });

  it('should refuse a Google-verified address Google does not own (no gmail, no hd)', async () => {
    await viaGitHub(1, 'carol@outlook.com', true).expect(200);
    const res = await viaGoogle(409, 'g-1', 'carol@outlook.com', true);
    expect(res.body.code).toBe('account_link_required');
  });

  it('should link a Workspace address (hd) to a verified account', async () => {
    await viaGitHub(1, 'dan@corp.example', true).expect(200);
    const res = await viaGoogle(200, 'g-1', 'dan@corp.example', true, { hd: 'corp.example' });
    expect(res.body.is_new_user).toBe(false);
  });

  it('should match emails case-insensitively', async () => {
    await viaGoogle(200, 'g-1', 'Eve@Gmail.com', true);
    expect((await viaGitHub(1, 'eve@gmail.COM', true).expect(200)).body.is_new_user).toBe(false);
  });
});

describe('LOGIN_ALLOWED_EMAIL_DOMAINS', () => {
  const google = new FakeGoogle();
  let t: TestApp;

  beforeAll(async () => {
    await google.start();
    t = await createTestApp({ GOOGLE_CLIENT_IDS: 'g', GOOGLE_JWKS_URL: google.jwksUrl, LOGIN_ALLOWED_EMAIL_DOMAINS: 'corp.example' });
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });

  const login = async (status: number, email: string | undefined, verified: boolean, hd: string | null = 'corp.example') =>
    t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await google.signIdToken({ sub: `s-${email}`, aud: 'g', email, email_verified: verified, hd: hd ?? undefined }) })
      .expect(status);

  it('should admit a verified address of an allowed domain', async () => {
    await login(200, 'a@corp.example', true);
  });

  it('should refuse other domains with 403 login_not_allowed, creating nothing', async () => {
    expect((await login(403, 'a@elsewhere.example', true)).body.code).toBe('login_not_allowed');
  });

  it('should refuse an unverified address with 409 email_not_verified', async () => {
    expect((await login(409, 'b@corp.example', false)).body.code).toBe('email_not_verified');
  });

  // A personal Google account can be registered with any address, corp.example's included, and Google marks it
  // verified; only `hd` says corp.example's Workspace manages it. The allow-list trusts what linking trusts.
  it('should refuse a Google-verified address of an allowed domain without hd, with 409 email_not_verified, writing nothing', async () => {
    await t.reset();
    const res = await login(409, 'alice@corp.example', true, null);
    expect(res.body.code).toBe('email_not_verified');
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
  });

  it("should admit that address from the domain's Workspace (hd)", async () => {
    expect((await login(200, 'alice@corp.example', true, 'corp.example')).body.user).toMatchObject({
      email: 'alice@corp.example',
      email_verified: true,
    });
  });

  it('should refuse a login without any email', async () => {
    expect((await login(409, undefined, false)).body.code).toBe('email_not_verified');
    expect(await countRows(t.dataSource)).toMatchObject({ users: 1 });
  });
});
