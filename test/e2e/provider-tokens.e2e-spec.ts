import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SecretBox } from '../../src/common/crypto/secret-box.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { ProviderTokenService } from '../../src/providers/tokens/provider-token.service.js';
import { SocialAccount } from '../../src/users/entities/social-account.entity.js';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import { FakeGoogle } from '../fakes/google.fake.js';
import { GOOGLE_WEB_CLIENT, loginWithGoogle } from '../support/google-login.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const key = () => randomBytes(32).toString('base64');
const RETIRED_KEY = { id: 'retired', key: Buffer.from(key(), 'base64') };
const HOUR = 3600_000;

describe('ProviderTokenService.getProviderAccessToken', () => {
  const google = new FakeGoogle();
  const facebook = new FakeFacebook({ appId: 'fb-app', appSecret: 'fb-secret' });
  let t: TestApp;
  let tokens: ProviderTokenService;
  let box: SecretBox;
  let userId: string;

  beforeAll(async () => {
    await Promise.all([google.start(), facebook.start()]);
    t = await createTestApp({
      GOOGLE_CLIENT_IDS: GOOGLE_WEB_CLIENT, GOOGLE_CLIENT_SECRETS: 'google-client-secret', GOOGLE_JWKS_URL: google.jwksUrl, GOOGLE_TOKEN_URL: google.tokenUrl,
      FACEBOOK_CLIENT_IDS: facebook.appId, FACEBOOK_CLIENT_SECRETS: 'fb-secret', FACEBOOK_GRAPH_URL: facebook.graphUrl,
      // The first key encrypts; "retired" only decrypts, as mid-rotation.
      ENCRYPTION_KEYS: `current:${key()},retired:${RETIRED_KEY.key.toString('base64')}`,
    });
    tokens = t.app.get(ProviderTokenService);
    box = t.app.get(SecretBox);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google.stop(), facebook.stop()]);
  });
  beforeEach(async () => {
    await t.reset();
    userId = (await loginWithGoogle(t, google, 'g-1')).user.id;
    google.reset();
    facebook.reset();
  });

  const accounts = () => t.dataSource.getRepository(SocialAccount);
  const stored = (provider = 'google') => accounts().findOneByOrFail({ userId, provider });
  /** What a code-flow login will store one day: an access token, its expiry, a refresh token, all encrypted. */
  const seed = (access: string, expiresInMs: number, refresh?: string, with_ = box) =>
    accounts().update({ userId, provider: 'google' }, {
      accessTokenEncrypted: with_.encrypt(access), tokenExpiresAt: new Date(Date.now() + expiresInMs), refreshTokenEncrypted: with_.encryptOptional(refresh),
    });
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
    const form = new URLSearchParams(google.requests[0]!.body);
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'refresh_token', refresh_token: refresh, client_id: GOOGLE_WEB_CLIENT });
    const row = await stored();
    expect(row.accessTokenEncrypted).not.toContain(fresh);
    expect(box.decrypt(row.accessTokenEncrypted!)).toBe(fresh);
    expect(box.decrypt(row.refreshTokenEncrypted!)).toBe(refresh); // Google sent none: the old one is kept
    expect(row.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + HOUR - 60_000);
    await expect(tokens.getProviderAccessToken(userId, 'google')).resolves.toBe(fresh);
    expect(tokenCalls()).toBe(1);
  });

  it('should refresh ONCE for 20 concurrent callers, all getting the same token', async () => {
    await seed('ya29.expired', -HOUR, grant());
    const results = await Promise.all(Array.from({ length: 20 }, () => tokens.getProviderAccessToken(userId, 'google')));
    expect(tokenCalls()).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(box.decrypt((await stored()).accessTokenEncrypted!)).toBe(results[0]);
  });

  it('should answer provider_reauthentication_required and clear the tokens when the refresh token was revoked', async () => {
    const refresh = grant();
    google.refreshTokens.revoke(refresh);
    await seed('ya29.expired', -HOUR, refresh);
    await expect(tokens.getProviderAccessToken(userId, 'google')).rejects.toMatchObject({ code: 'provider_reauthentication_required', status: 409 });
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

  it('should still read a token encrypted with a retired key, and re-encrypt with the current key on refresh', async () => {
    const retired = new SecretBox({ encryption: { keys: [RETIRED_KEY] } } as AppConfig);
    const refresh = grant();
    await seed('ya29.old-key', HOUR, refresh, retired);
    await expect(tokens.getProviderAccessToken(userId, 'google')).resolves.toBe('ya29.old-key');
    await accounts().update({ userId, provider: 'google' }, { tokenExpiresAt: new Date(Date.now() - HOUR) });
    const fresh = await tokens.getProviderAccessToken(userId, 'google');
    const row = await stored();
    const keyId = (ciphertext: string | null) => ciphertext?.split('.')[1];
    expect([keyId(row.accessTokenEncrypted), keyId(row.refreshTokenEncrypted)]).toEqual(['current', 'current']);
    expect([box.decrypt(row.accessTokenEncrypted!), box.decrypt(row.refreshTokenEncrypted!)]).toEqual([fresh, refresh]);
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
      expect(Object.fromEntries(exchanges()[0]!.query)).toMatchObject({ grant_type: 'fb_exchange_token', client_id: 'fb-app', fb_exchange_token: access });
      const row = await stored('facebook');
      expect(box.decrypt(row.accessTokenEncrypted!)).toBe(fresh);
      expect(row.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86400_000);
    });

    it('should still hand out a token with days left when the exchange fails (Facebook down)', async () => {
      const access = await loginFacebook(2 * 86400);
      facebook.setFault({ kind: 'status', status: 500, path: `/${facebook.graphVersion}/oauth` });
      await expect(tokens.getProviderAccessToken(userId, 'facebook')).resolves.toBe(access);
      expect(box.decrypt((await stored('facebook')).accessTokenEncrypted!)).toBe(access);
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
