import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { authorize } from '../oauth-server/authorize-flow.js';
import { startOAuthApp, type OAuthTestApp } from '../oauth-server/oauth-app.js';
import { freePort } from '../support/app-process.js';

const REDIRECT = 'https://app.example.test/callback';

/**
 * Two instances of the authorization server on one PostgreSQL and one Redis, one public URL (A's, as a load
 * balancer's would be): each step of a flow may land on either, and a code redeemed on both at once works once.
 */
describe('the authorization server on two instances', () => {
  let a: OAuthTestApp;
  let b: OAuthTestApp;
  let app: { clientId: string; clientSecret?: string };
  let onA: client.Configuration;
  let onB: client.Configuration;

  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: `oauth-multi-${randomUUID()}:`, JWT_SESSION_CHECK_CACHE_MS: '60000' };
    a = await startOAuthApp(env);
    b = await startOAuthApp(env, { port: await freePort(), url: a.url, keepDatabase: true });
    app = await a.register({ name: 'Example App', type: 'confidential', redirectUris: [REDIRECT] });
    onA = await a.discover(app.clientId, app.clientSecret);
    const bUrl = `http://127.0.0.1:${portOf(b)}`;
    const metadata = { ...onA.serverMetadata() };
    for (const key of ['token_endpoint', 'revocation_endpoint', 'introspection_endpoint'] as const)
      metadata[key] = metadata[key]!.replace(a.url, bUrl);
    onB = new client.Configuration(metadata, app.clientId, undefined, client.ClientSecretBasic(app.clientSecret));
    client.allowInsecureRequests(onB);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Requests to /oauth/* alternate between the instances; the rest (social sign-in) goes to A. */
  function alternating() {
    let n = 0;
    const bPort = String(portOf(b));
    return (url: URL) => {
      if (!url.pathname.startsWith('/oauth/') || n++ % 2 === 0) return url;
      const routed = new URL(url);
      routed.port = bPort;
      return routed;
    };
  }

  it('should finish on one instance a flow started on the other, and refresh on either', async () => {
    const done = await authorize(onA, { redirectUri: REDIRECT, scope: 'openid profile:read', route: alternating() });
    const tokens = await client.authorizationCodeGrant(onB, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state });
    await a.http().get('/users/me').set('authorization', `Bearer ${tokens.access_token}`).expect(200);
    const refreshed = await client.refreshTokenGrant(onA, tokens.refresh_token!);
    await b.http().get('/users/me').set('authorization', `Bearer ${refreshed.access_token}`).expect(200);
  });

  it('should redeem a code sent to both instances at once exactly once', async () => {
    for (let i = 0; i < 3; i++) {
      const done = await authorize(onA, { redirectUri: REDIRECT, scope: 'openid profile:read' });
      const checks = { pkceCodeVerifier: done.verifier, expectedState: done.state };
      const outcomes = await Promise.allSettled([
        client.authorizationCodeGrant(onA, done.callback, checks),
        client.authorizationCodeGrant(onB, done.callback, checks),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ error: 'invalid_grant' });
    }
  });

  it("should stop a revoked grant's access token on the other instance at once, despite its cache (Redis pub/sub)", async () => {
    const done = await authorize(onA, { redirectUri: REDIRECT, scope: 'openid profile:read' });
    const tokens = await client.authorizationCodeGrant(onA, done.callback, { pkceCodeVerifier: done.verifier, expectedState: done.state });
    await b.http().get('/users/me').set('authorization', `Bearer ${tokens.access_token}`).expect(200);
    await client.tokenRevocation(onA, tokens.refresh_token!);
    // B answered "live" a moment ago and caches that for 60 s: only the revocation message can make it forget.
    await expectEventually401(() => b.http().get('/users/me').set('authorization', `Bearer ${tokens.access_token}`));
  });
});

const portOf = (t: OAuthTestApp): number => (t.app.getHttpServer().address() as AddressInfo).port;

/** Pub/sub delivery is asynchronous: poll a few times (no timed assertion, a bounded number of tries). */
async function expectEventually401(request: () => PromiseLike<{ status: number }>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await request()).status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('still accepted after revocation');
}
