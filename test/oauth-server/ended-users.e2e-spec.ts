import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { authorize } from './authorize-flow.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const REDIRECT = 'https://app.example.test/callback';
const SCOPE = 'openid profile email offline_access profile:read';

/**
 * A user deactivated (`isActive = false`) or deleted, as an operator does it in the database (there is no route for
 * either: users.service.ts), loses every third-party grant at once: introspection says inactive, the refresh token
 * is refused, userinfo and our API answer 401, and the sign-in at /oauth is not reused. "At once" holds with the
 * grant's liveness freshly cached: the user's state is read on each use, not cached.
 */
describe.each([
  [
    'deactivated',
    (t: OAuthTestApp, id: string) =>
      t.dataSource.query(
        `UPDATE users SET "isActive" = ${t.dataSource.options.type === 'postgres' ? 'false' : '0'} WHERE id = $1`.replace(
          '$1',
          t.dataSource.options.type === 'postgres' ? '$1' : '?',
        ),
        [id],
      ),
  ],
  [
    'deleted',
    (t: OAuthTestApp, id: string) =>
      t.dataSource.query(`DELETE FROM users WHERE id = ${t.dataSource.options.type === 'postgres' ? '$1' : '?'}`, [id]),
  ],
])('third-party grants of a %s user', (_name, end) => {
  let t: OAuthTestApp;
  let config: client.Configuration;

  beforeAll(async () => {
    t = await startOAuthApp({ JWT_SESSION_CHECK_CACHE_MS: '300000' });
    const app = await t.register({ type: 'confidential', redirectUris: [REDIRECT], scopes: SCOPE.split(' ') });
    config = await t.discover(app.clientId, app.clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should stop introspection, refresh, userinfo, our API and the sign-in at /oauth at once', async () => {
    const done = await authorize(config, { redirectUri: REDIRECT, scope: SCOPE, username: 'katherine-johnson' });
    const tokens = await client.authorizationCodeGrant(config, done.callback, {
      pkceCodeVerifier: done.verifier,
      expectedState: done.state,
    });
    const sub = tokens.claims()!.sub;
    // Everything works, and the grant's liveness is now cached for five minutes.
    await client.fetchUserInfo(config, tokens.access_token, sub);
    await t.http().get('/users/me').set('authorization', `Bearer ${tokens.access_token}`).expect(200);
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);

    await end(t, sub);

    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    for (const method of ['GET', 'POST'] as const) {
      const refused = client.fetchProtectedResource(config, tokens.access_token, new URL(`${t.url}/oauth/userinfo`), method);
      await expect(refused).rejects.toMatchObject({
        status: 401,
        cause: [expect.objectContaining({ scheme: 'bearer', parameters: expect.objectContaining({ error: 'invalid_token' }) })],
      });
    }
    expect((await t.http().get('/users/me').set('authorization', `Bearer ${tokens.access_token}`).expect(401)).body.code).toBe(
      'invalid_token',
    );
    // The browser's sign-in at /oauth is no longer taken: the user is sent to sign in again (prompt=none says so).
    const silent = await authorize(config, { redirectUri: REDIRECT, scope: 'openid', browser: done.browser, extra: { prompt: 'none' } });
    expect(silent.callback.searchParams.get('error')).toBe('login_required');
  });
});
