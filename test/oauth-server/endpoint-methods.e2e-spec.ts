import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { authorize } from './authorize-flow.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const REDIRECT = 'https://app.example.test/callback';
const form = 'application/x-www-form-urlencoded';

/**
 * Every endpoint our discovery document names answers the methods its specification requires: OpenID Connect Core
 * 3.1.2.1 (authorization: GET and POST) and 5.3.1 (userinfo: GET and POST), RFC 6749 3.2 (token: POST), RFC 7009
 * (revocation: POST), RFC 7662 (introspection: POST), RFC 7517 (the key set: GET).
 */
describe('the methods each endpoint of our discovery document answers', () => {
  let t: OAuthTestApp;
  let app: { clientId: string; clientSecret?: string };
  let config: client.Configuration;
  let metadata: Record<string, unknown>;
  let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  const basic = () => `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
  const path = (name: string) => new URL(metadata[name] as string).pathname;

  beforeAll(async () => {
    t = await startOAuthApp();
    app = await t.register({
      type: 'confidential',
      redirectUris: [REDIRECT],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'profile:read'],
    });
    config = await t.discover(app.clientId, app.clientSecret);
    metadata = (await t.http().get('/.well-known/openid-configuration').expect(200)).body;
    const done = await authorize(config, { redirectUri: REDIRECT, scope: 'openid profile email offline_access', username: 'mary-jackson' });
    tokens = await client.authorizationCodeGrant(config, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should name only endpoints this spec checks (a new one gets its methods checked here)', () => {
    const endpoints = Object.keys(metadata)
      .filter((key) => key.endsWith('_endpoint') || key === 'jwks_uri')
      .sort();
    expect(endpoints).toEqual([
      'authorization_endpoint',
      'introspection_endpoint',
      'jwks_uri',
      'pushed_authorization_request_endpoint',
      'revocation_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
    ]);
  });

  it('should answer userinfo by POST with the token in the Authorization header, as by GET (OIDC Core 5.3.1)', async () => {
    const sub = tokens.claims()!.sub;
    const byGet = await client.fetchUserInfo(config, tokens.access_token, sub);
    const res = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(metadata.userinfo_endpoint as string),
      'POST',
      undefined,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual(byGet);
  });

  it('should answer userinfo by POST with the token as the form field access_token (RFC 6750 2.2)', async () => {
    const res = await t
      .http()
      .post(path('userinfo_endpoint'))
      .set('content-type', form)
      .send(`access_token=${encodeURIComponent(tokens.access_token)}`)
      .expect(200);
    expect(res.body.sub).toBe(tokens.claims()!.sub);
    expect(res.body.email).toBe('mary-jackson@dev-idp.localhost');
  });

  it('should refuse a userinfo POST without a token, with a bad one, and with the token sent two ways', async () => {
    const none = await t.http().post(path('userinfo_endpoint')).expect(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const bad = await t.http().post(path('userinfo_endpoint')).set('content-type', form).send('access_token=not-a-token').expect(401);
    expect(bad.body.code).toBe('invalid_token');
    const twice = await t
      .http()
      .post(path('userinfo_endpoint'))
      .set('authorization', `Bearer ${tokens.access_token}`)
      .set('content-type', form)
      .send(`access_token=${encodeURIComponent(tokens.access_token)}`)
      .expect(400);
    expect(twice.body.code).toBe('validation_failed');
  });

  it('should take authorization requests by GET and by POST (OIDC Core 3.1.2.1), both on to the sign-in', async () => {
    const parameters = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 's',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const byGet = await t.http().get(`${path('authorization_endpoint')}?${parameters}`);
    const byPost = await t.http().post(path('authorization_endpoint')).set('content-type', form).send(parameters.toString());
    for (const res of [byGet, byPost]) {
      expect({ status: res.status, location: res.headers.location }).toEqual({
        status: 303,
        location: expect.stringContaining('/oauth/interaction/'),
      });
    }
  });

  it('should answer the token endpoint by POST (RFC 6749 3.2): a refresh with openid-client', async () => {
    const next = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(next.access_token).toBeTruthy();
    tokens = { ...tokens, refresh_token: next.refresh_token } as typeof tokens;
  });

  it('should take pushed authorization requests by POST (RFC 9126), their request_uri at the authorization endpoint', async () => {
    const parameters = {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 's',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    };
    const url = await client.buildAuthorizationUrlWithPAR(config, parameters);
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const res = await t.http().get(`${url.pathname}${url.search}`);
    expect({ status: res.status, location: res.headers.location }).toEqual({
      status: 303,
      location: expect.stringContaining('/oauth/interaction/'),
    });
  });

  it('should refuse an authorization POST whose body is not a form, with an OAuth error', async () => {
    const res = await t
      .http()
      .post(path('authorization_endpoint'))
      .set('content-type', 'application/json')
      .send('{"client_id":"x"}')
      .expect(415);
    expect(res.body.error).toBe('unsupported_media_type');
  });

  it('should refuse an authorization POST whose form is over 64 KiB, with an OAuth error, not handed on', async () => {
    const res = await t
      .http()
      .post(path('authorization_endpoint'))
      .set('content-type', form)
      .send(`client_id=${app.clientId}&response_type=code&state=${'s'.repeat(70 * 1024)}`)
      .expect(413);
    expect(res.body.error).toBe('payload_too_large');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('should answer introspection and revocation by POST (RFC 7662, RFC 7009)', async () => {
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);
    await client.tokenRevocation(config, tokens.refresh_token!);
    const res = await t
      .http()
      .post(path('introspection_endpoint'))
      .set('authorization', basic())
      .set('content-type', form)
      .send(`token=${encodeURIComponent(tokens.refresh_token!)}`)
      .expect(200);
    expect(res.body).toEqual({ active: false });
  });

  it('should serve the key set by GET', async () => {
    const res = await t.http().get(path('jwks_uri')).expect(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
  });
});
