import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DOCS_JSON_PATH } from '../../src/common/openapi/openapi.setup.js';
import { FakeFacebook } from '../fakes/facebook.fake.js';
import { FakeGitHub } from '../fakes/github.fake.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import type { OpenApiDocument } from '../support/openapi-document.js';
import { toOpenApiPath } from '../support/routes.js';
import type { TestApp } from '../support/test-app.js';

const FB = { appId: 'fb-app', appSecret: 'fb-secret' };
const GH = { clientId: 'Iv1.web', clientSecret: 'web-secret' };
const PIPELINE =
  'social_details,require_email,social_uid,auth_allowed,social_user,get_username,associate_by_email,create_user,associate_user,load_extra_data,user_details';

/**
 * RFC 6749 §5.1: an answer carrying tokens or codes must not be stored by any cache. Each kind of answer that
 * does, successes and the errors carrying a link or pending token alike; the redirect flow's steps are checked in
 * test/code-flow/redirect-flow.e2e-spec.ts and the code exchange in test/code-flow/google-code.e2e-spec.ts.
 */
describe('Cache-Control: no-store on answers that carry tokens', () => {
  const facebook = new FakeFacebook(FB);
  const github = new FakeGitHub({ clients: [GH] });
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => {
    await Promise.all([facebook.start(), github.start()]);
    ({ t, google } = await createAppWithGoogle({
      FACEBOOK_CLIENT_IDS: FB.appId,
      FACEBOOK_CLIENT_SECRETS: FB.appSecret,
      FACEBOOK_GRAPH_URL: facebook.graphUrl,
      GITHUB_CLIENT_IDS: GH.clientId,
      GITHUB_CLIENT_SECRETS: GH.clientSecret,
      GITHUB_API_URL: github.apiUrl,
      LOGIN_PIPELINE: PIPELINE,
    }));
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google?.stop(), facebook.stop(), github.stop()]);
  });

  const caching = (res: { status: number; headers: Record<string, string> }) => ({
    status: res.status,
    'cache-control': res.headers['cache-control'],
    pragma: res.headers.pragma,
  });
  const noStore = (status: number) => ({ status, 'cache-control': 'no-store', pragma: 'no-cache' });

  it('should mark a login and a refresh', async () => {
    const idToken = await google.signIdToken({
      sub: 'g-ns',
      aud: 'web-client.apps.googleusercontent.com',
      email: 'ns@gmail.com',
      email_verified: true,
    });
    const login = await t.http().post('/auth/google/token').send({ id_token: idToken });
    expect(caching(login)).toEqual(noStore(200));
    expect(caching(await t.http().post('/auth/refresh').send({ refresh_token: login.body.refresh_token }))).toEqual(noStore(200));
  });

  it('should mark refusals too, those of guards and of validation included', async () => {
    expect(caching(await t.http().post('/auth/google/token').send({ id_token: 'not-a-token' }))).toEqual(noStore(401));
    expect(caching(await t.http().post('/auth/refresh').send({ refresh_token: 42 }))).toEqual(noStore(400));
    expect(caching(await t.http().post('/auth/refresh').set('content-type', 'application/json').send('{'))).toEqual(noStore(400));
  });

  it('should mark the 409 account_link_required (it carries a link_token) and the link answer', async () => {
    const ada = await loginWithGoogle(t, google, 'ada-ns', { email: 'ada-ns@gmail.com' });
    const conflict = await t
      .http()
      .post('/auth/facebook/token')
      .send({ access_token: facebook.issueAccessToken({ userId: 'fb-ns', email: 'ada-ns@gmail.com', name: 'Ada' }) });
    expect([conflict.body.code, caching(conflict)]).toEqual(['account_link_required', noStore(409)]);
    const linked = await t
      .http()
      .post('/users/me/social-accounts/link')
      .set('authorization', `Bearer ${ada.access_token}`)
      .send({ link_token: conflict.body.details.link_token });
    expect(caching(linked)).toEqual(noStore(200));
  });

  it('should mark the 422 profile_incomplete (it carries a pending_token) and /auth/complete', async () => {
    const paused = await t
      .http()
      .post('/auth/github/token')
      .send({ access_token: github.issueAccessToken({ clientId: GH.clientId, id: 7, login: 'user7', scopes: ['read:user'], emails: [] }) });
    expect([paused.body.code, caching(paused)]).toEqual(['profile_incomplete', noStore(422)]);
    const done = await t
      .http()
      .post('/auth/complete')
      .send({ pending_token: paused.body.details.pending_token, email: 'seven@example.com' });
    expect(caching(done)).toEqual(noStore(200));
  });

  it('should leave public, cacheable documents alone', async () => {
    expect((await t.http().get('/.well-known/jwks.json')).headers['cache-control']).toBe('public, max-age=300');
    expect((await t.http().get('/auth/providers')).headers['cache-control']).toBe('public, max-age=60');
  });

  it('should say so in the OpenAPI document, on every response of those operations', async () => {
    const doc = JSON.parse((await t.http().get(DOCS_JSON_PATH)).text) as OpenApiDocument;
    const marked = [
      'POST /auth/{provider}/token',
      'POST /auth/{provider}/code',
      'POST /auth/login-code',
      'POST /auth/complete',
      'POST /auth/refresh',
      'GET /auth/{provider}/callback',
      'POST /auth/{provider}/callback',
      'GET /auth/{provider}/authorize',
      'POST /users/me/social-accounts/link',
    ];
    for (const key of marked) {
      const [method, path] = key.split(' ') as [string, string];
      const operation = doc.paths[toOpenApiPath(path)]?.[method.toLowerCase()] as {
        responses: Record<string, { headers?: Record<string, unknown> }>;
      };
      for (const [status, response] of Object.entries(operation.responses)) {
        expect({ key, status, headers: Object.keys(response.headers ?? {}).sort() }).toEqual({
          key,
          status,
          headers: ['Cache-Control', 'Pragma'],
        });
      }
    }
  });
});
