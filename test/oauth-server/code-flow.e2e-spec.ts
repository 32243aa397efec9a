import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { AccessTokenService } from '../../src/auth/tokens/access-token.service.js';
import { BrowserSession } from '../../src/cli/browser-session.js';
import { authorize } from './authorize-flow.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const REDIRECT = 'https://app.example.test/callback';
const NATIVE_REDIRECT = 'com.example.app:/oauth2redirect';

/** Drives our authorization server as a real relying party does: openid-client v6, over HTTP, no shortcut. */
describe('authorization code + PKCE with openid-client, signing in with our social login', () => {
  let t: OAuthTestApp;
  let app: { clientId: string; clientSecret?: string };
  let config: client.Configuration;

  const api = (token: string, path = '/users/me') => t.http().get(path).set('authorization', `Bearer ${token}`);
  const firstPartyToken = (userId: string) => t.app.get(AccessTokenService, { strict: false }).sign(userId, 'session-of-test');
  async function signedIn(scope = 'openid profile email profile:read offline_access', username = 'ada-lovelace') {
    const done = await authorize(config, { redirectUri: REDIRECT, scope, username });
    const tokens = await client.authorizationCodeGrant(config, done.callback, {
      pkceCodeVerifier: done.verifier,
      expectedState: done.state,
    });
    return { done, tokens };
  }

  beforeAll(async () => {
    t = await startOAuthApp();
    app = await t.register({
      name: 'Example App',
      type: 'confidential',
      redirectUris: [REDIRECT],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'profile:read'],
    });
    config = await t.discover(app.clientId, app.clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should sign in, ask consent naming the client and scopes, and issue tokens our API accepts', async () => {
    const { done, tokens } = await signedIn('openid profile email profile:read offline_access', 'grace-hopper');
    expect(done.consentPage).toContain('Example App');
    expect(done.consentPage).toContain('Read your profile');
    expect(done.callback.searchParams.get('iss')).toBe(t.url);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.claims()!.iss).toBe(t.url);
    expect(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0], 'base64url').toString()).alg).toBe('ES256');
    const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0], 'base64url').toString());
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString());
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    expect(claims).toMatchObject({ iss: t.url, aud: `${t.url}/`, client_id: app.clientId, sub: tokens.claims()!.sub });
    expect(claims.scope.split(' ').sort()).toEqual(['email', 'openid', 'profile', 'profile:read']);
    const me = await api(tokens.access_token).expect(200);
    expect(me.body.id).toBe(tokens.claims()!.sub);
  });

  it("should set each cookie once when our social login's callback returns to the sign-in page (the state cookie cleared once)", async () => {
    const callbacks: string[][] = [];
    class RecordingBrowser extends BrowserSession {
      override async get(url: string | URL): Promise<Response> {
        const res = await super.get(url);
        if (/^\/auth\/[^/]+\/callback$/.test(new URL(url).pathname)) callbacks.push(res.headers.getSetCookie().map((c) => c.split('=')[0]));
        return res;
      }
    }
    await authorize(config, { redirectUri: REDIRECT, scope: 'openid', browser: new RecordingBrowser() });
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0].length).toBe(2);
    expect(new Set(callbacks[0]).size).toBe(2);
  });

  it('should answer userinfo for openid profile email with the access token the client got', async () => {
    const { tokens } = await signedIn();
    const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(info).toMatchObject({
      sub: tokens.claims()!.sub,
      email: 'ada-lovelace@dev-idp.localhost',
      preferred_username: expect.any(String),
    });
  });

  it('should remember consent per (user, client) across sign-ins, and ask only for scopes not granted yet', async () => {
    await signedIn('openid profile:read', 'alan-turing');
    const again = await authorize(config, { redirectUri: REDIRECT, scope: 'openid profile:read', username: 'alan-turing' });
    expect(again.consentPage).toBeUndefined();
    expect(again.callback.searchParams.get('code')).toBeTruthy();
    const more = await authorize(config, { redirectUri: REDIRECT, scope: 'openid profile:read email', username: 'alan-turing' });
    expect(more.consentPage).toContain('See your email address');
    expect(more.consentPage).not.toContain('Read your profile');
  });

  it('should send the user back with access_denied when they deny', async () => {
    const denied = await authorize(config, { redirectUri: REDIRECT, scope: 'openid', username: 'denis', decide: 'deny' });
    expect(denied.callback.searchParams.get('error')).toBe('access_denied');
    expect(denied.callback.searchParams.get('code')).toBeNull();
  });

  it('should refuse a token as an ID token at our API: an ID token is never an access token', async () => {
    const { tokens } = await signedIn();
    const res = await api(tokens.id_token!).expect(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it('should rotate refresh tokens, and on reuse of a rotated one refuse it and revoke the grant (its access tokens stop)', async () => {
    const { tokens } = await signedIn();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await api(refreshed.access_token).expect(200);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const res = await api(refreshed.access_token).expect(401);
    expect(res.body.code).toBe('invalid_token');
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('should redeem a code once; a reused code fails and revokes what it issued', async () => {
    const done = await authorize(config, { redirectUri: REDIRECT, scope: 'openid profile:read' });
    const tokens = await client.authorizationCodeGrant(config, done.callback, {
      pkceCodeVerifier: done.verifier,
      expectedState: done.state,
    });
    await api(tokens.access_token).expect(200);
    await expect(
      client.authorizationCodeGrant(config, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await api(tokens.access_token).expect(401);
  });

  it('should stop access tokens at once when the refresh token is revoked (RFC 7009), and introspect it inactive', async () => {
    const { tokens } = await signedIn();
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toMatchObject({
      active: true,
      client_id: app.clientId,
      sub: tokens.claims()!.sub,
    });
    // A JWT access token is not stored, so introspection cannot vouch for it (ADR 0021): our API verifies it instead.
    expect(await client.tokenIntrospection(config, tokens.access_token).catch((e: unknown) => e)).toMatchObject({
      error: 'unsupported_token_type',
    });
    await client.tokenRevocation(config, tokens.refresh_token!);
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
    await api(tokens.access_token).expect(401);
  });

  it("should tell another client nothing about this client's refresh token, and not let it revoke it", async () => {
    const { tokens } = await signedIn();
    const other = await t.register({
      name: 'Other App',
      type: 'confidential',
      redirectUris: ['https://other.example.test/cb'],
      scopes: ['openid'],
    });
    const otherConfig = await t.discover(other.clientId, other.clientSecret);
    expect(await client.tokenIntrospection(otherConfig, tokens.refresh_token!)).toEqual({ active: false });
    await client.tokenRevocation(otherConfig, tokens.refresh_token!).catch(() => undefined);
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toMatchObject({ active: true, client_id: app.clientId });
  });

  it('should let the user list and revoke the authorizations they gave; a revoked one stops its tokens', async () => {
    const { tokens } = await signedIn('openid profile:read offline_access', 'katherine-johnson');
    const own = firstPartyToken(tokens.claims()!.sub);
    const list = await api(own, '/users/me/authorizations').expect(200);
    expect(list.body).toEqual([
      expect.objectContaining({
        client_id: app.clientId,
        client_name: 'Example App',
        scopes: expect.arrayContaining(['openid', 'profile:read']),
      }),
    ]);
    await t.http().delete(`/users/me/authorizations/${list.body[0].id}`).set('authorization', `Bearer ${own}`).expect(204);
    await api(tokens.access_token).expect(401);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await api(own, '/users/me/authorizations').expect(200)).body).toEqual([]);
    const [revoked, granted] = (await api(own, '/users/me/activity').expect(200)).body.events;
    expect([revoked, granted]).toEqual([
      expect.objectContaining({ event: 'authorization_revoked', detail: { client_id: app.clientId } }),
      expect.objectContaining({ event: 'authorization_granted', detail: { client_id: app.clientId } }),
    ]);
    await t.http().delete(`/users/me/authorizations/${list.body[0].id}`).set('authorization', `Bearer ${own}`).expect(404);
  });

  it('should answer 403 insufficient_scope with WWW-Authenticate for a scope the token lacks, and on first-party-only routes', async () => {
    const { tokens } = await signedIn('openid profile:read');
    const patch = await t.http().patch('/users/me').set('authorization', `Bearer ${tokens.access_token}`).send({ name: 'X' }).expect(403);
    expect(patch.body.code).toBe('insufficient_scope');
    expect(patch.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", scope="profile:write"/);
    const sessions = await api(tokens.access_token, '/auth/sessions').expect(403);
    expect(sessions.body.code).toBe('insufficient_scope');
    await api(tokens.access_token, '/users/me/authorizations').expect(403);
    await api(tokens.access_token, '/users/me/activity').expect(403);
    await api(tokens.access_token, '/admin/applications').expect(403);
  });

  it('should refuse, with an error page and no redirect, a redirect URI that is not registered exactly', async () => {
    for (const redirectUri of ['https://evil.test/callback', `${REDIRECT}/`, `${REDIRECT}?x=1`]) {
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
      const res = await fetch(url, { redirect: 'manual' });
      expect({ redirectUri, status: res.status, location: res.headers.get('location') }).toEqual({
        redirectUri,
        status: 400,
        location: null,
      });
    }
  });

  it("should refuse a scope over the application's ceiling", async () => {
    for (const scope of ['openid profile:write', 'openid admin']) {
      const over = await authorize(config, { redirectUri: REDIRECT, scope });
      expect({ scope, error: over.callback.searchParams.get('error') }).toEqual({ scope, error: 'invalid_scope' });
    }
  });

  it('should refuse a wrong client secret at the token endpoint', async () => {
    const wrong = await t.discover(app.clientId, 'not-the-secret');
    const done = await authorize(config, { redirectUri: REDIRECT, scope: 'openid' });
    const error = await client
      .authorizationCodeGrant(wrong, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401 });
    expect(JSON.stringify((error as Error).cause)).toContain('invalid_client');
    // The code was not spent by the failed attempt: the real client still redeems it.
    await client.authorizationCodeGrant(config, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state });
  });

  // OAuth 2.1 ("Authorization Code Injection"): PKCE is enforced for every client, unless a confidential client sends an
  // OpenID Connect request with a nonce, which the ID token then returns (src/oauth-server/pkce-policy.ts).
  it('should refuse a confidential client asking for a code without PKCE, unless it is an OpenID Connect request with a nonce', async () => {
    for (const scope of ['profile:read', 'openid profile:read']) {
      const refused = await authorize(config, { redirectUri: REDIRECT, scope, pkce: false });
      expect(refused.callback.searchParams.get('error')).toBe('invalid_request');
      expect(refused.callback.searchParams.get('error_description')).toMatch(/PKCE/);
      expect(refused.callback.searchParams.get('code')).toBeNull();
    }

    const nonce = client.randomNonce();
    const done = await authorize(config, { redirectUri: REDIRECT, scope: 'openid profile:read', pkce: false, extra: { nonce } });
    expect(done.callback.searchParams.get('error')).toBeNull();
    const tokens = await client.authorizationCodeGrant(config, done.callback, { expectedState: done.state, expectedNonce: nonce });
    expect(tokens.claims()!.nonce).toBe(nonce);
    await api(tokens.access_token).expect(200);
  });

  it('should refuse a code_verifier for a code that was issued without a code_challenge (PKCE downgrade)', async () => {
    const nonce = client.randomNonce();
    const done = await authorize(config, { redirectUri: REDIRECT, scope: 'openid', pkce: false, extra: { nonce } });
    const error = await client
      .authorizationCodeGrant(config, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state, expectedNonce: nonce })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ error: 'invalid_grant' });
  });

  describe('a public single-page application', () => {
    const SPA = 'https://spa.example.test';
    let spaConfig: client.Configuration;

    beforeAll(async () => {
      const spa = await t.register({ name: 'Example SPA', type: 'public', redirectUris: [`${SPA}/callback`] });
      spaConfig = await t.discover(spa.clientId);
    });

    it('should answer CORS at the token endpoint for its own origin only (oidc-provider, per client)', async () => {
      const preflight = await fetch(`${t.url}/oauth/token`, {
        method: 'OPTIONS',
        headers: { origin: SPA, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(SPA);
      const done = await authorize(spaConfig, { redirectUri: `${SPA}/callback`, scope: 'openid profile:read' });
      const redeem = (origin: string) =>
        fetch(`${t.url}/oauth/token`, {
          method: 'POST',
          headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: done.callback.searchParams.get('code')!,
            redirect_uri: `${SPA}/callback`,
            code_verifier: done.verifier,
            client_id: spaConfig.clientMetadata().client_id,
          }),
        });
      const other = await redeem('https://evil.test');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const own = await redeem(SPA);
      expect(own.headers.get('access-control-allow-origin')).toBe(SPA);
      expect(((await own.json()) as { access_token?: string }).access_token).toBeDefined();
    });
  });

  describe('a public (native) client', () => {
    let publicConfig: client.Configuration;

    beforeAll(async () => {
      const native = await t.register({
        name: 'Example CLI',
        type: 'public',
        redirectUris: [NATIVE_REDIRECT, 'http://127.0.0.1/callback'],
      });
      expect(native.clientSecret).toBeUndefined();
      publicConfig = await t.discover(native.clientId);
    });

    it('should run the flow with PKCE and no secret', async () => {
      const done = await authorize(publicConfig, { redirectUri: NATIVE_REDIRECT, scope: 'openid profile:read' });
      const tokens = await client.authorizationCodeGrant(publicConfig, done.callback, {
        pkceCodeVerifier: done.verifier,
        expectedState: done.state,
      });
      await api(tokens.access_token).expect(200);
    });

    it('should refuse an authorization request without PKCE', async () => {
      const done = await authorize(publicConfig, { redirectUri: NATIVE_REDIRECT, scope: 'openid', pkce: false });
      expect(done.callback.searchParams.get('error')).toBe('invalid_request');
      expect(done.callback.searchParams.get('error_description')).toMatch(/PKCE/);
    });
  });
});
