import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DOCS_JSON_PATH } from '../../src/common/openapi/openapi.setup.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// The benchmark's user-route stand-ins (src/bench-routes/, bench/README.md): present only with BENCH_ROUTES=true.
describe('bench routes (BENCH_ROUTES)', () => {
  describe('unset (every deployment)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('should not have the routes at all', async () => {
      expect((await t.http().get('/bench/public-notes')).status).toBe(404);
      expect((await t.http().get('/bench/notes')).status).toBe(404);
    });
  });

  describe('BENCH_ROUTES=true', () => {
    let t: TestApp;
    let google: FakeGoogle;
    beforeAll(async () => {
      ({ t, google } = await createAppWithGoogle({ BENCH_ROUTES: 'true' }));
    });
    afterAll(async () => {
      await t?.close();
      await google?.stop();
    });

    it('should answer the @Public route without a token', async () => {
      const res = await t.http().get('/bench/public-notes');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ notes: [expect.objectContaining({ id: 1 })] });
    });

    it('should guard the other like any route: 401 without a token, 200 with one', async () => {
      expect((await t.http().get('/bench/notes')).body).toMatchObject({ code: 'invalid_token' });
      const { access_token } = await loginWithGoogle(t, google);
      const res = await t.http().get('/bench/notes').set('authorization', `Bearer ${access_token}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ notes: [expect.objectContaining({ id: 1 })] });
    });

    it('should leave them out of the OpenAPI document', async () => {
      const res = await t.http().get(DOCS_JSON_PATH);
      expect(res.status).toBe(200);
      expect(Object.keys((res.body as { paths: Record<string, unknown> }).paths).filter((p) => p.startsWith('/bench'))).toEqual([]);
    });
  });
});
