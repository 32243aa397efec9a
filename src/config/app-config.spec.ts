import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { keysNamed, PRODUCTION_ENV, problemsOf as problemsOfAny } from '../../test/support/config-problems.js';
import { DEFAULT_PIPELINE, loadConfig as loadAnyConfig } from './app-config.js';

const encryptionKey = (id: string, bytes = 32) => ({ id, key: randomBytes(bytes) });
const encryptionEntry = ({ id, key }: { id: string; key: Buffer }) => `${id}:${key.toString('base64')}`;
const privateKeyPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

// Most cases are about one setting, not the environment: they run in development, where no key is required.
const loadConfig = (env: NodeJS.ProcessEnv) => loadAnyConfig({ NODE_ENV: 'development', ...env });
const problemsOf = (env: NodeJS.ProcessEnv) => problemsOfAny({ NODE_ENV: 'development', ...env });

describe(loadConfig.name, () => {
  describe('without NODE_ENV', () => {
    it('should be production: refuse to boot without keys, a database and an external URL, naming each', () => {
      const problems = problemsOfAny({});

      expect(keysNamed(problems).sort()).toEqual(['DATABASE_URL', 'ENCRYPTION_KEYS', 'JWT_PRIVATE_KEYS', 'METRICS_TOKEN', 'PUBLIC_URL']);
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^ENCRYPTION_KEYS is required in production/),
          expect.stringMatching(/^JWT_PRIVATE_KEYS is required in production/),
        ]),
      );
      expect(() => loadAnyConfig({})).toThrow(
        /^Invalid configuration \(NODE_ENV is not set, so production rules apply; `npm start` sets NODE_ENV=development/,
      );
    });

    it('should switch off every development convenience once the production settings are there', () => {
      const sut = loadAnyConfig(PRODUCTION_ENV);

      expect(sut.nodeEnv).toBe('production');
      expect([sut.browser.devIdp.enabled, sut.browser.demo.enabled, sut.database.runMigrationsOnStart]).toEqual([false, false, false]);
      expect(sut.http.host).toBe('0.0.0.0');
    });

    it('should serve no OpenAPI document unless OPENAPI_ENABLED asks for it (on in development and tests)', () => {
      expect(loadAnyConfig(PRODUCTION_ENV).openapi.enabled).toBe(false);
      expect(loadAnyConfig({ ...PRODUCTION_ENV, OPENAPI_ENABLED: 'true' }).openapi.enabled).toBe(true);
      expect([loadConfig({}).openapi.enabled, loadAnyConfig({ NODE_ENV: 'test' }).openapi.enabled]).toEqual([true, true]);
    });
  });

  describe('in development', () => {
    it('should use the development defaults, listening on this machine only', () => {
      const sut = loadConfig({});

      expect(sut.nodeEnv).toBe('development');
      expect(sut.http).toEqual({ host: '127.0.0.1', port: 3000, corsOrigins: [], trustProxy: false, shutdownTimeoutMs: 10_000 });
      expect(sut.browser.devIdp.enabled).toBe(true);
      expect(sut.redis.url).toBeUndefined();
      expect(sut.metrics).toEqual({ enabled: true, token: undefined, port: undefined });
      expect(sut.jwt).toMatchObject({ algorithm: 'ES256', accessTokenTtlSeconds: 900, privateKeys: [] });
      expect(sut.login.pipeline).toEqual(DEFAULT_PIPELINE);
      expect(sut.providers.timeoutMs).toBe(5000);
    });

    it('should listen on every interface only when HOST says so', () => {
      expect(loadConfig({ HOST: '0.0.0.0' }).http.host).toBe('0.0.0.0');
      expect(loadAnyConfig({ NODE_ENV: 'test' }).http.host).toBe('127.0.0.1');
    });

    it('should fall back to one 32-byte development encryption key', () => {
      const sut = loadConfig({});

      expect(sut.encryption.keys).toHaveLength(1);
      expect(sut.encryption.keys[0].key).toHaveLength(32);
    });

    it('should enable no provider', () => {
      const sut = loadConfig({});

      expect([sut.providers.google.enabled, sut.providers.facebook.enabled, sut.providers.github.enabled]).toEqual([false, false, false]);
    });
  });

  describe('with bad values', () => {
    it('should report every bad key together in one ConfigError', () => {
      const problems = problemsOf({ PORT: 'eighty', JWT_ALGORITHM: 'HS256', FACEBOOK_CLIENT_IDS: 'fb-web,fb-ios' });

      expect(keysNamed(problems).sort()).toEqual(['FACEBOOK_CLIENT_SECRETS', 'JWT_ALGORITHM', 'PORT']);
    });

    it('should name every problem in the error message', () => {
      expect(() => loadConfig({ PORT: '70000', JWT_ALGORITHM: 'none' })).toThrow(/PORT[\s\S]*JWT_ALGORITHM/);
    });
  });

  describe('in production', () => {
    const production = (env: NodeJS.ProcessEnv) => ({ ...PRODUCTION_ENV, NODE_ENV: 'production', ...env });

    it('should require JWT_PRIVATE_KEYS, ENCRYPTION_KEYS and a protected /metrics', () => {
      const problems = problemsOfAny(production({ JWT_PRIVATE_KEYS: undefined, ENCRYPTION_KEYS: undefined, METRICS_TOKEN: undefined }));

      expect(keysNamed(problems).sort()).toEqual(['ENCRYPTION_KEYS', 'JWT_PRIVATE_KEYS', 'METRICS_TOKEN']);
    });

    it('should accept a configuration that has both', () => {
      const pem = privateKeyPem();
      const sut = loadAnyConfig(
        production({
          JWT_PRIVATE_KEYS: pem,
          ENCRYPTION_KEYS: encryptionEntry(encryptionKey('k1')),
          METRICS_TOKEN: undefined,
          METRICS_PORT: '9464',
        }),
      );

      expect(sut.jwt.privateKeys).toEqual([pem.trim()]);
      expect(sut.database.runMigrationsOnStart).toBe(false);
    });

    it('should refuse SQLite (a forgotten DATABASE_URL) unless DATABASE_ALLOW_SQLITE_IN_PRODUCTION says it is meant', () => {
      expect(problemsOfAny(production({ DATABASE_URL: undefined }))).toEqual([
        expect.stringMatching(/^DATABASE_URL is required in production: .*DATABASE_ALLOW_SQLITE_IN_PRODUCTION=true/),
      ]);
      expect(loadAnyConfig(production({ DATABASE_URL: undefined, DATABASE_ALLOW_SQLITE_IN_PRODUCTION: 'true' })).database).toMatchObject({
        url: undefined,
        allowSqliteInProduction: true,
      });
    });

    it('should take PUBLIC_URL as the issuer when JWT_ISSUER is not set, never a localhost default', () => {
      expect(loadAnyConfig(production({ PUBLIC_URL: 'https://auth.example.com/' })).jwt.issuer).toBe('https://auth.example.com');
      expect(
        loadAnyConfig(production({ PUBLIC_URL: 'https://auth.example.com', JWT_ISSUER: 'https://issuer.example.com' })).jwt.issuer,
      ).toBe('https://issuer.example.com');
    });

    it("should require an https PUBLIC_URL, which the state cookie's Secure flag and our callback URLs follow", () => {
      expect(problemsOfAny(production({ PUBLIC_URL: undefined }))).toEqual([
        expect.stringMatching(/^PUBLIC_URL is required in production/),
      ]);
      expect(problemsOfAny(production({ PUBLIC_URL: 'http://auth.example.com' }))).toEqual([
        'PUBLIC_URL must be https in production, got "http://auth.example.com"',
      ]);
    });

    it('should refuse a plain-http CORS origin off this machine, and accept loopback ones for local frontends', () => {
      expect(problemsOfAny(production({ CORS_ORIGINS: 'https://app.example.com,http://app.example.com' }))).toEqual([
        expect.stringMatching(/^CORS_ORIGINS has "http:\/\/app.example.com": must be https in production/),
      ]);
      expect(loadAnyConfig(production({ CORS_ORIGINS: 'https://app.example.com,http://localhost:5173' })).http.corsOrigins).toEqual([
        'https://app.example.com',
        'http://localhost:5173',
      ]);
    });
  });

  describe('a bad value in production', () => {
    it('should be named once, for what is wrong with it, not also as missing', () => {
      expect(problemsOfAny({ ...PRODUCTION_ENV, ENCRYPTION_KEYS: 'k1:c2hvcnQ=' })).toEqual([
        'ENCRYPTION_KEYS entry 1 must be id:base64 of exactly 32 bytes',
      ]);
      expect(problemsOfAny({ ...PRODUCTION_ENV, PUBLIC_URL: 'auth.example.com' })).toEqual([
        'PUBLIC_URL must be an http(s) URL, got "auth.example.com"',
      ]);
      expect(problemsOfAny({ ...PRODUCTION_ENV, JWT_PRIVATE_KEYS: 'not a key' })).toEqual([
        'JWT_PRIVATE_KEYS must hold one or more PEM private keys',
      ]);
    });
  });

  describe('TRUST_PROXY', () => {
    it('should refuse true in production, where any client could pick its own address with one header', () => {
      expect(problemsOfAny({ ...PRODUCTION_ENV, TRUST_PROXY: 'true' })).toEqual([
        expect.stringMatching(/^TRUST_PROXY must not be true in production: it trusts every X-Forwarded-For entry/),
      ]);
      expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    });

    it("should take the proxies' addresses, ranges and proxy-addr's named ranges, and refuse anything else", () => {
      expect(loadAnyConfig({ ...PRODUCTION_ENV, TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,fd00::/8,uniquelocal' }).http.trustProxy).toEqual([
        '10.0.0.0/8',
        '192.168.1.5',
        'fd00::/8',
        'uniquelocal',
      ]);
      expect(problemsOf({ TRUST_PROXY: '10.0.0.0/33' })).toEqual([expect.stringContaining('"10.0.0.0/33" is none of these')]);
      expect(problemsOf({ TRUST_PROXY: '2' })).toEqual([expect.stringContaining('"2" is none of these')]);
      expect(loadConfig({}).http.trustProxy).toBe(false);
    });
  });

  describe('CORS_ORIGINS', () => {
    it.each([
      ['a wildcard', '*', 'no wildcard'],
      ['"null", what sandboxed iframes and file: pages send', 'null', 'no wildcard and no "null"'],
      ['a URL with a path', 'https://app.example.com/app', 'each must be an origin'],
      ['a trailing slash, which no Origin header has', 'https://app.example.com/', 'each must be an origin'],
    ])('should refuse %s', (_case, origin, expected) => {
      expect(problemsOf({ CORS_ORIGINS: origin })).toEqual([expect.stringContaining(expected)]);
    });
  });

  describe('ENCRYPTION_KEYS', () => {
    it('should parse id:base64 entries in order', () => {
      const [current, previous] = [encryptionKey('new'), encryptionKey('old')];

      const sut = loadConfig({ ENCRYPTION_KEYS: `${encryptionEntry(current)}, ${encryptionEntry(previous)}` });

      expect(sut.encryption.keys).toEqual([current, previous]);
    });

    it('should refuse a key that is not 32 bytes', () => {
      const problems = problemsOf({ ENCRYPTION_KEYS: encryptionEntry(encryptionKey('short', 16)) });

      expect(problems).toEqual([expect.stringMatching(/^ENCRYPTION_KEYS entry 1 /)]);
    });

    it('should refuse the same key id twice', () => {
      const problems = problemsOf({ ENCRYPTION_KEYS: `${encryptionEntry(encryptionKey('a'))},${encryptionEntry(encryptionKey('a'))}` });

      expect(problems).toEqual([expect.stringMatching(/^ENCRYPTION_KEYS names key id "a" twice/)]);
    });

    it('should refuse an entry without an id', () => {
      const problems = problemsOf({ ENCRYPTION_KEYS: `${encryptionEntry(encryptionKey('ok'))},${encryptionEntry(encryptionKey(''))}` });

      expect(problems).toEqual([expect.stringMatching(/^ENCRYPTION_KEYS entry 2 /)]);
    });
  });

  describe('providers', () => {
    it('should enable a provider given client ids', () => {
      const sut = loadConfig({ GOOGLE_CLIENT_IDS: 'web.apps, ios.apps' });

      expect(sut.providers.google.enabled).toBe(true);
      expect(sut.providers.google.clients.map((c) => c.id)).toEqual(['web.apps', 'ios.apps']);
      expect(sut.providers.github.enabled).toBe(false);
    });

    it('should pair GitHub client secrets with client ids', () => {
      const sut = loadConfig({ GITHUB_CLIENT_IDS: 'gh-a,gh-b', GITHUB_CLIENT_SECRETS: 'secret-a,secret-b' });

      expect(sut.providers.github.clients).toEqual([
        { id: 'gh-a', secret: 'secret-a' },
        { id: 'gh-b', secret: 'secret-b' },
      ]);
    });

    it('should refuse fewer GitHub client secrets than client ids', () => {
      const problems = problemsOf({ GITHUB_CLIENT_IDS: 'gh-a,gh-b', GITHUB_CLIENT_SECRETS: 'secret-a' });

      expect(keysNamed(problems)).toEqual(['GITHUB_CLIENT_SECRETS']);
    });
  });
});
