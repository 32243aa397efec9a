import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeGoogle } from '../fakes/google.fake.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const startApp = async (google: FakeGoogle, env: Record<string, string> = {}) =>
  createTestApp({ GOOGLE_CLIENT_IDS: 'g', GOOGLE_JWKS_URL: google.jwksUrl, GITHUB_CLIENT_IDS: 'gh', GITHUB_CLIENT_SECRETS: 's', ...env });

describe('ID-token nonces (default: offered, checked when present)', () => {
  const google = new FakeGoogle();
  let t: TestApp;

  beforeAll(async () => {
    await google.start();
    t = await startApp(google);
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });

  const nonce = async (provider = 'google') =>
    (await t.http().get(`/auth/${provider}/nonce`).expect(200)).body as { nonce: string; expires_in: number };
  const login = async (status: number, claims: object) =>
    t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await google.signIdToken({ sub: 'g-1', aud: 'g', ...claims }) })
      .expect(status);

  it('should issue a random nonce with its lifetime', async () => {
    const a = await nonce();
    const b = await nonce();
    expect(a.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.expires_in).toBe(600);
  });

  it('should accept a token carrying our nonce once, and refuse its replay', async () => {
    const { nonce: n } = await nonce();
    const idToken = await google.signIdToken({ sub: 'g-1', aud: 'g', nonce: n });
    await t.http().post('/auth/google/token').send({ id_token: idToken }).expect(200);
    const replay = await t.http().post('/auth/google/token').send({ id_token: idToken }).expect(400);
    expect(replay.body.code).toBe('invalid_nonce');
  });

  it('should refuse a nonce we never issued', async () => {
    expect((await login(400, { nonce: 'made-up-by-an-attacker' })).body.code).toBe('invalid_nonce');
  });

  it('should refuse a nonce issued for another provider', async () => {
    const { nonce: n } = await nonce('github');
    expect((await login(400, { nonce: n })).body.code).toBe('invalid_nonce');
  });

  it('should accept a token without a nonce while nonces are optional', async () => {
    await login(200, {});
  });

  it('should answer 404 for the nonce of an unknown provider', async () => {
    expect((await t.http().get('/auth/nope/nonce').expect(404)).body.code).toBe('unknown_provider');
  });
});

describe('LOGIN_NONCE_REQUIRED=true', () => {
  const google = new FakeGoogle();
  let t: TestApp;

  beforeAll(async () => {
    await google.start();
    t = await startApp(google, { LOGIN_NONCE_REQUIRED: 'true' });
  });
  afterAll(async () => {
    await t?.close();
    await google.stop();
  });

  it('should refuse an ID token without a nonce', async () => {
    const res = await t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await google.signIdToken({ sub: 'g-1', aud: 'g' }) })
      .expect(400);
    expect(res.body.code).toBe('invalid_nonce');
  });

  it('should accept one with a fresh nonce of ours', async () => {
    const { nonce } = (await t.http().get('/auth/google/nonce').expect(200)).body;
    await t
      .http()
      .post('/auth/google/token')
      .send({ id_token: await google.signIdToken({ sub: 'g-1', aud: 'g', nonce }) })
      .expect(200);
  });
});
