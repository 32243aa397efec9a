import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { problemsOf } from '../../test/support/config-problems.js';
import { DEFAULT_PIPELINE, loadConfig } from './app-config.js';

const encryptionKey = (id: string, bytes = 32) => ({ id, key: randomBytes(bytes) });
const encryptionEntry = ({ id, key }: { id: string; key: Buffer }) => `${id}:${key.toString('base64')}`;
const privateKeyPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();


const keysNamed = (problems: string[]) => problems.map((p) => p.split(' ')[0]);

describe(loadConfig.name, () => {
  describe('on an empty environment', () => {
    it('should use the development defaults', () => {
      const sut = loadConfig({});

      expect(sut.nodeEnv).toBe('development');
      expect(sut.http).toEqual({ host: '0.0.0.0', port: 3000, corsOrigins: [], trustProxy: false, shutdownTimeoutMs: 10_000 });
      expect(sut.redis.url).toBeUndefined();
      expect(sut.metrics).toEqual({ enabled: true, token: undefined, port: undefined });
      expect(sut.jwt).toMatchObject({ algorithm: 'ES256', accessTokenTtlSeconds: 900, privateKeys: [] });
      expect(sut.login.pipeline).toEqual(DEFAULT_PIPELINE);
      expect(sut.providers.timeoutMs).toBe(5000);
    });

    it('should fall back to one 32-byte development encryption key', () => {
      const sut = loadConfig({});

      expect(sut.encryption.keys).toHaveLength(1);
      expect(sut.encryption.keys[0]!.key).toHaveLength(32);
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
    it('should require JWT_PRIVATE_KEYS, ENCRYPTION_KEYS and a protected /metrics', () => {
      const problems = problemsOf({ NODE_ENV: 'production' });

      expect(keysNamed(problems).sort()).toEqual(['ENCRYPTION_KEYS', 'JWT_PRIVATE_KEYS', 'METRICS_TOKEN']);
    });

    it('should accept a configuration that has both', () => {
      const pem = privateKeyPem();
      const sut = loadConfig({ NODE_ENV: 'production', JWT_PRIVATE_KEYS: pem, ENCRYPTION_KEYS: encryptionEntry(encryptionKey('k1')), METRICS_PORT: '9464' });

      expect(sut.jwt.privateKeys).toEqual([pem.trim()]);
      expect(sut.database.runMigrationsOnStart).toBe(false);
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

      expect(sut.providers.github.clients).toEqual([{ id: 'gh-a', secret: 'secret-a' }, { id: 'gh-b', secret: 'secret-b' }]);
    });

    it('should refuse fewer GitHub client secrets than client ids', () => {
      const problems = problemsOf({ GITHUB_CLIENT_IDS: 'gh-a,gh-b', GITHUB_CLIENT_SECRETS: 'secret-a' });

      expect(keysNamed(problems)).toEqual(['GITHUB_CLIENT_SECRETS']);
    });
  });
});
