import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { snapshotDatabase } from '../support/database-snapshot.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import type { TestApp } from '../support/test-app.js';

/**
 * Request data shaped to crash the DTO machinery rather than fail its validation (found by test/fuzz): a nested
 * own `constructor` key made class-transformer throw a TypeError (500), and deep nesting overflows its recursion.
 */
describe('hostile JSON shapes', () => {
  let t: TestApp;
  let google: FakeGoogle;
  let token: string;

  beforeAll(async () => {
    ({ t, google } = await createAppWithGoogle({ GOOGLE_CLIENT_SECRETS: 's', AUTH_RETURN_TO_URLS: 'https://app.example.com/x' }));
    token = (await loginWithGoogle(t, google, 'g-hostile')).access_token;
  });
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  const deep = (n: number) => `{"refresh_token":"x","a":${'['.repeat(n)}${']'.repeat(n)}}`;
  const cases: Array<[string, string, string, boolean]> = [
    ['POST', '/auth/refresh', '{"refresh_token":"x","a":{"constructor":1}}', false],
    ['POST', '/auth/google/callback', '{"provider":{"constructor":1}}', false],
    ['POST', '/auth/google/token', '{"access_token":"x","a":[{"constructor":{}}]}', false],
    ['PATCH', '/users/me', '{"name":"x","a":{"constructor":1}}', true],
    ['POST', '/auth/refresh', deep(5_000), false],
  ];

  it.each(cases)('should refuse %s %s %#, with 400 and nothing written', async (method, url, payload, guarded) => {
    const before = await snapshotDatabase(t.dataSource);
    const req = t.http()[method.toLowerCase() as 'post'](url).set('content-type', 'application/json');
    const res = await (guarded ? req.set('authorization', `Bearer ${token}`) : req).send(payload);
    expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
    expect(await snapshotDatabase(t.dataSource)).toEqual(before);
  });
});
