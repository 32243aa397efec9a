import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { sha256Hex } from '../../src/oauth-server/adapter.js';
import { hashClientSecret } from '../../src/oauth-server/applications/application-secrets.js';
import { Application } from '../../src/oauth-server/applications/application.entity.js';
import { OAuthRecord } from '../../src/oauth-server/oauth-record.entity.js';
import { authorize } from './authorize-flow.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const INITIAL_ACCESS_TOKEN = 'iat-for-partners-0123456789abcdefghijklmnop';
const REDIRECT = 'https://rp.example.test/callback';
const NATIVE_REDIRECT = 'http://127.0.0.1/callback';

/** RFC 7591 / 7592 at /oauth/register, on (with one configured initial access token) and off (the default). */
describe('dynamic client registration', () => {
  let t: OAuthTestApp;
  const register = (body: Record<string, unknown>, token: string | null = INITIAL_ACCESS_TOKEN) => {
    const req = t.http().post('/oauth/register').set('content-type', 'application/json');
    return (token === null ? req : req.set('authorization', `Bearer ${token}`)).send(body);
  };
  /** openid-client v6's own registration, as a real relying party does it. */
  const registerWithOpenidClient = (metadata: Partial<client.ClientMetadata>) =>
    client.dynamicClientRegistration(new URL(t.url), metadata, client.None(), {
      initialAccessToken: INITIAL_ACCESS_TOKEN,
      execute: [client.allowInsecureRequests],
    });
  const managed = (method: 'get' | 'put' | 'delete', clientId: string, rat: string) =>
    t.http()[method](`/oauth/register/${clientId}`).set('authorization', `Bearer ${rat}`);

  beforeAll(async () => {
    t = await startOAuthApp({
      OAUTH_DYNAMIC_REGISTRATION_ENABLED: 'true',
      OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS: hashClientSecret(INITIAL_ACCESS_TOKEN),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should advertise registration_endpoint in the metadata when on', async () => {
    const res = await t.http().get('/.well-known/openid-configuration').expect(200);
    expect(res.body.registration_endpoint).toBe(`${t.url}/oauth/register`);
  });

  it('should refuse to register without an initial access token, or with a wrong one: 401 invalid_token, nothing stored', async () => {
    const body = { redirect_uris: [REDIRECT], client_name: 'Nobody' };
    const none = await register(body, null).expect(401);
    expect(none.body.error).toBe('invalid_token');
    const wrong = await register(body, 'not-the-token').expect(401);
    expect(wrong.body.error).toBe('invalid_token');
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(await t.dataSource.getRepository(Application).countBy({ name: 'Nobody' })).toBe(0);
  });

  it('should register a confidential client with openid-client, store its secret and registration token hashed, and run code + PKCE with it', async () => {
    const registered = await registerWithOpenidClient({
      client_name: 'Registered App',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile:read offline_access',
      [`urn:nest-social-auth:first_party`]: true,
    });
    const metadata = registered.clientMetadata() as Record<string, unknown>;
    const clientId = registered.clientMetadata().client_id;
    const secret = String(metadata.client_secret);
    expect(metadata).toMatchObject({
      client_name: 'Registered App',
      scope: 'openid profile:read offline_access',
      token_endpoint_auth_method: 'client_secret_basic',
      registration_client_uri: `${t.url}/oauth/register/${clientId}`,
    });
    expect(secret.length).toBeGreaterThanOrEqual(43);
    // At rest: the secret only as its hash, the registration access token only as its SHA-256 (the adapter's id).
    const row = await t.dataSource.getRepository(Application).findOneByOrFail({ clientId });
    expect(row).toMatchObject({
      secretHash: hashClientSecret(secret),
      firstParty: false,
      scopes: ['openid', 'profile:read', 'offline_access'],
    });
    const records = await t.dataSource.getRepository(OAuthRecord).findBy({ model: 'RegistrationAccessToken', clientId });
    expect(records.map((r) => r.idHash)).toEqual([sha256Hex(String(metadata.registration_access_token))]);
    expect(JSON.stringify([row, records])).not.toContain(String(metadata.registration_access_token));
    expect(JSON.stringify([row, records])).not.toContain(secret);

    const config = await t.discover(clientId, secret);
    const done = await authorize(config, {
      redirectUri: REDIRECT,
      scope: 'openid profile:read offline_access',
      username: 'registered-user',
    });
    // Never first-party, whatever it sent: the user is asked.
    expect(done.consentPage).toContain('Registered App');
    const tokens = await client.authorizationCodeGrant(config, done.callback, {
      pkceCodeVerifier: done.verifier,
      expectedState: done.state,
    });
    await t.http().get('/users/me').set('authorization', `Bearer ${tokens.access_token}`).expect(200);
    await client.refreshTokenGrant(config, tokens.refresh_token!);
  });

  it('should hold a registered public (native) client to PKCE', async () => {
    const res = await register({
      client_name: 'Native',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: [NATIVE_REDIRECT],
      scope: 'openid',
    }).expect(201);
    expect(res.body.client_secret).toBeUndefined();
    const config = await t.discover(res.body.client_id);
    const without = await authorize(config, { redirectUri: NATIVE_REDIRECT, scope: 'openid', pkce: false });
    expect(without.callback.searchParams.get('error')).toBe('invalid_request');
    const done = await authorize(config, { redirectUri: NATIVE_REDIRECT, scope: 'openid' });
    await client.authorizationCodeGrant(config, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state });
  });

  it('should register a machine client that gets tokens with client_credentials, within its ceiling', async () => {
    const res = await register({
      client_name: 'Nightly job',
      grant_types: ['client_credentials'],
      response_types: [],
      scope: 'profile:read',
    }).expect(201);
    const config = await t.discover(res.body.client_id, res.body.client_secret);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'profile:read', resource: `${t.url}/` });
    expect(tokens.scope).toBe('profile:read');
  });

  it('should read, update and delete the client with its registration access token (RFC 7592), showing no secret hash', async () => {
    const made = await register({ client_name: 'Managed', redirect_uris: [REDIRECT], scope: 'openid profile:read' }).expect(201);
    const { client_id: clientId, registration_access_token: rat, client_secret: secret } = made.body as Record<string, string>;
    await managed('get', clientId, 'wrong-token').expect(401);
    const read = await managed('get', clientId, rat).expect(200);
    expect(read.body).toMatchObject({
      client_id: clientId,
      client_name: 'Managed',
      scope: 'openid profile:read',
      redirect_uris: [REDIRECT],
    });
    expect(read.body.client_secret).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain('sha256:');
    expect(JSON.stringify(read.body)).not.toContain('urn:nest-social-auth');

    const {
      registration_access_token: _r,
      registration_client_uri: _u,
      client_id_issued_at: _i,
      client_secret_expires_at: _e,
      ...current
    } = read.body;
    const updated = await managed('put', clientId, rat)
      .send({ ...current, client_name: 'Managed, renamed', redirect_uris: [REDIRECT, 'https://rp.example.test/other'] })
      .expect(200);
    expect(updated.body).toMatchObject({ client_name: 'Managed, renamed', redirect_uris: [REDIRECT, 'https://rp.example.test/other'] });
    expect(updated.body.client_secret).toBeUndefined();
    const newRat = updated.body.registration_access_token as string;
    expect(newRat).not.toBe(rat);
    await managed('get', clientId, rat).expect(401);
    expect((await t.applications.get(clientId)).name).toBe('Managed, renamed');
    // The secret survives the update, still stored hashed.
    expect((await t.applications.get(clientId)).secretHash).toBe(hashClientSecret(secret));

    // An update is held to the same rules: nothing changes.
    const bad = await managed('put', clientId, newRat)
      .send({ ...current, redirect_uris: ['http://evil.example/cb'] })
      .expect(400);
    expect(bad.body.error).toBe('invalid_redirect_uri');
    expect((await t.applications.get(clientId)).redirectUris).toEqual([REDIRECT, 'https://rp.example.test/other']);

    await managed('delete', clientId, newRat).expect(204);
    expect(await t.dataSource.getRepository(Application).countBy({ clientId })).toBe(0);
    const gone = await t
      .http()
      .post('/oauth/token')
      .auth(clientId, secret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(401);
    expect(gone.body.error).toBe('invalid_client');
  });

  it.each([
    ['an http redirect URI off loopback', { redirect_uris: ['http://rp.example.test/callback'] }, 'invalid_redirect_uri'],
    [
      'the implicit grant',
      { redirect_uris: [REDIRECT], grant_types: ['implicit'], response_types: ['id_token'] },
      'invalid_client_metadata',
    ],
    ['a scope over the ceiling', { redirect_uris: [REDIRECT], scope: 'openid profile:write' }, 'invalid_client_metadata'],
    [
      'token exchange (an admin decision)',
      { grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'], response_types: [] },
      'invalid_client_metadata',
    ],
    [
      'client_secret_post (a hashed secret authenticates as basic only)',
      { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_post' },
      'invalid_client_metadata',
    ],
  ])('should refuse %s with 400 %s, storing nothing', async (_name, body, error) => {
    const before = await t.dataSource.getRepository(Application).count();
    const res = await register({ client_name: 'Bad', ...body }).expect(400);
    expect(res.body.error).toBe(error);
    expect(await t.dataSource.getRepository(Application).count()).toBe(before);
  });
});

describe('dynamic client registration, off by default', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await startOAuthApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should not serve /oauth/register nor advertise it', async () => {
    await t
      .http()
      .post('/oauth/register')
      .set('content-type', 'application/json')
      .send({ redirect_uris: [REDIRECT] })
      .expect(404);
    const res = await t.http().get('/.well-known/openid-configuration').expect(200);
    expect(res.body.registration_endpoint).toBeUndefined();
  });
});
