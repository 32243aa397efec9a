import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DOCS_JSON_PATH, DOCS_PATH } from '../../src/common/openapi/openapi.setup.js';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { snapshotDatabase } from '../support/database-snapshot.js';
import { createAppWithGoogle, loginWithGoogle } from '../support/google-login.js';
import { discoverRoutes, type Route } from '../support/routes.js';
import type { TestApp } from '../support/test-app.js';
import { fuzzRequest, fuzzSettings, type FuzzRequest } from './routes.fuzz.js';

/**
 * Every route of the app (read from its router, so a new route is fuzzed without a word here), public and guarded
 * (with a valid access token most of the time), against random and malformed requests: no answer is a 5xx,
 * and a refused request (4xx) changes nothing in the database. Seeded; `npm run test:fuzz` runs longer.
 */
/** A bound for a slow machine, not an assertion: the runs are counted (FUZZ_RUNS), not timed. */
const FUZZ_TIMEOUT_MS = 10 * 60_000;

describe('fuzzing every route', () => {
  let t: TestApp;
  let google: FakeGoogle;
  let routes: Route[];
  let token: string;

  beforeAll(async () => {
    ({ t, google } = await createAppWithGoogle({
      GOOGLE_CLIENT_SECRETS: 'google-client-secret',
      AUTH_RETURN_TO_URLS: 'https://app.example.com/signed-in',
      LOG_LEVEL: 'silent',
    }));
    // Routes outside Nest's router: the OpenAPI document, and no route at all.
    const extra: Route[] = [DOCS_JSON_PATH, DOCS_PATH, '/nope'].map((path) => ({ method: 'GET', path, isPublic: true }));
    routes = [...discoverRoutes(t), ...extra];
    token = (await loginWithGoogle(t, google, 'g-fuzz')).access_token;
  });
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  const send = (r: FuzzRequest) =>
    t.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: r.method as 'GET', url: r.url, headers: r.headers, payload: r.payload });

  it('should find the routes to fuzz (so the property below cannot pass on an empty list)', () => {
    expect(routes.filter((r) => !r.isPublic).length).toBeGreaterThanOrEqual(5);
    expect(routes.filter((r) => r.isPublic).length).toBeGreaterThanOrEqual(10);
  });

  it(
    'should never answer 5xx, and change nothing when it refuses',
    async () => {
      const { numRuns, seed } = fuzzSettings();
      let before = await snapshotDatabase(t.dataSource);
      // Each route its own property (and share of the runs), so a new route is fuzzed as much as the others.
      for (const [index, route] of routes.entries()) {
        await fc.assert(
          fc.asyncProperty(fuzzRequest(route, token), async (request) => {
            const res = await send(request);
            expect({
              request: request.route,
              status: res.statusCode < 500 ? 'not 5xx' : res.statusCode,
              body: res.statusCode < 500 ? '' : res.body,
            }).toEqual({ request: request.route, status: 'not 5xx', body: '' });
            // A wrong method on a path that exists is 405 with the methods that would work (RFC 9110 §15.5.6).
            if (res.statusCode === 405) {
              expect(String(res.headers.allow ?? '').split(', ')).toEqual(expect.not.arrayContaining([request.method]));
              expect(res.json()).toEqual({ statusCode: 405, code: 'method_not_allowed', message: expect.any(String) });
            }
            const after = await snapshotDatabase(t.dataSource);
            // A 2xx may write (PATCH /users/me with a valid name, logout-all): then that is the new baseline.
            if (res.statusCode >= 300) expect(after).toEqual(before);
            before = after;
          }),
          { numRuns, seed: seed + index },
        );
      }
    },
    FUZZ_TIMEOUT_MS,
  );
});
