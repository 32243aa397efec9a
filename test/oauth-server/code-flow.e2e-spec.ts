import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { authorize } from './authorize-flow.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const REDIRECT = 'https://app.example.test/callback';

describe('authorization code + PKCE with openid-client, signing in with our social login', () => {
  let t: OAuthTestApp;
  let app: { clientId: string; clientSecret?: string };
  let config: client.Configuration;

  beforeAll(async () => {
    t = await startOAuthApp();
    app = await t.register({ name: 'Example App', type: 'confidential', redirectUris: [REDIRECT] });
    config = await t.discover(app.clientId, app.clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should sign in, ask consent naming the client and scopes, and issue tokens our API accepts', async () => {
    const done = await authorize(config, { redirectUri: REDIRECT, scope: 'openid profile email profile:read' });
    expect(done.consentPage).toContain('Example App');
    expect(done.consentPage).toContain('Read your profile');
    expect(done.callback.searchParams.get('iss')).toBe(t.url);
    const tokens = await client.authorizationCodeGrant(config, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.claims()!.iss).toBe(t.url);
    const me = await t.http().get('/users/me').set('authorization', `Bearer ${tokens.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(tokens.claims()!.sub);
  });
});
