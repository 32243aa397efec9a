import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DEV_IDP_PROVIDER_ID } from '../../src/config/providers-file.js';
import { DEV_IDP_CLIENT_ID } from '../../src/dev-idp/dev-idp.client.js';
import { ProviderTokenService } from '../../src/providers/tokens/provider-token.service.js';
import { SocialAccount } from '../../src/users/entities/social-account.entity.js';
import { User } from '../../src/users/entities/user.entity.js';
import { startAppWithDevIdp, type ListeningApp } from './dev-idp-app.js';
import { startAuthorization, submitLogin } from './dev-idp-flow.js';

/**
 * The generic `oidc` type end to end against a real OpenID provider (oidc-provider, as the dev IdP): the code flow
 * with PKCE through POST /auth/{provider}/code (discovery, code redemption with the client secret, ID token
 * verification with the nonce, userinfo), then the provider token kept fresh with the refresh-token grant.
 */
describe('POST /auth/dev/code: the generic OIDC code flow against oidc-provider', () => {
  let t: ListeningApp;
  let redirectUri: string;

  beforeAll(async () => {
    // A single-page app's own callback: it receives the code and hands it to us.
    t = await startAppWithDevIdp({ DEV_IDP_REDIRECT_URIS: 'http://127.0.0.1:5173/callback' });
    redirectUri = 'http://127.0.0.1:5173/callback';
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.reset());

  /** A real authorization at the provider: its login form, submitted as a browser would; the code it sends back. */
  async function authorize(username: string) {
    const { attempt, url, res } = await startAuthorization(t.issuer, DEV_IDP_CLIENT_ID, redirectUri);
    const callback = await submitLogin(attempt, { url, res }, username);
    return { code: callback.get('code')!, verifier: attempt.verifier };
  }
  /** startAuthorization puts this nonce in the authorization request. */
  const NONCE = 'n-0S6_WzA2Mj';
  const exchange = (body: object) => t.http().post(`/auth/${DEV_IDP_PROVIDER_ID}/code`).send(body);
  const counts = async () => ({
    users: await t.dataSource.getRepository(User).count(),
    accounts: await t.dataSource.getRepository(SocialAccount).count(),
  });

  it('should sign in with the code, PKCE verifier and nonce, keep the provider tokens encrypted, and keep them fresh by refreshing', async () => {
    const { code, verifier } = await authorize('Ada Lovelace');

    const res = await exchange({ code, redirect_uri: redirectUri, code_verifier: verifier, nonce: NONCE }).expect(200);

    expect(res.body).toMatchObject({ token_type: 'Bearer', is_new_user: true, user: { name: 'Ada Lovelace' } });
    const account = await t.dataSource
      .getRepository(SocialAccount)
      .findOneByOrFail({ userId: res.body.user.id, provider: DEV_IDP_PROVIDER_ID });
    expect(account.uid).toBe('ada-lovelace');
    expect(account.accessTokenEncrypted).toEqual(expect.any(String));
    expect(account.refreshTokenEncrypted).toEqual(expect.any(String));

    // The stored access token works at the provider as it is.
    const tokens = t.app.get(ProviderTokenService);
    const first = await tokens.getProviderAccessToken(res.body.user.id, DEV_IDP_PROVIDER_ID);
    expect(account.accessTokenEncrypted).not.toContain(first);
    expect((await fetch(`${t.issuer}/me`, { headers: { authorization: `Bearer ${first}` } })).status).toBe(200);

    // Once it has expired, the refresh-token grant at the real provider gives a new one that works too.
    await t.dataSource.getRepository(SocialAccount).update({ id: account.id }, { tokenExpiresAt: new Date(Date.now() - 1000) });
    const renewed = await tokens.getProviderAccessToken(res.body.user.id, DEV_IDP_PROVIDER_ID);
    expect(renewed).not.toBe(first);
    expect((await fetch(`${t.issuer}/me`, { headers: { authorization: `Bearer ${renewed}` } })).status).toBe(200);
    const after = await t.dataSource.getRepository(SocialAccount).findOneByOrFail({ id: account.id });
    expect(after.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('should refuse a wrong PKCE verifier (the provider says invalid_grant) and create nothing', async () => {
    const { code } = await authorize('Grace Hopper');

    const res = await exchange({ code, redirect_uri: redirectUri, code_verifier: 'x'.repeat(43), nonce: NONCE }).expect(400);

    expect(res.body.code).toBe('invalid_authorization_code');
    expect(await counts()).toEqual({ users: 0, accounts: 0 });
  });

  it('should refuse an ID token whose nonce is not the one the frontend sent, and create nothing', async () => {
    const { code, verifier } = await authorize('Grace Hopper');

    const res = await exchange({ code, redirect_uri: redirectUri, code_verifier: verifier, nonce: 'another-nonce' }).expect(400);

    expect(res.body.code).toBe('invalid_nonce');
    expect(await counts()).toEqual({ users: 0, accounts: 0 });
  });

  it('should refuse a code redeemed twice (the provider refuses the second) and sign in once', async () => {
    const { code, verifier } = await authorize('Grace Hopper');
    await exchange({ code, redirect_uri: redirectUri, code_verifier: verifier, nonce: NONCE }).expect(200);

    const again = await exchange({ code, redirect_uri: redirectUri, code_verifier: verifier, nonce: NONCE }).expect(400);

    expect(again.body.code).toBe('invalid_authorization_code');
    expect(await counts()).toEqual({ users: 1, accounts: 1 });
  });
});
