/** POST /auth/{github,facebook}/code against the fakes: each provider's own way of redeeming a code, and refusing one. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { s256 } from '../fakes/authorization-codes.js';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import { FakeGitHub } from '../fakes/github.fake.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const REDIRECT = 'https://app.example.com/auth/callback';
const GH = { clientId: 'gh-web', clientSecret: 'gh-secret' };
const FB = { appId: 'fb-app', appSecret: 'fb-secret' };
const NO_ROWS = { users: 0, social_accounts: 0, refresh_tokens: 0 };

describe('code exchange with GitHub and Facebook', () => {
  const github = new FakeGitHub({ clients: [GH] });
  const facebook = new FakeFacebook(FB);
  let t: TestApp;

  beforeAll(async () => {
    await Promise.all([github.start(), facebook.start()]);
    t = await createTestApp({
      GITHUB_CLIENT_IDS: GH.clientId,
      GITHUB_CLIENT_SECRETS: GH.clientSecret,
      GITHUB_API_URL: github.apiUrl,
      GITHUB_TOKEN_URL: github.tokenUrl,
      GITHUB_REDIRECT_URIS: REDIRECT,
      FACEBOOK_CLIENT_IDS: FB.appId,
      FACEBOOK_CLIENT_SECRETS: FB.appSecret,
      FACEBOOK_GRAPH_URL: facebook.graphUrl,
      FACEBOOK_REDIRECT_URIS: REDIRECT,
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([github.stop(), facebook.stop()]);
  });
  beforeEach(async () => {
    github.reset();
    facebook.reset();
    await t.reset();
  });

  const verifier = () => randomBytes(32).toString('base64url');
  const exchange = (provider: string, body: object) => t.http().post(`/auth/${provider}/code`).send(body);

  describe('GitHub', () => {
    const octo = { id: 42, login: 'octocat', name: 'The Octocat', emails: [{ email: 'octo@github.com', primary: true, verified: true }] };
    const codeFor = (v: string, redirectUri = REDIRECT) =>
      github.codes.issue({ clientId: GH.clientId, redirectUri, codeChallenge: s256(v), account: octo });

    it('redeems the code and reads the verified primary email, without a second "check a token" call', async () => {
      const v = verifier();
      const res = await exchange('github', { code: codeFor(v), redirect_uri: REDIRECT, code_verifier: v }).expect(200);
      expect(res.body.user).toMatchObject({ username: 'octocat', email: 'octo@github.com', email_verified: true });
      expect(github.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
        'GET /user',
        'GET /user/emails',
        'POST /login/oauth/access_token',
      ]);
    });

    it('maps GitHub\'s HTTP 200 "bad_verification_code" to 400 invalid_authorization_code, with nothing written', async () => {
      const res = await exchange('github', { code: codeFor(verifier()), redirect_uri: REDIRECT, code_verifier: verifier() }).expect(400);
      expect(res.body.code).toBe('invalid_authorization_code');
      expect(await countRows(t.dataSource)).toEqual(NO_ROWS);
    });

    it('answers 502 when GitHub fails, and when it refuses our client credentials (HTTP 200 "incorrect_client_credentials")', async () => {
      const v = verifier();
      github.setFault({ kind: 'status', status: 503, path: '/login' });
      expect((await exchange('github', { code: codeFor(v), redirect_uri: REDIRECT, code_verifier: v }).expect(502)).body.code).toBe(
        'provider_unavailable',
      );
      github.setFault(null);
      const rotated = await createTestApp({
        GITHUB_CLIENT_IDS: GH.clientId,
        GITHUB_CLIENT_SECRETS: 'rotated',
        GITHUB_API_URL: github.apiUrl,
        GITHUB_TOKEN_URL: github.tokenUrl,
        GITHUB_REDIRECT_URIS: REDIRECT,
      });
      try {
        const res = await rotated
          .http()
          .post('/auth/github/code')
          .send({ code: codeFor(v), redirect_uri: REDIRECT, code_verifier: v })
          .expect(502);
        expect(res.body.code).toBe('provider_unavailable');
      } finally {
        await rotated.close();
      }
    });
  });

  describe('Facebook', () => {
    const ada = { userId: 'fb-ada', name: 'Ada Lovelace', email: 'ada@example.com' };

    it('redeems the code, then checks the token with debug_token and reads /me', async () => {
      const v = verifier();
      const code = facebook.codes.issue({ clientId: FB.appId, redirectUri: REDIRECT, codeChallenge: s256(v), account: ada });
      const res = await exchange('facebook', { code, redirect_uri: REDIRECT, code_verifier: v }).expect(200);
      expect(res.body.user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', email_verified: false });
      expect(facebook.requests.map((r) => r.path)).toEqual(
        expect.arrayContaining(['/v21.0/oauth/access_token', '/v21.0/debug_token', '/v21.0/me']),
      );
    });

    it("maps Graph's OAuthException 100 to 400 invalid_authorization_code", async () => {
      const res = await exchange('facebook', { code: 'not-a-code', redirect_uri: REDIRECT, code_verifier: verifier() }).expect(400);
      expect(res.body.code).toBe('invalid_authorization_code');
      expect(await countRows(t.dataSource)).toEqual(NO_ROWS);
    });
  });
});
