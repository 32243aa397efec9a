import { FakeGoogle } from '../fakes/google.fake.js';
import { createTestApp, type TestApp } from './test-app.js';

type TestAppOptions = Parameters<typeof createTestApp>[1];

export const GOOGLE_WEB_CLIENT = 'web-client.apps.googleusercontent.com';

/** An app with Google enabled against a started fake, and a one-line login for tests that need a signed-in user. */
export async function createAppWithGoogle(
  env: Record<string, string | undefined> = {},
  options: TestAppOptions = {},
): Promise<{ t: TestApp; google: FakeGoogle }> {
  const google = new FakeGoogle();
  await google.start();
  const t = await createTestApp(
    {
      GOOGLE_CLIENT_IDS: GOOGLE_WEB_CLIENT,
      GOOGLE_TOKENINFO_URL: google.tokeninfoUrl,
      GOOGLE_USERINFO_URL: google.userinfoUrl,
      GOOGLE_JWKS_URL: google.jwksUrl,
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GOOGLE_AUTHORIZATION_URL: google.authorizationUrl,
      ...env,
    },
    options,
  );
  return { t, google };
}

export interface LoginResult {
  access_token: string;
  refresh_token: string;
  user: { id: string; username: string };
}

export async function loginWithGoogle(
  t: TestApp,
  google: FakeGoogle,
  sub = 'g-1',
  extra: Record<string, unknown> = {},
): Promise<LoginResult> {
  const idToken = await google.signIdToken({ sub, aud: GOOGLE_WEB_CLIENT, email: `${sub}@gmail.com`, email_verified: true, ...extra });
  const res = await t.http().post('/auth/google/token').set('user-agent', 'jest-browser/1.0').send({ id_token: idToken });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as LoginResult;
}
