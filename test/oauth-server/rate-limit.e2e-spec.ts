import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { startOAuthApp, type OAuthTestApp } from './oauth-app.js';

const REDIRECT = 'https://app.example.test/callback';
const form = 'application/x-www-form-urlencoded';

/** The limits of ADR 0039 at /oauth, on the store the app runs with (memory, or Redis under TEST_REDIS_URL). */
describe('rate limits at the authorization server', () => {
  describe('per client (RATE_LIMIT_OAUTH_PER_CLIENT=3)', () => {
    let t: OAuthTestApp;
    beforeAll(async () => (t = await startOAuthApp({ RATE_LIMIT_OAUTH_PER_CLIENT: '3' })));
    afterAll(async () => t?.close());

    it('should answer the 4th token request of a client 429 with Retry-After and an OAuth error body, and not its neighbour', async () => {
      const a = await t.register({ type: 'confidential', redirectUris: [REDIRECT], scopes: ['openid', 'offline_access'] });
      const b = await t.register({ type: 'confidential', redirectUris: [REDIRECT], scopes: ['openid', 'offline_access'] });
      const [configA, configB] = [await t.discover(a.clientId, a.clientSecret), await t.discover(b.clientId, b.clientSecret)];
      for (let i = 0; i < 3; i++)
        await expect(client.refreshTokenGrant(configA, 'no-such-token')).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(client.refreshTokenGrant(configA, 'no-such-token')).rejects.toMatchObject({ status: 429, error: 'rate_limited' });
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
      // The same limit counts introspection and revocation (one bucket per client), and leaves client B alone.
      await t.http().post('/oauth/introspect').auth(a.clientId, a.clientSecret!).set('content-type', form).send('token=x').expect(429);
      await expect(client.refreshTokenGrant(configB, 'no-such-token')).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('should count a public client named in the form body, whose requests still reach oidc-provider whole', async () => {
      const pub = await t.register({ type: 'public', redirectUris: [REDIRECT], scopes: ['openid'] });
      const body = `grant_type=authorization_code&code=nope&redirect_uri=${encodeURIComponent(REDIRECT)}&code_verifier=${'v'.repeat(43)}&client_id=${pub.clientId}`;
      for (let i = 0; i < 3; i++) {
        const res = await t.http().post('/oauth/token').set('content-type', form).send(body).expect(400);
        expect(res.body.error).toBe('invalid_grant');
      }
      expect((await t.http().post('/oauth/token').set('content-type', form).send(body).expect(429)).body.error).toBe('rate_limited');
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
