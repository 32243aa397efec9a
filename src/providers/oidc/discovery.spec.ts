import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { startLoopbackServer } from '../../../test/support/loopback-server.js';
import { AppError } from '../../common/errors/app-error.js';
import { loadConfig } from '../../config/app-config.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { ProviderHttpClient } from '../http/provider-http.client.js';
import { discoveryUrl, idTokenAlgorithms, OidcDiscovery, type EndpointRule, type OidcDiscoveryDocument } from './discovery.js';

const POLICY = { maxAgeMs: 600_000, cooldownMs: 30_000 };

describe(OidcDiscovery.name, () => {
  let server: Awaited<ReturnType<typeof startLoopbackServer>>;
  let issuer: string;
  /** What the provider answers at its well-known URL, and how often it was asked. */
  let published: { status: number; body: unknown };
  let fetches: number;
  let now: number;
  const http = new ProviderHttpClient(loadConfig({ NODE_ENV: 'test' }), new MetricsService());
  const document = (extra: Partial<OidcDiscoveryDocument> = {}) => ({
    issuer,
    jwks_uri: `${issuer}/jwks`,
    id_token_signing_alg_values_supported: ['RS256'],
    ...extra,
  });
  const discovery = (endpoints: EndpointRule = { httpAllowed: true, trustedOrigins: [] }) =>
    new OidcDiscovery('acme', issuer, http, POLICY, endpoints, { now: () => now });

  beforeAll(async () => {
    server = await startLoopbackServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') fetches++;
      res.writeHead(published.status, { 'content-type': 'application/json' }).end(JSON.stringify(published.body));
    });
    issuer = server.url;
  });
  afterAll(async () => {
    await http.onModuleDestroy();
    await server.close();
  });
  beforeEach(() => {
    published = { status: 200, body: document() };
    fetches = 0;
    now = 1_000_000;
  });

  it('should fetch once and serve the cached document until it is older than the max age', async () => {
    const sut = discovery();

    await Promise.all([sut.get(), sut.get()]);
    now += POLICY.maxAgeMs;
    await sut.get();
    expect(fetches).toBe(1);
    now += 1;
    await sut.get();
    expect(fetches).toBe(2);
  });

  it('should refuse a document that names another issuer (OIDC Discovery 4.3)', async () => {
    published.body = document({ issuer: 'https://evil.example' });

    const error = await discovery()
      .get()
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'provider_unavailable' });
    // The provider's value is for our log (test/security/provider-claims.e2e-spec.ts), never for the client.
    expect((error as Error).message).not.toContain('evil.example');
  });

  it('should refuse a document whose jwks_uri is plain http on a public host', async () => {
    published.body = document({ jwks_uri: 'http://keys.example/jwks' });

    await expect(discovery().get()).rejects.toMatchObject({ code: 'provider_unavailable' });
  });

  it('should refuse plain http even on loopback for a provider whose URLs must be https (production)', async () => {
    const logged = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

    await expect(discovery({ httpAllowed: false, trustedOrigins: [] }).get()).rejects.toMatchObject({ code: 'provider_unavailable' });
    // The rule broken is the operator's to read, in the log; the client gets only the stable code.
    expect(logged.mock.calls.map(([line]) => String(line)).join('\n')).toContain('jwks_uri must be an https URL in production');
    logged.mockRestore();
  });

  it.each(['token_endpoint', 'userinfo_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'jwks_uri'] as const)(
    "should refuse a document whose %s is on another origin, where our secret or a user's token would go, without naming it to the client",
    async (key) => {
      published.body = document({ [key]: 'https://collector.example/endpoint' });

      const logged = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

      await expect(discovery().get()).rejects.toMatchObject({
        code: 'provider_unavailable',
        message: expect.not.stringContaining('collector.example'),
      });
      expect(logged.mock.calls.map(([line]) => String(line)).join('\n')).toContain(
        `${key} is on https://collector.example, neither the issuer's origin`,
      );
      logged.mockRestore();
    },
  );

  it('should accept endpoints on an origin the declaration trusts, and the browser-facing authorization endpoint anywhere https', async () => {
    published.body = document({
      token_endpoint: 'https://api.acme.example/token',
      authorization_endpoint: 'https://login.acme.example/authorize',
    });

    await expect(discovery({ httpAllowed: true, trustedOrigins: ['https://api.acme.example'] }).get()).resolves.toMatchObject({
      token_endpoint: 'https://api.acme.example/token',
    });
  });

  it('should not ask a failing provider again within the cooldown', async () => {
    published.status = 404;
    const sut = discovery();

    await expect(sut.get()).rejects.toBeInstanceOf(AppError);
    await expect(sut.get()).rejects.toBeInstanceOf(AppError);
    expect(fetches).toBe(1);
    published.status = 200;
    now += POLICY.cooldownMs;
    await expect(sut.get()).resolves.toMatchObject({ issuer });
    expect(fetches).toBe(2);
  });
});

describe(idTokenAlgorithms.name, () => {
  const doc = (algs: string[]) => ({
    issuer: 'https://id.example',
    jwks_uri: 'https://id.example/jwks',
    id_token_signing_alg_values_supported: algs,
  });

  it('should keep only the advertised algorithms of the safe set', () => {
    expect(idTokenAlgorithms('acme', doc(['none', 'HS256', 'RS256', 'ES256', 'RS384']))).toEqual(['RS256', 'ES256']);
  });

  it('should make a provider that signs only with HS256 or none unavailable', () => {
    expect(() => idTokenAlgorithms('acme', doc(['HS256', 'none']))).toThrow(expect.objectContaining({ code: 'provider_unavailable' }));
  });
});

describe('discoveryUrl', () => {
  it('should drop a terminating slash of the issuer before the well-known path (OIDC Discovery 4)', () => {
    expect(discoveryUrl('https://id.example/tenant/')).toBe('https://id.example/tenant/.well-known/openid-configuration');
  });
});
