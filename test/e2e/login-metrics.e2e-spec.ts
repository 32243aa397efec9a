import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, GOOGLE_WEB_CLIENT, loginWithGoogle } from '../support/google-login.js';
import { sampleValue } from '../support/prometheus.js';
import type { TestApp } from '../support/test-app.js';

/**
 * `nsa_logins_total` and `nsa_login_duration_seconds` count each login once, whichever part ends it: the route's
 * guard (provider verification) or the handler after it (the association pipeline), and only logins.
 */
describe('login metrics', () => {
  let t: TestApp;
  let google: FakeGoogle;
  const scrape = async () => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    return (name: string, labels: Record<string, string>) => sampleValue(text, name, labels) ?? 0;
  };
  const deltaOf = async (action: () => Promise<unknown>) => {
    const before = await scrape();
    await action();
    const after = await scrape();
    return (name: string, labels: Record<string, string>) => after(name, labels) - before(name, labels);
  };

  beforeAll(
    async () =>
      ({ t, google } = await createAppWithGoogle({
        METRICS_TOKEN: undefined,
        METRICS_PORT: undefined,
        LOGIN_ALLOWED_EMAIL_DOMAINS: 'corp.example',
      })),
  );
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  it('should count a login the pipeline refuses once, with the code it is answered with', async () => {
    const idToken = await google.signIdToken({
      sub: 'm-1',
      aud: GOOGLE_WEB_CLIENT,
      email: 'm-1@elsewhere.example',
      email_verified: true,
      hd: 'corp.example',
    });
    const delta = await deltaOf(async () =>
      expect((await t.http().post('/auth/google/token').send({ id_token: idToken }).expect(403)).body.code).toBe('login_not_allowed'),
    );

    expect(delta('nsa_logins_total', { provider: 'google', outcome: 'login_not_allowed' })).toBe(1);
    expect(delta('nsa_login_duration_seconds_count', { provider: 'google' })).toBe(1);
  });

  it('should count a body the strategy refuses once, as validation_failed', async () => {
    const delta = await deltaOf(() => t.http().post('/auth/google/token').send({ access_token: 1 }).expect(400));

    expect(delta('nsa_logins_total', { provider: 'google', outcome: 'validation_failed' })).toBe(1);
    expect(delta('nsa_login_duration_seconds_count', { provider: 'google' })).toBe(1);
  });

  it('should not count connecting an account, refused or not, as a login', async () => {
    const { access_token: bearer } = await loginWithGoogle(t, google, 'm-2', { email: 'm-2@corp.example', hd: 'corp.example' });
    const foreign = google.issueAccessToken({ sub: 'm-3', aud: 'evil-app.apps.googleusercontent.com' });
    const delta = await deltaOf(() =>
      t
        .http()
        .post('/users/me/social-accounts/google')
        .set('authorization', `Bearer ${bearer}`)
        .send({ access_token: foreign })
        .expect(401),
    );

    expect(delta('nsa_logins_total', { provider: 'google', outcome: 'provider_token_audience_mismatch' })).toBe(0);
    expect(delta('nsa_login_duration_seconds_count', { provider: 'google' })).toBe(0);
  });
});
