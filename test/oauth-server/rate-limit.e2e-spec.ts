import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const REDIRECT = 'https://app.example.test/callback';
const form = 'application/x-www-form-urlencoded';

/** The limits of ADR 0039 at /oauth, on the store the app runs with (memory, or Redis under TEST_REDIS_URL). */
describe('rate limits at the authorization server', () => {
  describe('per client (RATE_LIMIT_OAUTH_PER_CLIENT=3): successful requests only', () => {
    let t: OAuthTestApp;
    beforeAll(async () => (t = await startOAuthApp({ RATE_LIMIT_OAUTH_PER_CLIENT: '3' })));
    afterAll(async () => t?.close());

    // Introspection and revocation answer 200 for any token once the client has authenticated: a success each.
    const introspect = (clientId: string, secret: string) =>
      t.http().post('/oauth/introspect').auth(clientId, secret).set('content-type', form).send('token=x');
    const revoke = (clientId: string, secret: string) =>
      t.http().post('/oauth/revoke').auth(clientId, secret).set('content-type', form).send('token=x');

    it('should answer 429 with Retry-After and an OAuth error body after 3 successful requests of a client, and not its neighbour', async () => {
      const a = await t.register({ type: 'confidential', redirectUris: [REDIRECT], scopes: ['openid', 'offline_access'] });
      const b = await t.register({ type: 'confidential', redirectUris: [REDIRECT], scopes: ['openid', 'offline_access'] });
      // One bucket per client, whichever endpoint: introspection and revocation count together.
      await introspect(a.clientId, a.clientSecret!).expect(200);
      await revoke(a.clientId, a.clientSecret!).expect(200);
      await introspect(a.clientId, a.clientSecret!).expect(200);
      await expect(client.refreshTokenGrant(await t.discover(a.clientId, a.clientSecret), 'no-such-token')).rejects.toMatchObject({
        status: 429,
        error: 'rate_limited',
      });
      const raw = await t
        .http()
        .post('/oauth/token')
        .auth(a.clientId, a.clientSecret!)
        .set('content-type', form)
        .send('grant_type=refresh_token&refresh_token=x')
        .expect(429);
      expect(Number(raw.headers['retry-after'])).toBeGreaterThan(0);
      expect(raw.headers['cache-control']).toBe('no-store');
      expect(raw.body).toEqual({ error: 'rate_limited', error_description: expect.stringMatching(/^Too many requests; retry in \d+ s$/) });
      await introspect(b.clientId, b.clientSecret!).expect(200);
    });

    it("should not count requests that fail the client's authentication: naming a client_id does not spend its budget", async () => {
      const victim = await t.register({ type: 'confidential', redirectUris: [REDIRECT], scopes: ['openid'] });
      for (let i = 0; i < 6; i++) expect((await introspect(victim.clientId, 'not-the-secret')).status).toBe(401);
      const config = await t.discover(victim.clientId, 'not-the-secret');
      await expect(client.refreshTokenGrant(config, 'no-such-token')).rejects.toMatchObject({ status: 401 });
      // The client itself still has its whole budget.
      for (let i = 0; i < 3; i++) await introspect(victim.clientId, victim.clientSecret!).expect(200);
      await introspect(victim.clientId, victim.clientSecret!).expect(429);
    });

    it("should count a public client's successful requests, named in the form body, and not its failed ones", async () => {
      const pub = await t.register({ type: 'public', redirectUris: [REDIRECT], scopes: ['openid'] });
      const code = `grant_type=authorization_code&code=nope&redirect_uri=${encodeURIComponent(REDIRECT)}&code_verifier=${'v'.repeat(43)}&client_id=${pub.clientId}`;
      // Anyone can name a public client: its failures (a made-up code) do not count, and reach oidc-provider whole.
      for (let i = 0; i < 5; i++) {
        const res = await t.http().post('/oauth/token').set('content-type', form).send(code).expect(400);
        expect(res.body.error).toBe('invalid_grant');
      }
      const revoked = () => t.http().post('/oauth/revoke').set('content-type', form).send(`token=x&client_id=${pub.clientId}`);
      for (let i = 0; i < 3; i++) await revoked().expect(200);
      expect((await revoked().expect(429)).body.error).toBe('rate_limited');
      expect((await t.http().post('/oauth/token').set('content-type', form).send(code).expect(429)).body.error).toBe('rate_limited');
    });
  });

  describe('per IP (RATE_LIMIT_OAUTH_PER_IP=3)', () => {
    let t: OAuthTestApp;
    beforeAll(async () => (t = await startOAuthApp({ RATE_LIMIT_OAUTH_PER_IP: '3' })));
    afterAll(async () => t?.close());

    it('should limit the token-ish endpoints and the interaction posts of one IP together, and not discovery or the key set', async () => {
      const a = await t.register({ type: 'confidential', redirectUris: [REDIRECT], scopes: ['openid'] });
      await t.http().post('/oauth/revoke').auth(a.clientId, a.clientSecret!).set('content-type', form).send('token=x').expect(200);
      await t.http().post('/oauth/introspect').auth(a.clientId, a.clientSecret!).set('content-type', form).send('token=x').expect(200);
      await t.http().post('/oauth/interaction/nope/consent').set('content-type', form).send('');
      const page = await t.http().post('/oauth/interaction/nope/consent').set('content-type', form).send('').expect(429);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('rate_limited');
      const token = await t.http().post('/oauth/token').set('content-type', form).send('grant_type=client_credentials').expect(429);
      expect(token.body.error).toBe('rate_limited');
      await t.http().get('/.well-known/openid-configuration').expect(200);
      await t.http().get('/.well-known/jwks.json').expect(200);
    });
  });
});
