/** POST /users/me/social-accounts/{provider}/code: connecting a provider account through the code flow. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { s256 } from '../fakes/authorization-codes.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, GOOGLE_WEB_CLIENT, loginWithGoogle } from '../support/google-login.js';
import type { TestApp } from '../support/test-app.js';

const REDIRECT = 'https://app.example.com/connect/google';

describe('POST /users/me/social-accounts/google/code', () => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => {
    ({ t, google } = await createAppWithGoogle({ GOOGLE_CLIENT_SECRETS: 'google-client-secret', GOOGLE_REDIRECT_URIS: REDIRECT }));
    google.clientIds = [GOOGLE_WEB_CLIENT];
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });
  beforeEach(async () => {
    google.reset();
    await t.reset();
  });

  const connect = (accessToken: string, sub: string, redirectUri = REDIRECT) => {
    const verifier = randomBytes(32).toString('base64url');
    const code = google.codes.issue({
      clientId: GOOGLE_WEB_CLIENT,
      redirectUri: REDIRECT,
      codeChallenge: s256(verifier),
      account: { sub, email: `${sub}@gmail.com` },
    });
    return t
      .http()
      .post('/users/me/social-accounts/google/code')
      .set('authorization', `Bearer ${accessToken}`)
      .send({ code, redirect_uri: redirectUri, code_verifier: verifier });
  };

  it("connects a second Google account to the signed-in user, keeping Google's tokens", async () => {
    const me = await loginWithGoogle(t, google, 'g-first');
    const res = await connect(me.access_token, 'g-second').expect(200);
    expect(res.body).toMatchObject({ provider: 'google', uid: 'g-second' });
    const rows = await t.dataSource.query(`SELECT "refreshTokenEncrypted" AS refresh FROM social_accounts WHERE uid = 'g-second'`);
    expect(rows[0].refresh).toBeTruthy();
  });

  it('refuses an identity another user has (409 social_account_in_use)', async () => {
    await loginWithGoogle(t, google, 'g-taken');
    const me = await loginWithGoogle(t, google, 'g-me');
    expect((await connect(me.access_token, 'g-taken').expect(409)).body.code).toBe('social_account_in_use');
  });

  it('applies the redirect_uri allow-list and needs a signed-in user', async () => {
    const me = await loginWithGoogle(t, google, 'g-me');
    expect((await connect(me.access_token, 'g-x', 'https://evil.test/connect/google').expect(400)).body.code).toBe(
      'redirect_uri_not_allowed',
    );
    await t.http().post('/users/me/social-accounts/google/code').send({ code: 'c', redirect_uri: REDIRECT }).expect(401);
  });
});
