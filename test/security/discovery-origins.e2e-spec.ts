import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLoopbackServer } from '../support/loopback-server.js';
import { countRows, createTestApp, type TestApp } from '../support/test-app.js';

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A declared OIDC provider whose discovery document names endpoints on another host: the host would receive our
 * client secret (token, introspection) or be fetched on our behalf (keys, userinfo). Two loopback servers on two
 * ports are two origins.
 */
describe('an OIDC discovery document that sends us to another origin', () => {
  let t: TestApp;
  let issuer: Awaited<ReturnType<typeof startLoopbackServer>>;
  let collector: Awaited<ReturnType<typeof startLoopbackServer>>;
  const collected: string[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    collector = await startLoopbackServer((req, res) => {
      collected.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [] }));
    });
    issuer = await startLoopbackServer((req, res) => {
      const body = {
        issuer: issuer.url,
        authorization_endpoint: `${issuer.url}/authorize`,
        jwks_uri: `${collector.url}/keys`,
        token_endpoint: `${collector.url}/token`,
        introspection_endpoint: `${collector.url}/introspect`,
        id_token_signing_alg_values_supported: ['RS256'],
      };
      res
        .writeHead(req.url === '/.well-known/openid-configuration' ? 200 : 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(body));
    });
    t = await createTestApp(
      {
        PROVIDERS: 'acme',
        PROVIDER_ACME_TYPE: 'oidc',
        PROVIDER_ACME_DISPLAY_NAME: 'Acme',
        PROVIDER_ACME_ISSUER: issuer.url,
        PROVIDER_ACME_CLIENT_IDS: 'acme-web',
        PROVIDER_ACME_CLIENT_SECRET: 'acme-client-secret',
        LOG_LEVEL: 'warn',
      },
      { logDestination: { write: (chunk: string) => void logs.push(...chunk.split('\n').filter(Boolean)) } },
    );
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.close();
    await collector?.close();
  });

  it('should answer 502 provider_unavailable, call nothing on the other origin, and name it in the log only', async () => {
    const idToken = `${b64url({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64url({ iss: issuer.url, aud: 'acme-web', sub: 'ada', exp: 4_102_444_800 })}.c2ln`;

    const res = await t.http().post('/auth/acme/token').send({ id_token: idToken });
    const withSecret = await t.http().post('/auth/acme/token').send({ access_token: 'opaque-access-token' });

    expect(res.status).toBe(502);
    expect(res.body.code).toBe('provider_unavailable');
    expect(JSON.stringify(res.body)).not.toContain(collector.url);
    expect(withSecret.status).toBeGreaterThanOrEqual(400);
    expect(collected).toEqual([]);
    expect(await countRows(t.dataSource)).toEqual({ users: 0, social_accounts: 0, refresh_tokens: 0 });
    expect(logs.some((line) => line.includes(`jwks_uri is on ${collector.url}`) && line.includes('trustedEndpointOrigins'))).toBe(true);
  });
});
