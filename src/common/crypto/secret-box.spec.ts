import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../config/app-config.js';
import { SecretBox } from './secret-box.js';

const keyEntry = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const boxWith = (...entries: string[]) => new SecretBox(loadConfig({ NODE_ENV: 'test', ENCRYPTION_KEYS: entries.join(',') }));

/** Replaces one character of the ciphertext's data part, keeping it valid base64url. */
function tamper(ciphertext: string): string {
  const parts = ciphertext.split('.');
  const data = parts[4]!;
  parts[4] = (data[0] === 'A' ? 'B' : 'A') + data.slice(1);
  return parts.join('.');
}

describe(SecretBox.name, () => {
  const [oldKey, newKey] = [keyEntry('old'), keyEntry('new')];

  describe('encrypt', () => {
    it('should give a ciphertext that decrypts to the plaintext', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(sut.decrypt(sut.encrypt('ya29.access-token ✓'))).toBe('ya29.access-token ✓');
    });

    it('should give a different ciphertext each time', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(sut.encrypt('same token')).not.toBe(sut.encrypt('same token'));
    });

    it('should encrypt with the first configured key after a rotation', () => {
      const sut = boxWith(newKey, oldKey);

      const ciphertext = sut.encrypt('stored after rotation');

      expect(ciphertext.split('.')[1]).toBe('new');
      expect(boxWith(newKey).decrypt(ciphertext)).toBe('stored after rotation');
    });
  });

  describe('decrypt', () => {
    it('should decrypt with a rotated-out key what was encrypted before the rotation', () => {
      const ciphertext = boxWith(oldKey).encrypt('stored before rotation');
      const sut = boxWith(newKey, oldKey);

      expect(sut.decrypt(ciphertext)).toBe('stored before rotation');
    });

    it('should fail on a ciphertext whose tag was cut to 4 bytes', () => {
      const sut = boxWith(keyEntry('k1'));
      const parts = sut.encrypt('a provider token').split('.');
      parts[3] = Buffer.from(parts[3]!, 'base64url').subarray(0, 4).toString('base64url');

      expect(() => sut.decrypt(parts.join('.'))).toThrow();
    });

    it('should fail on a tampered ciphertext', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(() => sut.decrypt(tamper(sut.encrypt('a provider token')))).toThrow(/unable to authenticate/);
    });

    it('should fail on a ciphertext made with an unknown key id', () => {
      const sut = boxWith(keyEntry('mine'));
      const foreign = boxWith(keyEntry('theirs')).encrypt('a provider token');

      expect(() => sut.decrypt(foreign)).toThrow('unknown format or key id "theirs"');
    });

    it('should fail on text that is not a ciphertext', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(() => sut.decrypt('plain-token')).toThrow('Cannot decrypt');
    });
  });

  describe('encryptOptional', () => {
    it('should keep a missing value missing', () => {
      const sut = boxWith(keyEntry('k1'));

      expect([sut.encryptOptional(undefined), sut.encryptOptional(null), sut.encryptOptional('')]).toEqual([null, null, null]);
    });

    it('should encrypt a present value', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(sut.decrypt(sut.encryptOptional('refresh-token')!)).toBe('refresh-token');
    });
  });
});
