import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeGoogle } from '../fakes/google.fake.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * passport keeps strategies in one process-wide instance (the one @nestjs/passport's AuthGuard reads); two apps in
 * one process that configure the same provider differently must each verify with their own configuration, and an
 * app that closes must leave the other's strategies in place.
 */
describe('provider strategies of two apps in one process', () => {
  const google = new FakeGoogle();
  let first: TestApp;
  let second: TestApp | undefined;
  const env = (clientId: string) => ({ GOOGLE_CLIENT_IDS: clientId, GOOGLE_JWKS_URL: google.jwksUrl });
  const login = async (t: TestApp, aud: string) =>
    t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await google.signIdToken({ sub: `s-${aud}`, aud, email: `${aud}@example.com`, email_verified: true }) });

  beforeAll(async () => {
    await google.start();
    first = await createTestApp(env('first-app'));
    second = await createTestApp(env('second-app'));
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await google.stop();
  });

  it("should verify with each app's own client ids, whichever app was made last", async () => {
    expect((await login(first, 'first-app')).status).toBe(200);
    expect((await login(second!, 'second-app')).status).toBe(200);
    expect((await login(first, 'second-app')).body.code).toBe('provider_token_audience_mismatch');
    expect((await login(second!, 'first-app')).body.code).toBe('provider_token_audience_mismatch');
  });

  it("should keep an app's strategies when another app closes", async () => {
    await second!.close();
    second = undefined;

    expect((await login(first, 'first-app')).status).toBe(200);
  });
});
