import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { FakeGoogle } from '../fakes/google.fake.js';
import { GOOGLE_WEB_CLIENT } from '../support/google-login.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

/** RFC 8693 with openid-client: a Google ID token traded for our access token for the application, as convert-token does. */
describe('token exchange (RFC 8693)', () => {
  const google = new FakeGoogle();
  let t: OAuthTestApp;
  let allowed: client.Configuration;
  let notAllowed: client.Configuration;

  const idToken = (sub: string, aud = GOOGLE_WEB_CLIENT) =>
    google.signIdToken({ sub, aud, email: `${sub}@gmail.com`, email_verified: true });
  const exchange = async (config: client.Configuration, parameters: Record<string, string>) =>
    client.genericGrantRequest(config, TOKEN_EXCHANGE, {
      subject_token_type: ID_TOKEN,
      subject_issuer: 'google',
      scope: 'openid profile:read',
      ...parameters,
    });

  beforeAll(async () => {
    await google.start();
    t = await startOAuthApp({
      GOOGLE_CLIENT_IDS: GOOGLE_WEB_CLIENT,
      GOOGLE_TOKENINFO_URL: google.tokeninfoUrl,
      GOOGLE_USERINFO_URL: google.userinfoUrl,
      GOOGLE_JWKS_URL: google.jwksUrl,
    });
    const yes = await t.register({
      name: 'Mobile backend',
      type: 'confidential',
      grantTypes: [TOKEN_EXCHANGE],
      redirectUris: [],
      scopes: ['openid', 'profile:read'],
    });
    const no = await t.register({ name: 'Web', type: 'confidential', redirectUris: ['https://w.test/cb'] });
    allowed = await t.discover(yes.clientId, yes.clientSecret);
    notAllowed = await t.discover(no.clientId, no.clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });

  it('should trade a Google ID token for our access token, for the same user POST /auth/google/token signs in', async () => {
    const token = await idToken('g-exchange');
    const tokens = await exchange(allowed, { subject_token: token });
    expect(tokens).toMatchObject({
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'bearer',
      scope: 'openid profile:read',
    });
    const me = await t.http().get('/users/me').set('authorization', `Bearer ${tokens.access_token}`).expect(200);
    const firstParty = await t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await idToken('g-exchange') })
      .expect(200);
    expect(me.body.id).toBe(firstParty.body.user.id);
  });

  it('should refuse a client not allowed the grant', async () => {
    await expect(exchange(notAllowed, { subject_token: await idToken('g-2') })).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'requested grant type is not allowed for this client',
    });
  });

  it('should refuse a provider token issued to another audience, by the same check as /auth/google/token', async () => {
    await expect(exchange(allowed, { subject_token: await idToken('g-3', 'someone-elses-client') })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('should refuse an unknown subject_issuer, a bad token type, and a scope over the ceiling, and create no user', async () => {
    const token = await idToken('g-4');
    await expect(exchange(allowed, { subject_token: token, subject_issuer: 'nowhere' })).rejects.toMatchObject({
      error: 'invalid_request',
    });
    await expect(
      exchange(allowed, { subject_token: token, subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }),
    ).rejects.toMatchObject({ error: 'invalid_request' });
    await expect(exchange(allowed, { subject_token: token, scope: 'profile:write' })).rejects.toMatchObject({ error: 'invalid_scope' });
    const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM users WHERE username LIKE 'g-4%'`);
    expect(Number(n)).toBe(0);
  });
});
