import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import type { TestApp } from '../support/test-app.js';

describe('/users/me', () => {
  let t: TestApp;
  let google: FakeGoogle;

  beforeAll(async () => ({ t, google } = await createAppWithGoogle()));
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });
  beforeEach(() => t.reset());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it('should answer the signed-in user', async () => {
    const s = await loginWithGoogle(t, google, 'g-1', { name: 'Ada Lovelace' });
    const res = await t.http().get('/users/me').set(auth(s.access_token)).expect(200);
    expect(res.body).toEqual({
      id: s.user.id,
      username: 'g-1',
      email: 'g-1@gmail.com',
      email_verified: true,
      name: 'Ada Lovelace',
      first_name: null,
      last_name: null,
      picture: null,
      created_at: expect.any(String),
    });
  });

  it('should be guarded by default', async () => {
    const res = await t.http().get('/users/me').expect(401);
    expect(res.body).toEqual({ statusCode: 401, code: 'invalid_token', message: expect.any(String) });
  });

  it('should update the allowed fields', async () => {
    const s = await loginWithGoogle(t, google);
    const res = await t.http().patch('/users/me').set(auth(s.access_token)).send({ username: 'ada.l', first_name: 'Ada' }).expect(200);
    expect(res.body).toMatchObject({ username: 'ada.l', first_name: 'Ada' });
  });

  it('should refuse a taken username with 409 username_taken', async () => {
    await loginWithGoogle(t, google, 'taken');
    const s = await loginWithGoogle(t, google, 'g-2');
    const res = await t.http().patch('/users/me').set(auth(s.access_token)).send({ username: 'taken' }).expect(409);
    expect(res.body.code).toBe('username_taken');
  });

  it('should refuse fields it does not allow, and bad usernames, with 400', async () => {
    const s = await loginWithGoogle(t, google);
    expect((await t.http().patch('/users/me').set(auth(s.access_token)).send({ email: 'x@evil.test' }).expect(400)).body.code).toBe(
      'validation_failed',
    );
    await t.http().patch('/users/me').set(auth(s.access_token)).send({ is_active: false }).expect(400);
    await t.http().patch('/users/me').set(auth(s.access_token)).send({ username: 'Has Spaces' }).expect(400);
    const after = await t.http().get('/users/me').set(auth(s.access_token)).expect(200);
    expect(after.body.email).toBe('g-1@gmail.com');
  });

  it('should name the one rule a field broke, not every rule it has, in the usual error body', async () => {
    const s = await loginWithGoogle(t, google);
    const res = await t.http().patch('/users/me').set(auth(s.access_token)).send({ username: 'A' }).expect(400); // too short AND not the pattern
    expect(res.body).toEqual({
      statusCode: 400,
      code: 'validation_failed',
      message: expect.stringMatching(/^username [^;]+$/),
      details: { fields: { username: [expect.any(String)] } },
    });
    // One message per field, each field still reported.
    const both = await t.http().patch('/users/me').set(auth(s.access_token)).send({ username: 42, name: 'A\u0000' }).expect(400);
    expect(Object.values(both.body.details.fields).map((m) => (m as string[]).length)).toEqual([1, 1]);
  });

  it('should refuse control characters in names with 400, NUL included (PostgreSQL refuses NUL in text: a 500 before)', async () => {
    const s = await loginWithGoogle(t, google, 'g-ctl', { name: 'Ada' });
    for (const name of ['Ada\u0000', 'Ada\nFake log line', '\u009bAda']) {
      const res = await t.http().patch('/users/me').set(auth(s.access_token)).send({ name, first_name: 'x' });
      expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 400, code: 'validation_failed' });
    }
    expect((await t.http().get('/users/me').set(auth(s.access_token))).body).toMatchObject({ name: 'Ada', first_name: null });
    // Letters of any script, and spaces, are still names.
    await t.http().patch('/users/me').set(auth(s.access_token)).send({ name: 'Ада Лавлейс 😀', last_name: "O'Brien-Ünal" }).expect(200);
  });

  it('should refuse an inactive user with 403 account_inactive, from the next request on (the user is not cached)', async () => {
    const s = await loginWithGoogle(t, google);
    await t.http().get('/users/me').set(auth(s.access_token)).expect(200);
    await t.dataSource.query(`UPDATE users SET "isActive" = ${t.dataSource.options.type === 'postgres' ? 'false' : '0'}`);
    expect((await t.http().get('/users/me').set(auth(s.access_token)).expect(403)).body.code).toBe('account_inactive');
    const again = await t
      .http()
      .post('/auth/google/token')
      .send({
        id_token: await google.signIdToken({ sub: 'g-1', aud: 'web-client.apps.googleusercontent.com' }),
      })
      .expect(403);
    expect(again.body.code).toBe('account_inactive');
  });

  it('should answer 404 not_found as JSON for an unknown route', async () => {
    const res = await t.http().get('/nope').expect(404);
    expect(res.body.code).toBe('not_found');
  });

  it('should answer 415 unsupported_media_type for a body that is not JSON', async () => {
    const res = await t
      .http()
      .post('/auth/refresh')
      .set('content-type', 'application/xml')
      .send('<refresh_token>x</refresh_token>')
      .expect(415);
    expect(res.body).toEqual({ statusCode: 415, code: 'unsupported_media_type', message: expect.any(String) });
  });

  it('should answer 415 unsupported_media_type for JSON sent as text/plain, and change nothing', async () => {
    const s = await loginWithGoogle(t, google, 'g-plain');
    for (const type of ['text/plain', 'text/plain; charset=utf-8']) {
      const res = await t.http().patch('/users/me').set(auth(s.access_token)).set('content-type', type).send('{"username":"plain"}');
      expect({ type, status: res.status, body: res.body }).toEqual({
        type,
        status: 415,
        body: { statusCode: 415, code: 'unsupported_media_type', message: expect.any(String) },
      });
      const refresh = await t
        .http()
        .post('/auth/refresh')
        .set('content-type', type)
        .send(JSON.stringify({ refresh_token: s.refresh_token }));
      expect([refresh.status, refresh.body.code]).toEqual([415, 'unsupported_media_type']);
    }
    expect((await t.http().get('/users/me').set(auth(s.access_token))).body.username).toBe('g-plain');
    await t.http().post('/auth/refresh').send({ refresh_token: s.refresh_token }).expect(200);
  });

  it('should answer 413 for a body over the limit', async () => {
    const res = await t
      .http()
      .post('/auth/refresh')
      .send({ refresh_token: 'x'.repeat(70 * 1024) })
      .expect(413);
    expect(res.body.code).toBe('payload_too_large');
  });
});
