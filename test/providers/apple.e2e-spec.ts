import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { APPLE_KEY_ID, APPLE_TEAM_ID, FakeApple } from '../fakes/apple.fake.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import type { OidcAccount } from '../fakes/oidc-fake.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import type { TestApp } from '../support/test-app.js';
import { loginWithCode, ProvidersFile, REDIRECT_URI, signInInBrowser } from './provider-kit.js';

/** The `apple` preset (src/providers/presets/apple.ts) against a fake Sign in with Apple. */
describe('the apple preset', () => {
  const SERVICES_ID = 'com.example.web';
  const BUNDLE_ID = 'com.example.ios';
  const RETURN_TO = 'http://127.0.0.1:5173/signed-in';
  const apple = new FakeApple([SERVICES_ID, BUNDLE_ID]);
  const file = new ProvidersFile();
  let t: TestApp;
  let google: FakeGoogle;

  const account = (sub: string, extra: Record<string, unknown> = {}): OidcAccount => ({
    sub,
    email: `${sub}@example.com`,
    given_name: 'Ada',
    family_name: 'Lovelace',
    ...extra,
  });
  const withCode = (sub: string, extra: Record<string, unknown> = {}, provider = 'apple') =>
    loginWithCode(t, provider, apple.codes, { clientId: SERVICES_ID, account: account(sub, extra) });

  beforeAll(async () => {
    await apple.start();
    const entry = (id: string) => ({
      id,
      preset: 'apple',
      clientIds: [SERVICES_ID, BUNDLE_ID],
      issuer: apple.baseUrl,
      teamId: APPLE_TEAM_ID,
      keyId: APPLE_KEY_ID,
      redirectUris: [REDIRECT_URI],
      trustEmailForLinking: true,
    });
    const otherTeamKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    ({ t, google } = await createAppWithGoogle({
      PROVIDERS_FILE: file.write([
        entry('apple'),
        entry('apple-other-team'),
        { id: 'apple-ios', preset: 'apple', clientIds: [BUNDLE_ID], issuer: apple.baseUrl },
      ]),
      // As operators paste a .p8 file into one line.
      PROVIDER_APPLE_PRIVATE_KEY: apple.teamKeyPem.replace(/\n/g, '\\n'),
      PROVIDER_APPLE_OTHER_TEAM_PRIVATE_KEY: otherTeamKey,
      AUTH_RETURN_TO_URLS: RETURN_TO,
    }));
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([apple.stop(), google?.stop()]);
    file.remove();
  });
  beforeEach(async () => {
    await t.reset();
    apple.reset();
    google.reset();
  });

  it('should sign in through POST /auth/{id}/code, authenticated by a client-secret JWT of our team', async () => {
    const { res } = await withCode('001234.abcd');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ is_new_user: true, user: { email: '001234.abcd@example.com' } });
    const [secret] = apple.clientSecrets;
    expect(secret).toMatchObject({ iss: APPLE_TEAM_ID, sub: SERVICES_ID, aud: 'https://appleid.apple.com' });
    expect(secret.exp! - secret.iat!).toBeLessThanOrEqual(3600);
  });

  it('should accept the ID token of the iOS app, whose audience is the bundle id, even without a signing key', async () => {
    const idToken = (sub: string) =>
      apple.signIdToken({ sub, iss: apple.baseUrl, aud: BUNDLE_ID, email: `${sub}@example.com`, email_verified: 'true' });

    const res = await t
      .http()
      .post('/auth/apple/token')
      .send({ id_token: await idToken('001234.abcd') })
      .expect(200);
    expect(res.body.user).toMatchObject({ email: '001234.abcd@example.com', email_verified: true });
    await t
      .http()
      .post('/auth/apple-ios/token')
      .send({ id_token: await idToken('005678.efgh') })
      .expect(200);
  });

  describe('the redirect flow', () => {
    /** Apple's page posts the code (and, the first time, `user`) to our callback. */
    async function signIn(user: OidcAccount) {
      let fields: Record<string, string> = {};
      const flow = await signInInBrowser(t, 'apple', RETURN_TO, async (authorizeUrl) => {
        apple.codes.nextAccount = user;
        const page = FakeApple.formFields(await (await fetch(authorizeUrl)).text());
        fields = page.fields;
        return { url: new URL(page.action), form: page.fields };
      });
      return { ...flow, location: flow.authorizeUrl, fields };
    }

    it('should ask Apple to POST the callback, and keep the name sent only on the first sign-in', async () => {
      const first = await signIn(account('001234.abcd'));

      expect(first.location.searchParams.get('response_mode')).toBe('form_post');
      expect(first.fields.user).toBeDefined();
      expect(first.login.body).toMatchObject({
        is_new_user: true,
        user: { name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace' },
      });
      const again = await signIn(account('001234.abcd'));
      expect(again.fields.user).toBeUndefined();
      expect(again.login.body).toMatchObject({ is_new_user: false, user: { name: 'Ada Lovelace' } });
    });

    it('should take only the name from the unsigned user field, never an email', async () => {
      const { login } = await signIn(account('001234.abcd', { email: undefined }));

      expect(login.body.user).toMatchObject({ name: 'Ada Lovelace' });
      expect(login.body.user.email ?? null).toBeNull();
    });
  });

  describe('email trust', () => {
    it('should link a verified Apple email to the account that has it', async () => {
      const existing = await loginWithGoogle(t, google, 'g-1', { email: 'ada@example.com', hd: 'example.com' });

      const { res } = await withCode('001234.abcd', { email: 'ada@example.com' });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ is_new_user: false, user: { id: existing.user.id } });
    });

    it('should never link by a private relay address', async () => {
      const relay = 'x7k2pq9m4z@privaterelay.appleid.com';
      await loginWithGoogle(t, google, 'g-1', { email: relay, hd: 'privaterelay.appleid.com' });

      const { res } = await withCode('001234.abcd', { email: relay, is_private_email: true });

      expect(res.status).toBe(409);
      expect(res.body.code).toBe('account_link_required');
    });
  });

  describe("the token endpoint's errors", () => {
    it('should answer 400 invalid_authorization_code for a used code (invalid_grant)', async () => {
      const { res, replay } = await withCode('001234.abcd');
      expect(res.status).toBe(200);

      expect((await replay().expect(400)).body.code).toBe('invalid_authorization_code');
    });

    it('should answer 502 provider_unavailable when Apple refuses a secret signed with another key (invalid_client)', async () => {
      const { res } = await withCode('001234.abcd', {}, 'apple-other-team');

      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'provider_unavailable' });
      // The provider's error name is for our log, not for anonymous clients (issue 11).
      expect(JSON.stringify(res.body)).not.toContain('invalid_client');
    });
  });
});
