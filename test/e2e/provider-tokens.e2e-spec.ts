import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SecretBox } from '../../src/common/crypto/secret-box.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { ProviderTokenService } from '../../src/providers/tokens/provider-token.service.js';
import { SocialAccount, tokenPlace, type TokenColumn } from '../../src/users/entities/social-account.entity.js';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import { FakeGitHub } from '../fakes/github.fake.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { GOOGLE_WEB_CLIENT, loginWithGoogle } from '../support/google-login.js';
import { legacySeal } from '../support/legacy-seal.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const key = () => randomBytes(32).toString('base64');
const CURRENT_KEY = { id: 'current', key: randomBytes(32) };
const RETIRED_KEY = { id: 'retired', key: Buffer.from(key(), 'base64') };
const HOUR = 3600_000;

describe('ProviderTokenService.getProviderAccessToken', () => {
  const google = new FakeGoogle();
  const facebook = new FakeFacebook({ appId: 'fb-app', appSecret: 'fb-secret' });
  const github = new FakeGitHub({ clients: [{ clientId: 'gh-app', clientSecret: 'gh-secret' }] });
  let t: TestApp;
  let tokens: ProviderTokenService;
  let box: SecretBox;
  let userId: string;
  let userAccessToken: string;

  beforeAll(async () => {
    await Promise.all([google.start(), facebook.start(), github.start()]);
    t = await createTestApp({
      GOOGLE_CLIENT_IDS: GOOGLE_WEB_CLIENT,
      GOOGLE_CLIENT_SECRETS: 'google-client-secret',
      GOOGLE_JWKS_URL: google.jwksUrl,
      GOOGLE_TOKEN_URL: google.tokenUrl,
      FACEBOOK_CLIENT_IDS: facebook.appId,
      FACEBOOK_CLIENT_SECRETS: 'fb-secret',
      FACEBOOK_GRAPH_URL: facebook.graphUrl,
      GITHUB_CLIENT_IDS: 'gh-app',
      GITHUB_CLIENT_SECRETS: 'gh-secret',
      GITHUB_API_URL: github.apiUrl,
      // The first key encrypts; "retired" only decrypts, as mid-rotation.
      ENCRYPTION_KEYS: `current:${CURRENT_KEY.key.toString('base64')},retired:${RETIRED_KEY.key.toString('base64')}`,
    });
    tokens = t.app.get(ProviderTokenService);
    box = t.app.get(SecretBox);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google.stop(), facebook.stop(), github.stop()]);
  });
  beforeEach(async () => {
    await t.reset();
    ({
      user: { id: userId },
      access_token: userAccessToken,
    } = await loginWithGoogle(t, google, 'g-1'));
    google.reset();
    facebook.reset();
    github.reset();
  });

  const accounts = () => t.dataSource.getRepository(SocialAccount);
  const stored = (provider = 'google') => accounts().findOneByOrFail({ userId, provider });
  /** What a code-flow login stores: an access token, its expiry, a refresh token, each sealed for its row and column. */
  const seed = async (access: string, expiresInMs: number, refresh?: string, with_ = box) => {
    const { id } = await stored();
    await accounts().update(
      { id },
      {
        accessTokenEncrypted: with_.seal(access, tokenPlace(id, 'accessTokenEncrypted')),
        tokenExpiresAt: new Date(Date.now() + expiresInMs),
        refreshTokenEncrypted: with_.sealOptional(refresh, tokenPlace(id, 'refreshTokenEncrypted')),
      },
    );
  };
  /** The plaintext of a stored token, opened where it is stored. */
  const open = (row: SocialAccount, column: TokenColumn = 'accessTokenEncrypted') =>
    box.open(row[column]!, tokenPlace(row.id, column)).plaintext;
  const grant = () => google.refreshTokens.issue({ sub: 'g-1', aud: GOOGLE_WEB_CLIENT });
  const tokenCalls = () => google.requests.filter((r) => r.path === '/token').length;

  it('should return a token that is still valid without calling the provider', async () => {
    await seed('ya29.still-valid', HOUR, grant());
    await expect(tokens.getProviderAccessToken(userId, 'google')).resolves.toBe('ya29.still-valid');
    expect(google.requests).toHaveLength(0);
  });

  it('should refresh an expired token once, store it encrypted and return it', async () => {
    const refresh = grant();
    await seed('ya29.expired', -HOUR, refresh);
    const fresh = await tokens.getProviderAccessToken(userId, 'google');
    expect(fresh).toMatch(/^ya29\./);
    expect(fresh).not.toBe('ya29.expired');
    const form = new URLSearchParams(google.requests[0].body);
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'refresh_token', refresh_token: refresh, client_id: GOOGLE_WEB_CLIENT });
    const row = await stored();
    expect(row.accessTokenEncrypted).not.toContain(fresh);
    expect(open(row)).toBe(fresh);
    expect(open(row, 'refreshTokenEncrypted')).toBe(refresh); // Google sent none: the old one is kept
    expect(row.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + HOUR - 60_000);
    await expect(tokens.getProviderAccessToken(userId, 'google')).resolves.toBe(fresh);
    expect(tokenCalls()).toBe(1);
  });

  it('should refresh ONCE for 20 concurrent callers, all getting the same token', async () => {
    await seed('ya29.expired', -HOUR, grant());
    const results = await Promise.all(Array.from({ length: 20 }, () => tokens.getProviderAccessToken(userId, 'google')));
    expect(tokenCalls()).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(open(await stored())).toBe(results[0]);
  });

  it('should answer provider_reauthentication_required and clear the tokens when the refresh token was revoked', async () => {
    const refresh = grant();
    google.refreshTokens.revoke(refresh);
    await seed('ya29.expired', -HOUR, refresh);
    await expect(tokens.getProviderAccessToken(userId, 'google')).rejects.toMatchObject({
      code: 'provider_reauthentication_required',
      status: 409,
    });
    expect(await stored()).toMatchObject({ accessTokenEncrypted: null, refreshTokenEncrypted: null, tokenExpiresAt: null });
  });

  it('should answer provider_reauthentication_required for an expired token without a refresh token', async () => {
    await seed('ya29.expired', -HOUR);
    await expect(tokens.getProviderAccessToken(userId, 'google')).rejects.toMatchObject({ code: 'provider_reauthentication_required' });
    expect(google.requests).toHaveLength(0);
  });

  it('should answer 502 and keep the stored token when the provider is down', async () => {
    await seed('ya29.expired', -HOUR, grant());
    const before = await stored();
    google.setFault({ kind: 'status', status: 503, path: '/token' });
    await expect(tokens.getProviderAccessToken(userId, 'google')).rejects.toMatchObject({ code: 'provider_unavailable', status: 502 });
    const after = await stored();
    expect([after.accessTokenEncrypted, after.refreshTokenEncrypted]).toEqual([before.accessTokenEncrypted, before.refreshTokenEncrypted]);
  });

  it('should answer not_found when the user has no account at that provider', async () => {
    await expect(tokens.getProviderAccessToken(userId, 'facebook')).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it('should still read a token sealed with a retired key, seal it again with the current key on that read, and the refresh token on refresh', async () => {
    const retired = new SecretBox({ encryption: { keys: [RETIRED_KEY] } } as AppConfig);
    const refresh = grant();
    await seed('ya29.old-key', HOUR, refresh, retired);
    const keyIds = async () => {
      const row = await stored();
      return [row.accessTokenEncrypted, row.refreshTokenEncrypted].map((c) => c?.split('.')[1]);
    };
    await expect(tokens.getProviderAccessToken(userId, 'google')).resolves.toBe('ya29.old-key');
    expect(await keyIds()).toEqual(['current', 'retired']);
    expect(open(await stored())).toBe('ya29.old-key');
    await accounts().update({ userId, provider: 'google' }, { tokenExpiresAt: new Date(Date.now() - HOUR) });
    const fresh = await tokens.getProviderAccessToken(userId, 'google');
    expect(await keyIds()).toEqual(['current', 'current']);
    const row = await stored();
    expect([open(row), open(row, 'refreshTokenEncrypted')]).toEqual([fresh, refresh]);
  });

  describe('sealed for their row and column', () => {
    it('should open a legacy token (sealed before places, key id only) and seal it again for its row and column', async () => {
      const { id } = await stored();
      const legacy = legacySeal(CURRENT_KEY.id, CURRENT_KEY.key, 'ya29.legacy');
      await accounts().update({ id }, { accessTokenEncrypted: legacy, tokenExpiresAt: new Date(Date.now() + HOUR) });
      await expect(tokens.getProviderAccessToken(userId, 'google')).resolves.toBe('ya29.legacy');
      const row = await stored();
      expect(row.accessTokenEncrypted).toMatch(/^v2\.current\./);
      expect(open(row)).toBe('ya29.legacy');
      expect(() => box.open(row.accessTokenEncrypted!, tokenPlace('another-row', 'accessTokenEncrypted'))).toThrow();
    });

    it("should not hand out another user's token copied onto this user's row: 409 provider_reauthentication_required", async () => {
      await seed('ya29.ada', HOUR);
      const victim = (await loginWithGoogle(t, google, 'g-2')).user.id;
      const theirs = await accounts().findOneByOrFail({ userId: victim, provider: 'google' });
      await accounts().update(
        { id: theirs.id },
        { accessTokenEncrypted: (await stored()).accessTokenEncrypted, tokenExpiresAt: new Date(Date.now() + HOUR) },
      );
      await expect(tokens.getProviderAccessToken(victim, 'google')).rejects.toMatchObject({
        code: 'provider_reauthentication_required',
        status: 409,
      });
    });

    it('should not take an access token copied into the refresh-token column for a refresh token', async () => {
      await seed('ya29.expired', -HOUR);
      const row = await stored();
      await accounts().update({ id: row.id }, { refreshTokenEncrypted: row.accessTokenEncrypted });
      await expect(tokens.getProviderAccessToken(userId, 'google')).rejects.toMatchObject({
        code: 'provider_reauthentication_required',
        status: 409,
      });
      expect(google.requests).toHaveLength(0);
    });
  });

  describe('a user with two GitHub accounts', () => {
    const ghToken = (id: number) =>
      github.issueAccessToken({
        clientId: 'gh-app',
        id,
        login: `gh${id}`,
        emails: [{ email: `gh${id}@example.com`, primary: true, verified: true }],
      });
    /** Connects a GitHub identity to the signed-in Google user; its social account id. */
    const connect = async (accessToken: string) =>
      (
        await t
          .http()
          .post('/users/me/social-accounts/github')
          .set('authorization', `Bearer ${userAccessToken}`)
          .send({ access_token: accessToken })
          .expect(200)
      ).body.id as string;

    it('should give each account its own token, by social account id', async () => {
      const [first, second] = [ghToken(7), ghToken(8)];
      const [firstId, secondId] = [await connect(first), await connect(second)];
      await expect(tokens.getAccountAccessToken(userId, firstId)).resolves.toBe(first);
      await expect(tokens.getAccountAccessToken(userId, secondId)).resolves.toBe(second);
    });

    it('should refuse to pick one of them by provider: 409 provider_account_ambiguous', async () => {
      const only = ghToken(7);
      await connect(only);
      await expect(tokens.getProviderAccessToken(userId, 'github')).resolves.toBe(only); // one: the shorthand serves
      await connect(ghToken(8));
      await expect(tokens.getProviderAccessToken(userId, 'github')).rejects.toMatchObject({
        code: 'provider_account_ambiguous',
        status: 409,
      });
    });

    it("should not give a user another user's social account by its id: not_found", async () => {
      const theirs = (
        await t
          .http()
          .post('/auth/github/token')
          .send({ access_token: ghToken(9) })
          .expect(200)
      ).body.user.id as string;
      const [account] = await accounts().findBy({ userId: theirs });
      await expect(tokens.getAccountAccessToken(userId, account.id)).rejects.toMatchObject({ code: 'not_found', status: 404 });
    });
  });

  describe('Facebook (no refresh tokens)', () => {
    const loginFacebook = async (expiresInSeconds: number) => {
      const access = facebook.issueAccessToken({ userId: 'fb-1', expiresAt: Math.floor(Date.now() / 1000) + expiresInSeconds });
      userId = (await t.http().post('/auth/facebook/token').send({ access_token: access }).expect(200)).body.user.id;
      facebook.requests.length = 0; // not reset(): that would forget the token too
      return access;
    };
    const exchanges = () => facebook.requests.filter((r) => r.path.endsWith('/oauth/access_token'));

    it('should exchange a token expiring within days for a long-lived one, and store it', async () => {
      const access = await loginFacebook(2 * 86400);
      const fresh = await tokens.getProviderAccessToken(userId, 'facebook');
      expect(fresh).not.toBe(access);
      expect(exchanges()).toHaveLength(1);
      expect(Object.fromEntries(exchanges()[0].query)).toMatchObject({
        grant_type: 'fb_exchange_token',
        client_id: 'fb-app',
        fb_exchange_token: access,
      });
      const row = await stored('facebook');
      expect(open(row)).toBe(fresh);
      expect(row.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86400_000);
    });

    it('should still hand out a token with days left when the exchange fails (Facebook down)', async () => {
      const access = await loginFacebook(2 * 86400);
      facebook.setFault({ kind: 'status', status: 500, path: `/${facebook.graphVersion}/oauth` });
      await expect(tokens.getProviderAccessToken(userId, 'facebook')).resolves.toBe(access);
      expect(open(await stored('facebook'))).toBe(access);
    });

    it('should return a token with weeks left as it is', async () => {
      const access = await loginFacebook(30 * 86400);
      await expect(tokens.getProviderAccessToken(userId, 'facebook')).resolves.toBe(access);
      expect(facebook.requests).toHaveLength(0);
    });

    it('should require a new login once the token has expired', async () => {
      await loginFacebook(2 * 86400);
      await accounts().update({ userId, provider: 'facebook' }, { tokenExpiresAt: new Date(Date.now() - 1000) });
      await expect(tokens.getProviderAccessToken(userId, 'facebook')).rejects.toMatchObject({ code: 'provider_reauthentication_required' });
      expect(facebook.requests).toHaveLength(0);
    });
  });
});
