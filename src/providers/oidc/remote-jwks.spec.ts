import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { errors, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type CryptoKey } from 'jose';
import { startLoopbackServer } from '../../../test/support/loopback-server.js';
import { AppError } from '../../common/errors/app-error.js';
import { loadConfig } from '../../config/app-config.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { ProviderHttpClient } from '../http/provider-http.client.js';
import { keySetLifetimeMs, MIN_KEY_SET_LIFETIME_MS, RemoteJwks, type JwksCachePolicy } from './remote-jwks.js';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const idToken = (key: SigningKey, sub = 'user-1') =>
  new SignJWT({ sub }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).setIssuedAt().setExpirationTime('5m').sign(key.privateKey);

const POLICY: JwksCachePolicy = { maxAgeMs: 600_000, cooldownMs: 30_000 };

describe(RemoteJwks.name, () => {
  let server: Awaited<ReturnType<typeof startLoopbackServer>>;
  let baseUrl: string;
  /** What the provider publishes at /jwks, and how often it was asked. */
  let published: unknown;
  let jwksRequests: number;
  /** The key set's Cache-Control header, if any. */
  let cacheControl: string | undefined;
  let oldKey: SigningKey;
  let newKey: SigningKey;
  /** jose's key cache reads `Date.now`: the tests move it instead of waiting. */
  let now: number;
  const clock = () => now;
  const http = new ProviderHttpClient(loadConfig({ NODE_ENV: 'test' }), new MetricsService());

  const jwksAt = (path: string, policy = POLICY) => new RemoteJwks('google', `${baseUrl}${path}`, http, policy);

  beforeAll(async () => {
    [oldKey, newKey] = await Promise.all([signingKey('old-kid'), signingKey('new-kid')]);
    server = await startLoopbackServer((req, res) => {
      if (req.url === '/jwks') jwksRequests++;
      const body = req.url === '/jwks' ? published : { issuer: 'https://accounts.example', jwks_uri: '/jwks' };
      const headers = req.url === '/jwks' && cacheControl !== undefined ? { 'cache-control': cacheControl } : {};
      res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    });
    baseUrl = server.url;
  });

  afterAll(async () => {
    await http.onModuleDestroy();
    await server.close();
  });

  beforeEach(() => {
    published = { keys: [oldKey.publicJwk] };
    jwksRequests = 0;
    cacheControl = undefined;
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(clock);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('getKey', () => {
    it('should fetch the key set once for many verifications', async () => {
      const sut = jwksAt('/jwks');

      for (const sub of ['a', 'b', 'c']) {
        await expect(jwtVerify(await idToken(oldKey, sub), sut.getKey)).resolves.toMatchObject({ payload: { sub } });
      }

      expect(jwksRequests).toBe(1);
    });

    it('should fetch once for verifications that start together', async () => {
      const sut = jwksAt('/jwks');
      const tokens = await Promise.all([1, 2, 3, 4].map((n) => idToken(oldKey, `user-${n}`)));

      await Promise.all(tokens.map((token) => jwtVerify(token, sut.getKey)));

      expect(jwksRequests).toBe(1);
    });

    it('should not refetch for an unknown kid within the cooldown', async () => {
      const sut = jwksAt('/jwks');
      await jwtVerify(await idToken(oldKey), sut.getKey);
      now += POLICY.cooldownMs - 1;

      await expect(jwtVerify(await idToken(newKey), sut.getKey)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
      expect(jwksRequests).toBe(1);
    });

    it('should not refetch for every unknown kid while the provider is failing', async () => {
      const sut = jwksAt('/jwks');
      await jwtVerify(await idToken(oldKey), sut.getKey);
      now += POLICY.cooldownMs + 1;
      published = { error: 'down' };

      await expect(jwtVerify(await idToken(newKey), sut.getKey)).rejects.toMatchObject({ code: 'provider_unavailable' });
      for (let i = 0; i < 3; i++)
        await expect(jwtVerify(await idToken(newKey), sut.getKey)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
      expect(jwksRequests).toBe(2);
    });

    it('should refetch once for an unknown kid after the cooldown', async () => {
      const sut = jwksAt('/jwks');
      await jwtVerify(await idToken(oldKey), sut.getKey);
      now += POLICY.cooldownMs + 1;

      await expect(jwtVerify(await idToken(newKey), sut.getKey)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
      await expect(jwtVerify(await idToken(newKey), sut.getKey)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
      expect(jwksRequests).toBe(2);
    });

    it('should pick up a rotated key on refetch', async () => {
      const sut = jwksAt('/jwks');
      await jwtVerify(await idToken(oldKey), sut.getKey);
      published = { keys: [newKey.publicJwk] };
      now += POLICY.cooldownMs + 1;

      await expect(jwtVerify(await idToken(newKey, 'rotated'), sut.getKey)).resolves.toMatchObject({ payload: { sub: 'rotated' } });
      expect(jwksRequests).toBe(2);
    });

    it('should refetch a key set older than maxAgeMs', async () => {
      const sut = jwksAt('/jwks');
      await jwtVerify(await idToken(oldKey), sut.getKey);
      now += POLICY.maxAgeMs + 1;

      await jwtVerify(await idToken(oldKey), sut.getKey);

      expect(jwksRequests).toBe(2);
    });

    it("should stop verifying with a removed key once the key set's Cache-Control max-age has passed", async () => {
      const sut = jwksAt('/jwks');
      cacheControl = 'public, max-age=120, must-revalidate';
      await jwtVerify(await idToken(oldKey), sut.getKey);
      published = { keys: [newKey.publicJwk] };

      now += 119_000;
      await expect(jwtVerify(await idToken(oldKey), sut.getKey)).resolves.toBeDefined();
      now += 2_000;
      await expect(jwtVerify(await idToken(oldKey), sut.getKey)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
      expect(jwksRequests).toBe(2);
    });

    it('should keep a key set for at least the floor, even when it says no-store', async () => {
      const sut = jwksAt('/jwks');
      cacheControl = 'no-store';
      for (const _ of [1, 2, 3]) await jwtVerify(await idToken(oldKey), sut.getKey);
      now += MIN_KEY_SET_LIFETIME_MS - 1;
      await jwtVerify(await idToken(oldKey), sut.getKey);

      expect(jwksRequests).toBe(1);
    });

    it('should count a key set fetched before the clock stepped back from now, not from the future', async () => {
      const sut = jwksAt('/jwks', { ...POLICY, cooldownMs: 0 });
      now += 2 * 3600_000;
      await jwtVerify(await idToken(oldKey), sut.getKey);
      now -= 2 * 3600_000;
      published = { keys: [newKey.publicJwk] };

      await expect(jwtVerify(await idToken(newKey, 'rotated'), sut.getKey)).resolves.toMatchObject({ payload: { sub: 'rotated' } });
      expect(jwksRequests).toBe(2);
    });

    it('should fail with provider_unavailable when the key set holds something other than keys', async () => {
      published = { keys: [1, 'two'] };

      await expect(jwtVerify(await idToken(oldKey), jwksAt('/jwks').getKey)).rejects.toMatchObject({ code: 'provider_unavailable' });
    });

    it('should fail with provider_unavailable when the answer is not a key set', async () => {
      const sut = jwksAt('/.well-known/openid-configuration');

      const error = await jwtVerify(await idToken(oldKey), sut.getKey).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'provider_unavailable', message: 'google published no usable signing keys (HTTP 200)' });
    });
  });
});

describe(keySetLifetimeMs.name, () => {
  const CEILING = 600_000;

  it.each([
    ['nothing said', undefined, CEILING],
    ['max-age within bounds', 'public, max-age=300', 300_000],
    ['max-age below the floor', 'max-age=5', MIN_KEY_SET_LIFETIME_MS],
    ['max-age above our ceiling', 'public, max-age=86400', CEILING],
    ['no-store', 'no-store', MIN_KEY_SET_LIFETIME_MS],
    ['no-cache with a max-age', 'max-age=3600, no-cache', MIN_KEY_SET_LIFETIME_MS],
    ['a malformed max-age', 'max-age=soon', CEILING],
    ['directives in capitals', 'Public, Max-Age=120', 120_000],
  ])('should keep a key set for its Cache-Control within bounds: %s', (_what, header, expected) => {
    expect(keySetLifetimeMs(header, CEILING)).toBe(expected);
  });

  it('should never keep a key set longer than a ceiling below the floor', () => {
    expect(keySetLifetimeMs('no-store', 10_000)).toBe(10_000);
  });
});
