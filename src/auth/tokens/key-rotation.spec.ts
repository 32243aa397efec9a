import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../config/app-config.js';
import { describeKeys, formatKeys, nextKeys } from './key-rotation.js';
import { generateSigningKeyPem } from './signing-keys.service.js';

describe('key rotation', () => {
  const old = generateSigningKeyPem('ES256');

  describe(nextKeys.name, () => {
    it('should stage a new key after the current ones, so it only verifies', () => {
      const staged = nextKeys('stage', [old], 'ES256');
      expect(staged).toHaveLength(2);
      expect(staged[0]).toBe(old);
      expect(describeKeys(staged, 'ES256')[1]).toMatch(/verifies only$/);
    });

    it('should promote the staged key to signing and keep the old one verifying', () => {
      const staged = nextKeys('stage', [old], 'ES256');
      expect(nextKeys('promote', staged, 'ES256')).toEqual([staged[1], old]);
    });

    it('should retire every key but the signing one', () => {
      const promoted = nextKeys('promote', nextKeys('stage', [old], 'ES256'), 'ES256');
      expect(nextKeys('retire', promoted, 'ES256')).toEqual([promoted[0]]);
    });

    it('should refuse to promote or retire without a staged key', () => {
      expect(() => nextKeys('promote', [old], 'ES256')).toThrow(/run "stage"/);
      expect(() => nextKeys('retire', [old], 'ES256')).toThrow(/run "stage"/);
    });
  });

  describe(formatKeys.name, () => {
    it('should print a value that loadConfig reads back as the same keys, in order', () => {
      const keys = nextKeys('stage', [old], 'ES256');
      const value = formatKeys(keys).replace(/^JWT_PRIVATE_KEYS="|"$/g, '');
      expect(value).not.toContain('\n');
      expect(loadConfig({ NODE_ENV: 'test', JWT_PRIVATE_KEYS: value }).jwt.privateKeys).toEqual(keys.map((k) => k.trim()));
    });
  });
});
