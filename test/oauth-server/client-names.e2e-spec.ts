import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { AccessTokenService } from '../../src/auth/tokens/access-token.service.js';
import { BrowserSession } from '../../src/cli/browser-session.js';
import { hashClientSecret } from '../../src/oauth-server/applications/application-secrets.js';
import { Application } from '../../src/oauth-server/applications/application.entity.js';
import { User } from '../../src/users/entities/user.entity.js';
import { authorize } from './authorize-flow.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const INITIAL_ACCESS_TOKEN = 'iat-for-names-0123456789abcdefghijklmnopqr';
const REDIRECT = 'https://partner.example.test/callback';
const ADMIN_ID = '00000000-0000-4000-8000-0000000000ad';

/** ADR 0039: an application's name is its own claim; it may not pass for us or for the providers we sign in with. */
describe('application names on the consent page', () => {
  let t: OAuthTestApp;
  let admin: string;
  const register = (metadata: Record<string, unknown>) =>
    t
      .http()
      .post('/oauth/register')
      .set('authorization', `Bearer ${INITIAL_ACCESS_TOKEN}`)
      .set('content-type', 'application/json')
      .send(metadata);

  beforeAll(async () => {
    t = await startOAuthApp({
      OAUTH_DYNAMIC_REGISTRATION_ENABLED: 'true',
      OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS: hashClientSecret(INITIAL_ACCESS_TOKEN),
      ADMIN_USER_IDS: ADMIN_ID,
    });
    await t.dataSource
      .getRepository(User)
      .insert({ id: ADMIN_ID, username: 'admin-names', email: null, emailVerified: false, isActive: true });
    admin = t.app.get(AccessTokenService, { strict: false }).sign(ADMIN_ID, 'admin-session');
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([['Google'], ['G00gle Drive'], ['Ｇｏｏｇｌｅ'], ['Gооgle'], ['nest social auth'], ['NEST-SOCIAL-AUTH Login']])(
    'should refuse to register %j (dynamic registration: 400 invalid_client_metadata)',
    async (name) => {
      const res = await register({ client_name: name, redirect_uris: [REDIRECT] }).expect(400);
      expect(res.body.error).toBe('invalid_client_metadata');
      expect(res.body.error_description).toMatch(/reserved name/);
    },
  );

  it('should refuse the same from an admin, unless the application is first-party (ours)', async () => {
    const as = (body: Record<string, unknown>) => t.http().post('/admin/applications').set('authorization', `Bearer ${admin}`).send(body);
    const refused = await as({ name: 'Faceb00k', type: 'confidential', redirect_uris: [REDIRECT] }).expect(400);
    expect(refused.body.code).toBe('validation_failed');
    await as({ name: 'nest-social-auth web', type: 'public', redirect_uris: [REDIRECT], first_party: true }).expect(201);
  });

  it('should refuse a URI in the metadata that is not a web URI (oidc-provider: client_uri, logo_uri, policy_uri, tos_uri)', async () => {
    for (const field of ['client_uri', 'logo_uri', 'policy_uri', 'tos_uri']) {
      const res = await register({ client_name: 'Partner', redirect_uris: [REDIRECT], [field]: 'javascript:alert(1)' }).expect(400);
      expect({ field, error: res.body.error }).toEqual({ field, error: 'invalid_client_metadata' });
    }
  });

  it('should show a third-party name escaped, as unverified, with the host the browser goes to', async () => {
    const name = '<img src=x onerror=alert(1)> "Partner" & Co';
    const made = await register({
      client_name: name,
      redirect_uris: [REDIRECT],
      logo_uri: 'https://partner.example.test/"><script>alert(1)</script>',
      client_uri: 'https://partner.example.test/?<b>',
      policy_uri: 'https://partner.example.test/p?<i>',
      tos_uri: 'https://partner.example.test/t"x',
    }).expect(201);
    const config = await t.discover(made.body.client_id, made.body.client_secret);
    const done = await authorize(config, { redirectUri: REDIRECT, scope: 'openid', username: 'annie-easley' });
    const page = done.consentPage!;
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;Partner&quot; &amp; Co');
    expect(page).toContain('not checked by us');
    expect(page).toContain('<strong class="destination">partner.example.test</strong>');
    for (const raw of ['<img', '<script', '<b>', '<i>', 't"x']) expect(page).not.toContain(raw);
    await client.authorizationCodeGrant(config, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state });
  });

  it('should show the client_id instead of a name that passes for a reserved one since it was registered', async () => {
    const app = await t.register({ name: 'Partner Sync', type: 'confidential', redirectUris: [REDIRECT], scopes: ['openid'] });
    // Accepted when registered; since then an operator added to OAUTH_RESERVED_CLIENT_NAMES.
    await t.dataSource.getRepository(Application).update({ clientId: app.clientId }, { name: 'Partner Google Sync' });
    const config = await t.discover(app.clientId, app.clientSecret);
    const done = await authorize(config, { redirectUri: REDIRECT, scope: 'openid', username: 'mary-jackson' });
    const page = done.consentPage!;
    expect(page).not.toContain('Google Sync');
    expect(page).toContain(app.clientId);
    expect(page).toContain('not checked by us');
    await client.authorizationCodeGrant(config, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state });
  });

  it('should show a first-party application without the note', async () => {
    const ours = await t.register({
      name: 'Our Own Web',
      type: 'confidential',
      redirectUris: [REDIRECT],
      firstParty: true,
      scopes: ['openid'],
    });
    const other = await t.register({
      name: 'Other Partner',
      type: 'confidential',
      redirectUris: ['com.partner.app:/cb'],
      scopes: ['openid'],
    });
    // A first-party application skips consent: its sign-in page is where the name shows.
    const pageOf = async (clientId: string, redirectUri: string) => {
      const browser = new BrowserSession();
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
      const start = await browser.get(new URL(`/oauth/authorize?${query}`, t.url));
      return (await browser.get(new URL(start.headers.get('location')!, t.url))).text();
    };
    const login = await pageOf(ours.clientId, REDIRECT);
    expect(login).toContain('Sign in to continue to Our Own Web');
    expect(login).not.toContain('not checked by us');
    expect(await pageOf(other.clientId, 'com.partner.app:/cb')).toContain('<strong class="destination">com.partner.app:</strong>');
  });
});
