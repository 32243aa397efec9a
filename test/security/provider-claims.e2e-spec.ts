import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeDiscord, type DiscordUser } from '../fakes/discord.fake.js';
import { FakeGitLab } from '../fakes/gitlab.fake.js';
import { loginWithCode, ProvidersFile, REDIRECT_URI } from '../providers/provider-kit.js';
import { builtInFakes } from '../support/built-in-fakes.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * What a provider says about a person is checked by type and size before anything is written
 * (src/providers/profile-claims.ts, ADR 0008): a wrong one is 401 invalid_provider_token with no rows, the
 * detail (never the value) in our log only; control characters are refused in ids, removed from names.
 */
describe('provider identity claims', () => {
  const { google, facebook, github, env } = builtInFakes();
  const OIDC_APP = { id: 'oidc-app', secret: 'oidc-secret' };
  const gitlab = new FakeGitLab([OIDC_APP]);
  const OAUTH2_APP = { id: 'acme-app', secret: 'acme-secret' };
  const acme = new FakeDiscord([OAUTH2_APP]);
  const fakes = [google, facebook, github, gitlab, acme];
  const file = new ProvidersFile();
  const lines: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    await Promise.all(fakes.map((f) => f.start()));
    t = await createTestApp(
      {
        LOG_LEVEL: 'warn',
        ...env(),
        GITHUB_TOKEN_URL: github.tokenUrl,
        GITHUB_REDIRECT_URIS: REDIRECT_URI,
        PROVIDERS_FILE: file.write([
          { id: 'oidc', preset: 'gitlab', clientIds: [OIDC_APP.id], issuer: gitlab.baseUrl, redirectUris: [REDIRECT_URI] },
          // The same provider, its discovery document not cached by any other test.
          { id: 'oidc-fresh', preset: 'gitlab', clientIds: [OIDC_APP.id], issuer: gitlab.baseUrl },
          { id: 'oidc-methods', preset: 'gitlab', clientIds: [OIDC_APP.id], issuer: gitlab.baseUrl, redirectUris: [REDIRECT_URI] },
          {
            id: 'acme',
            type: 'oauth2',
            displayName: 'Acme',
            clientIds: [OAUTH2_APP.id],
            redirectUris: [REDIRECT_URI],
            authorizationUrl: `${acme.baseUrl}/oauth2/authorize`,
            tokenUrl: `${acme.apiUrl}/oauth2/token`,
            userinfoUrl: `${acme.apiUrl}/users/@me`,
            scopes: ['identify', 'email'],
            profile: { uid: 'id', email: 'email', emailVerified: 'verified', username: 'username', name: 'global_name' },
          },
        ]),
        PROVIDER_OIDC_CLIENT_SECRET: OIDC_APP.secret,
        PROVIDER_OIDC_METHODS_CLIENT_SECRET: OIDC_APP.secret,
        PROVIDER_ACME_CLIENT_SECRET: OAUTH2_APP.secret,
      },
      { logDestination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) } },
    );
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(fakes.map((f) => f.stop()));
    file.remove();
  });
  beforeEach(async () => {
    for (const fake of fakes) fake.reset();
    await t.reset();
    lines.length = 0;
  });

  /** The answer is 401 invalid_provider_token, nothing was written, and the log (not the body) names the claim. */
  async function expectRefused(res: { status: number; body: Record<string, unknown> }, claim: string) {
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      statusCode: 401,
      code: 'invalid_provider_token',
      message: 'The identity provider sent an identity we cannot accept',
    });
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    expect(lines.join('\n')).toContain(`claim \\"${claim}\\"`);
  }

  const googleIdToken = (claims: Record<string, unknown>) => google.signIdToken({ sub: 'g-1', aud: 'g-app', ...claims });
  const loginGoogle = async (claims: Record<string, unknown>) =>
    t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await googleIdToken(claims) });

  describe('Google ID token', () => {
    it.each([
      ['sub a number', { sub: 12345 }, 'sub'],
      ['sub an object', { sub: { id: 'g-1' } }, 'sub'],
      ['sub empty', { sub: '' }, 'sub'],
      ['sub of 256 characters', { sub: '1'.repeat(256) }, 'sub'],
      ['sub with a NUL', { sub: 'g-1\u0000admin' }, 'sub'],
      ['email_verified an object', { email: 'ada@gmail.com', email_verified: { value: true } }, 'email_verified'],
      ['email_verified "yes"', { email: 'ada@gmail.com', email_verified: 'yes' }, 'email_verified'],
      ['email an object', { email: { address: 'ada@gmail.com' }, email_verified: true }, 'email'],
      ['email with a line break', { email: 'ada@gmail.com\r\nbcc: eve@example.com', email_verified: true }, 'email'],
      ['name an object', { name: { first: 'Ada' } }, 'name'],
      ['name longer than 1000 characters', { name: 'A'.repeat(1001) }, 'name'],
      ['picture a number', { picture: 42 }, 'picture'],
      // Read as "no nonce", it would escape the check every token that carries one gets (ADR 0002).
      ['nonce a number', { nonce: 12345 }, 'nonce'],
    ])('should refuse an ID token with %s', async (_what, claims, claim) => {
      await expectRefused(await loginGoogle(claims), claim);
    });

    it('should refuse a bad claim without quoting it to the client or the log', async () => {
      const res = await loginGoogle({ sub: 'g-1', name: { secret: 'do-not-echo' } });

      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain('do-not-echo');
      expect(lines.join('\n')).not.toContain('do-not-echo');
    });

    it('should remove control characters (NUL included) from names, and store the rest', async () => {
      const res = await loginGoogle({ name: 'Ada\u0000 Love\u001blace\n', given_name: 'Ada\u0000', family_name: '\u0007' });

      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ name: 'Ada  Love lace', first_name: 'Ada' });
      expect(res.body.user.last_name ?? null).toBeNull();
      const [row] = await t.dataSource.query('SELECT name, "firstName" AS first FROM users');
      expect(row).toEqual({ name: 'Ada  Love lace', first: 'Ada' });
    });

    it('should accept Google\'s documented "true"/"false" strings for email_verified', async () => {
      const res = await loginGoogle({ email: 'ada@gmail.com', email_verified: 'true' });

      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ email: 'ada@gmail.com', email_verified: true });
    });
  });

  describe('Google access token (userinfo)', () => {
    it('should refuse a userinfo sub of the wrong type', async () => {
      google.patchAnswers('/v1/userinfo', { sub: ['g-1'] });
      const res = await t
        .http()
        .post('/auth/google/token')
        .send({ access_token: google.issueAccessToken({ sub: 'g-1', aud: 'g-app' }) });

      await expectRefused(res, 'sub');
    });
  });

  describe('Facebook', () => {
    const loginFacebook = () =>
      t
        .http()
        .post('/auth/facebook/token')
        .send({ access_token: facebook.issueAccessToken({ userId: '1001', name: 'Ada' }) });

    it('should refuse a numeric user id, where Graph documents a string', async () => {
      facebook.patchAnswers(`${new URL(facebook.graphUrl).pathname}/me`, { id: 1001 });

      await expectRefused(await loginFacebook(), 'sub');
    });

    it('should refuse a name that is not a string', async () => {
      facebook.patchAnswers(`${new URL(facebook.graphUrl).pathname}/me`, { name: ['Ada'] });

      await expectRefused(await loginFacebook(), 'name');
    });

    it('should refuse an email that is not an address', async () => {
      facebook.patchAnswers(`${new URL(facebook.graphUrl).pathname}/me`, { email: 'ada at example' });

      await expectRefused(await loginFacebook(), 'email');
    });
  });

  describe('GitHub', () => {
    const loginGitHub = (extra: object = {}) =>
      t
        .http()
        .post('/auth/github/token')
        .send({ access_token: github.issueAccessToken({ clientId: 'gh-app', id: 7, login: 'ada', ...extra }) });

    it('should refuse a user id that is not a whole number', async () => {
      await expectRefused(await loginGitHub({ id: '7' }), 'user.id');
    });

    it('should refuse a login that is not a string', async () => {
      await expectRefused(await loginGitHub({ login: { name: 'ada' } }), 'username');
    });

    it('should refuse a primary verified email of the wrong type', async () => {
      await expectRefused(await loginGitHub({ emails: [{ email: 42, primary: true, verified: true }] }), 'email');
    });

    it("should accept GitHub's numeric id", async () => {
      const res = await loginGitHub({ name: 'Ada\u0000' });

      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ username: 'ada', name: 'Ada' });
    });
  });

  describe('a generic OIDC provider (code flow: ID token and userinfo)', () => {
    const loginOidc = (account: Record<string, unknown>) =>
      loginWithCode(t, 'oidc', gitlab.codes, { clientId: OIDC_APP.id, account: { sub: '4711', ...account } }).then(({ res }) => res);

    it.each([
      ['sub a number', { sub: 4711 }, 'sub'],
      ['sub of 256 characters', { sub: 'x'.repeat(256) }, 'sub'],
      ['email_verified a number', { email: 'ada@example.com', email_verified: 1 }, 'email_verified'],
      ['preferred_username an array', { preferred_username: ['ada'] }, 'username'],
    ])('should refuse %s', async (_what, account, claim) => {
      await expectRefused(await loginOidc(account), claim);
    });

    it('should sign in with well-typed claims', async () => {
      expect((await loginOidc({ email: 'ada@example.com', email_verified: 'true', name: 'Ada' })).status).toBe(200);
    });
  });

  describe('a generic oauth2 provider (declared profile mapping)', () => {
    const loginAcme = (account: Partial<Record<keyof DiscordUser, unknown>>) =>
      loginWithCode(t, 'acme', acme.codes, {
        clientId: OAUTH2_APP.id,
        account: { id: '42', username: 'ada', ...account } as DiscordUser,
      }).then(({ res }) => res);

    it.each([
      ['an id that is an object', { id: { value: 42 } }, 'sub'],
      ['an empty id', { id: '' }, 'sub'],
      ['a negative numeric id', { id: -1 }, 'sub'],
      ['a verified flag that is a number', { email: 'ada@acme.example', verified: 1 }, 'email_verified'],
      ['a name that is a number', { global_name: 42 }, 'name'],
    ])('should refuse %s', async (_what, account, claim) => {
      await expectRefused(await loginAcme(account), claim);
    });

    it('should take a numeric id where the declared mapping points at one', async () => {
      const res = await loginAcme({ id: 42 });

      expect(res.status).toBe(200);
      const [row] = await t.dataSource.query('SELECT uid FROM social_accounts');
      expect(row.uid).toBe('42');
    });
  });

  describe('error bodies', () => {
    it('should not tell the client what GitHub said about a refused code, only the log', async () => {
      github.patchAnswers('/login/oauth/access_token', { error: 'bad_verification_code', error_description: 'GitHub-says-this-text' });
      const res = await loginWithCode(t, 'github', github.codes, { clientId: 'gh-app', account: { id: 7, login: 'ada' } }).then(
        ({ res }) => res,
      );

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, code: 'invalid_authorization_code', message: 'GitHub refused the authorization code' });
      expect(lines.join('\n')).toContain('GitHub-says-this-text');
      expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    });

    it("should not quote a discovery document's issuer to the client, only to the log", async () => {
      gitlab.patchAnswers('/.well-known/openid-configuration', { issuer: 'https://issuer-of-someone-else.example' });
      const res = await t.http().post('/auth/oidc-fresh/token').send({ id_token: 'a.b.c' });

      expect(res.status).toBe(502);
      expect(res.body).toEqual({
        statusCode: 502,
        code: 'provider_unavailable',
        message: 'oidc-fresh publishes an unusable discovery document',
      });
      expect(lines.join('\n')).toContain('issuer-of-someone-else.example');
    });

    it("should not quote a provider's content type to the client, only to the log", async () => {
      google.patchAnswers('/v1/userinfo', {});
      google.setFault({ kind: 'wrong-content-type', path: '/tokeninfo' });
      const res = await t
        .http()
        .post('/auth/google/token')
        .send({ access_token: google.issueAccessToken({ sub: 'g-1', aud: 'g-app' }) });

      expect(res.status).toBe(502);
      expect(JSON.stringify(res.body)).not.toContain('text/html');
      expect(lines.join('\n')).toContain('text/html');
    });
  });

  describe('token endpoint and discovery answers', () => {
    const loginOidc = (provider = 'oidc') =>
      loginWithCode(t, provider, gitlab.codes, { clientId: OIDC_APP.id, account: { sub: '4711', name: 'Ada' } }).then(({ res }) => res);
    const storedExpiry = async () =>
      ((await t.dataSource.query('SELECT "tokenExpiresAt" AS at FROM social_accounts'))[0] as { at: unknown }).at;

    it.each([
      ['a refresh_token that is an object', { refresh_token: { value: 'rt' } }],
      ['an id_token that is a number', { id_token: 42 }],
      ['an access_token with a line break', { access_token: 'at-1\nX-Injected: 1' }],
    ])('should answer 502 provider_unavailable to %s, writing nothing', async (_what, members) => {
      gitlab.patchAnswers('/oauth/token', members);
      const res = await loginOidc();

      expect(res.status).toBe(502);
      expect(res.body.code).toBe('provider_unavailable');
      expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    });

    it.each([
      ['absurdly large', 1e300],
      ['an object', { seconds: 3600 }],
      ['a list', [3600]],
    ])('should sign in, without an expiry, when expires_in is %s', async (_what, expiresIn) => {
      gitlab.patchAnswers('/oauth/token', { expires_in: expiresIn });
      const res = await loginOidc();

      expect(res.status).toBe(200);
      expect(await storedExpiry()).toBeNull();
    });

    it('should keep a numeric-string expires_in, as some providers send it', async () => {
      gitlab.patchAnswers('/oauth/token', { expires_in: '3600' });

      expect((await loginOidc()).status).toBe(200);
      expect(await storedExpiry()).not.toBeNull();
    });

    it("should sign in, without an expiry, when Google's tokeninfo says a garbage exp", async () => {
      google.patchAnswers('/tokeninfo', { exp: '99999999999999' });
      const res = await t
        .http()
        .post('/auth/google/token')
        .send({ access_token: google.issueAccessToken({ sub: 'g-1', aud: 'g-app' }) });

      expect(res.status).toBe(200);
      expect(await storedExpiry()).toBeNull();
    });

    it('should answer 502 provider_unavailable to a discovery document whose auth methods are not a list of strings', async () => {
      gitlab.patchAnswers('/.well-known/openid-configuration', { token_endpoint_auth_methods_supported: { basic: true } });
      const res = await loginOidc('oidc-methods');

      expect(res.status).toBe(502);
      expect(res.body.code).toBe('provider_unavailable');
      expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    });
  });
});
