import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { IsNull, Not } from 'typeorm';
import { OAuthRecord } from '../../src/oauth-server/oauth-record.entity.js';
import { authorize } from './authorize-flow.js';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const REDIRECT = 'https://app.example.test/callback';

/**
 * OAUTH_REFRESH_REUSE_GRACE_SECONDS > 0 (ADR 0023): a refresh token re-presented soon after it was spent is refused
 * without revoking the grant; re-presented later, it revokes the grant as with the window off (code-flow spec).
 * "Later" is made by moving the spent token's consumedAt back in the database: no test waits on a clock.
 */
describe('third-party refresh-token reuse grace window', () => {
  let t: OAuthTestApp;
  let config: client.Configuration;

  const api = (token: string) => t.http().get('/users/me').set('authorization', `Bearer ${token}`);
  async function rotated() {
    const done = await authorize(config, { redirectUri: REDIRECT, scope: 'openid profile:read offline_access' });
    const tokens = await client.authorizationCodeGrant(config, done.callback, {
      pkceCodeVerifier: done.verifier,
      expectedState: done.state,
    });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    return { spent: tokens.refresh_token!, refreshed };
  }

  beforeAll(async () => {
    t = await startOAuthApp({ OAUTH_REFRESH_REUSE_GRACE_SECONDS: '30' });
    const app = await t.register({ redirectUris: [REDIRECT], scopes: ['openid', 'offline_access', 'profile:read'] });
    config = await t.discover(app.clientId, app.clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should refuse a just-spent refresh token with invalid_grant, issue nothing, and keep the grant and its newest tokens', async () => {
    const { spent, refreshed } = await rotated();
    await expect(client.refreshTokenGrant(config, spent)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The grant survives: the access token and refresh token of the rotation still work.
    await api(refreshed.access_token).expect(200);
    const next = await client.refreshTokenGrant(config, refreshed.refresh_token!);
    await api(next.access_token).expect(200);
    // Within the window, a spent token is unknown to introspection too (never "active").
    expect((await client.tokenIntrospection(config, spent)).active).toBe(false);
  });

  it('should revoke the grant when the spent token comes back after the window', async () => {
    const { spent, refreshed } = await rotated();
    await t.dataSource
      .getRepository(OAuthRecord)
      .update({ model: 'RefreshToken', consumedAt: Not(IsNull()) }, { consumedAt: new Date(Date.now() - 31_000) });
    await expect(client.refreshTokenGrant(config, spent)).rejects.toMatchObject({ error: 'invalid_grant' });
    await api(refreshed.access_token).expect(401);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
