import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FakeGoogle } from '../fakes/google.fake.js';
import { createAppWithGoogle, loginWithGoogle, type LoginResult } from '../support/google-login.js';
import { discoverRoutes } from '../support/routes.js';
import type { TestApp } from '../support/test-app.js';

/** RFC 6750 §3 and RFC 9110 §11: a 401 of a guarded route says how to authenticate; the scheme's case does not matter. */
describe('Bearer authentication challenge', () => {
  let t: TestApp;
  let google: FakeGoogle;
  let session: LoginResult;

  beforeAll(async () => {
    ({ t, google } = await createAppWithGoogle());
    session = await loginWithGoogle(t, google);
  });
  afterAll(async () => {
    await t?.close();
    await google?.stop();
  });

  const me = (authorization?: string) => {
    const req = t.http().get('/users/me');
    return authorization === undefined ? req : req.set('authorization', authorization);
  };
  const refusal = async (authorization?: string) => {
    const res = await me(authorization);
    return { status: res.status, code: res.body.code, challenge: res.headers['www-authenticate'] };
  };

  it('should challenge a request without credentials with a bare Bearer challenge (no error code)', async () => {
    expect(await refusal()).toEqual({ status: 401, code: 'invalid_token', challenge: 'Bearer' });
  });

  it('should treat another scheme as no credentials: refused, bare challenge', async () => {
    expect(await refusal(`Basic ${Buffer.from('a:b').toString('base64')}`)).toEqual({
      status: 401,
      code: 'invalid_token',
      challenge: 'Bearer',
    });
    expect(await refusal(`Token ${session.access_token}`)).toEqual({ status: 401, code: 'invalid_token', challenge: 'Bearer' });
    expect(await refusal(session.access_token)).toEqual({ status: 401, code: 'invalid_token', challenge: 'Bearer' });
  });

  it('should answer error="invalid_token" when a bearer token was sent and refused', async () => {
    const invalid = { status: 401, code: 'invalid_token', challenge: 'Bearer error="invalid_token"' };
    expect(await refusal('Bearer not.a.jwt')).toEqual(invalid);
    expect(await refusal(`Bearer ${session.access_token.slice(0, -4)}AAAA`)).toEqual(invalid);
    // The Bearer scheme with something that cannot be a token: sent, and refused.
    expect(await refusal('Bearer a b')).toEqual(invalid);
    expect(await refusal('Bearer')).toEqual(invalid);
    expect(await refusal(`Bearer ${'a'.repeat(10_000)}`)).toEqual(invalid);
  });

  it('should accept the Bearer scheme in any case (RFC 9110 §11.1), and only the token as sent', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const res = await me(`${scheme} ${session.access_token}`);
      expect({ scheme, status: res.status }).toEqual({ scheme, status: 200 });
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
    // Tokens are case-sensitive.
    expect((await me(`Bearer ${session.access_token.toLowerCase()}`)).status).toBe(401);
  });

  it('should challenge on every guarded route', async () => {
    for (const route of discoverRoutes(t).filter((r) => !r.isPublic)) {
      const url = route.path.replace(':provider', 'google').replace(':id', '00000000-0000-4000-8000-000000000000');
      const res = await t.http()[route.method.toLowerCase() as 'get'](url).send({});
      expect({ route: `${route.method} ${route.path}`, challenge: res.headers['www-authenticate'] }).toEqual({
        route: `${route.method} ${route.path}`,
        challenge: 'Bearer',
      });
    }
  });
});
