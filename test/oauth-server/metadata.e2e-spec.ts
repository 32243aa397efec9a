import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

describe('authorization server metadata (OAUTH_SERVER_ENABLED defaults to on)', () => {
  let t: OAuthTestApp;

  beforeAll(async () => {
    t = await startOAuthApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should serve the OpenID configuration at the root, issuer = JWT_ISSUER, endpoints under /oauth', async () => {
    const res = await t.http().get('/.well-known/openid-configuration').expect(200);
    expect(res.body).toMatchObject({
      issuer: t.url,
      authorization_endpoint: `${t.url}/oauth/authorize`,
      token_endpoint: `${t.url}/oauth/token`,
      revocation_endpoint: `${t.url}/oauth/revoke`,
      introspection_endpoint: `${t.url}/oauth/introspect`,
      userinfo_endpoint: `${t.url}/oauth/userinfo`,
      jwks_uri: `${t.url}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      id_token_signing_alg_values_supported: ['ES256'],
    });
    expect(res.body.token_endpoint_auth_methods_supported.sort()).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
    expect(res.body.registration_endpoint).toBeUndefined();
  });

  it('should serve the same document as RFC 8414 authorization server metadata', async () => {
    const oidc = await t.http().get('/.well-known/openid-configuration').expect(200);
    const rfc8414 = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
    expect(rfc8414.body).toEqual(oidc.body);
  });

  it('should validate as metadata for openid-client (issuer matches, no client registered needed)', async () => {
    const config = await t.discover('anyone');
    expect(config.serverMetadata().issuer).toBe(t.url);
  });

  it('should sign with the keys of /.well-known/jwks.json: the provider publishes the same key ids', async () => {
    const ours = await t.http().get('/.well-known/jwks.json').expect(200);
    const its = await t.http().get('/oauth/jwks').expect(200);
    expect(its.body.keys.map((k: { kid: string }) => k.kid)).toEqual(ours.body.keys.map((k: { kid: string }) => k.kid));
    expect(JSON.stringify(its.body)).not.toMatch(/"d"/);
  });

  it('should refuse an authorization request of an unknown client with an error page, never a redirect', async () => {
    const res = await t
      .http()
      .get('/oauth/authorize')
      .query({ client_id: 'nobody', response_type: 'code', redirect_uri: 'https://evil.test/cb', scope: 'openid' });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });
});

describe('OAUTH_SERVER_ENABLED=false', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ OAUTH_SERVER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should remove the server: no metadata, no endpoints', async () => {
    await t.http().get('/.well-known/openid-configuration').expect(404);
    await t.http().get('/.well-known/oauth-authorization-server').expect(404);
    await t.http().post('/oauth/token').expect(404);
    await t.http().get('/.well-known/jwks.json').expect(200);
  });
});

describe('interaction pages refuse what is not theirs', () => {
  let t: OAuthTestApp;

  beforeAll(async () => {
    t = await startOAuthApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should answer 400 pages, never 5xx, for an unknown interaction, a malformed outcome cookie, or a stray consent', async () => {
    const pages = [
      t.http().get('/oauth/interaction/nope'),
      t.http().get('/oauth/interaction/nope/login').set('cookie', 'nsa_interaction_login=%E0%A4%A'),
      t.http().get('/oauth/interaction/nope/provider/dev'),
      t.http().post('/oauth/interaction/nope/consent').type('form').send(''),
      t.http().post('/oauth/interaction/nope/abort').type('form').send(''),
    ];
    for (const [i, res] of (await Promise.all(pages)).entries()) {
      expect({ request: i, status: res.status }).toEqual({ request: i, status: 400 });
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    }
  });
});
