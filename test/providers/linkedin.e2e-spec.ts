import { describe, expect, it } from '@jest/globals';
import { FakeLinkedIn } from '../fakes/linkedin.fake.js';
import { appWithProviders, loginWithCode, REDIRECT_URI, signInInBrowser } from './provider-kit.js';

/** The `linkedin` preset (src/providers/presets/linkedin.ts) against a fake Sign In with LinkedIn. */
describe('the linkedin preset', () => {
  const APP = { id: '78abcdefgh', secret: 'linkedin-secret' };
  const RETURN_TO = 'http://127.0.0.1:5173/signed-in';
  const linkedin = new FakeLinkedIn([APP]);

  const member = {
    sub: 'yrZCpj2Z12',
    name: 'Ada Lovelace',
    given_name: 'Ada',
    family_name: 'Lovelace',
    email: 'ada@example.com',
    email_verified: true,
    locale: { country: 'GB', language: 'en' },
  };

  const app = appWithProviders(linkedin, (file) => ({
    PROVIDERS_FILE: file.write([
      { id: 'linkedin', preset: 'linkedin', clientIds: [APP.id], issuer: `${linkedin.baseUrl}/oauth`, redirectUris: [REDIRECT_URI] },
    ]),
    PROVIDER_LINKEDIN_CLIENT_SECRET: APP.secret,
    AUTH_RETURN_TO_URLS: RETURN_TO,
  }));

  it('should sign in through POST /auth/{id}/code, sending our credentials in the form as LinkedIn requires', async () => {
    const { res } = await loginWithCode(app.t, 'linkedin', linkedin.codes, { clientId: APP.id, account: member });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ is_new_user: true, user: { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' } });
    expect(new URLSearchParams(linkedin.requests.find((r) => r.method === 'POST')!.body).get('client_secret')).toBe(APP.secret);
  });

  it("should sign in through the redirect flow without a nonce, which LinkedIn's ID tokens do not carry", async () => {
    linkedin.codes.nextAccount = member;

    const { authorizeUrl, login } = await signInInBrowser(app.t, 'linkedin', RETURN_TO);

    expect(authorizeUrl.searchParams.has('nonce')).toBe(false);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ is_new_user: true, user: { email: 'ada@example.com' } });
  });

  it('should answer 400 invalid_authorization_code for a used code, which LinkedIn refuses with invalid_request', async () => {
    const { res, replay } = await loginWithCode(app.t, 'linkedin', linkedin.codes, { clientId: APP.id, account: member });
    expect(res.status).toBe(200);

    expect((await replay().expect(400)).body.code).toBe('invalid_authorization_code');
  });
});
