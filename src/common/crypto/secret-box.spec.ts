import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { legacySeal } from '../../../test/support/legacy-seal.js';
import { loadConfig } from '../../config/app-config.js';
import { SecretBox, type SealedPlace } from './secret-box.js';

const keyEntry = (id: string, key = randomBytes(32)) => `${id}:${key.toString('base64')}`;
const boxWith = (...entries: string[]) => new SecretBox(loadConfig({ NODE_ENV: 'test', ENCRYPTION_KEYS: entries.join(',') }));
const ROW_1: SealedPlace = { purpose: 'social_accounts.accessTokenEncrypted', id: 'row-1' };

/** Replaces one character of the ciphertext's data part, keeping it valid base64url. */
function tamper(ciphertext: string): string {
  const parts = ciphertext.split('.');
  const data = parts[4];
  parts[4] = (data[0] === 'A' ? 'B' : 'A') + data.slice(1);
  return parts.join('.');
}

describe(SecretBox.name, () => {
  const [oldKey, newKey] = [keyEntry('old'), keyEntry('new')];

  describe('seal', () => {
    it('should give a ciphertext that opens to the plaintext at its place, not stale', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(sut.open(sut.seal('ya29.access-token ✓', ROW_1), ROW_1)).toEqual({ plaintext: 'ya29.access-token ✓', stale: false });
    });

    it('should give a different ciphertext each time', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(sut.seal('same token', ROW_1)).not.toBe(sut.seal('same token', ROW_1));
    });

    it('should seal with the first configured key after a rotation', () => {
      const sut = boxWith(newKey, oldKey);

      const ciphertext = sut.seal('stored after rotation', ROW_1);

      expect(ciphertext.split('.').slice(0, 2)).toEqual(['v2', 'new']);
      expect(boxWith(newKey).open(ciphertext, ROW_1).plaintext).toBe('stored after rotation');
    });
  });

  describe('open', () => {
    it('should open with a rotated-out key what was sealed before the rotation, and call it stale', () => {
      const ciphertext = boxWith(oldKey).seal('stored before rotation', ROW_1);
      const sut = boxWith(newKey, oldKey);

      expect(sut.open(ciphertext, ROW_1)).toEqual({ plaintext: 'stored before rotation', stale: true });
    });

    it.each([
      ['another row', { ...ROW_1, id: 'row-2' }],
      ['another column', { ...ROW_1, purpose: 'social_accounts.refreshTokenEncrypted' }],
      ['another ticket kind', { purpose: 'ticket:link-token', id: 'row-1' }],
    ])('should fail on a ciphertext sealed for another place: %s', (_, elsewhere) => {
      const sut = boxWith(keyEntry('k1'));

      expect(() => sut.open(sut.seal('a provider token', ROW_1), elsewhere)).toThrow(/unable to authenticate/);
    });

    it('should fail on a place that only reads the same when its parts are joined', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(() => sut.open(sut.seal('a provider token', { purpose: 'ticket:a', id: 'b:c' }), { purpose: 'ticket:a:b', id: 'c' })).toThrow(
        /unable to authenticate/,
      );
    });

    it('should open a legacy ciphertext (bound to its key id only) anywhere, and call it stale', () => {
      const key = randomBytes(32);
      const sut = boxWith(keyEntry('k1', key));

      expect(sut.open(legacySeal('k1', key, 'sealed before places'), ROW_1)).toEqual({ plaintext: 'sealed before places', stale: true });
    });

    it('should fail on a bound ciphertext relabelled legacy to skip the place check', () => {
      const sut = boxWith(keyEntry('k1'));
      const relabelled = sut.seal('a provider token', ROW_1).replace(/^v2\./, 'v1.');

      expect(() => sut.open(relabelled, { ...ROW_1, id: 'row-2' })).toThrow(/unable to authenticate/);
    });

    it('should fail on a ciphertext whose tag was cut to 4 bytes', () => {
      const sut = boxWith(keyEntry('k1'));
      const parts = sut.seal('a provider token', ROW_1).split('.');
      parts[3] = Buffer.from(parts[3], 'base64url').subarray(0, 4).toString('base64url');

      expect(() => sut.open(parts.join('.'), ROW_1)).toThrow();
    });

    it('should fail on a tampered ciphertext', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(() => sut.open(tamper(sut.seal('a provider token', ROW_1)), ROW_1)).toThrow(/unable to authenticate/);
    });

    it('should fail on a ciphertext made with an unknown key id', () => {
      const sut = boxWith(keyEntry('mine'));
      const foreign = boxWith(keyEntry('theirs')).seal('a provider token', ROW_1);

      expect(() => sut.open(foreign, ROW_1)).toThrow('unknown format or key id "theirs"');
    });

    it('should fail on text that is not a ciphertext', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(() => sut.open('plain-token', ROW_1)).toThrow('Cannot decrypt');
    });
  });

  describe('sealOptional', () => {
    it('should keep a missing value missing', () => {
      const sut = boxWith(keyEntry('k1'));

      expect([sut.sealOptional(undefined, ROW_1), sut.sealOptional(null, ROW_1), sut.sealOptional('', ROW_1)]).toEqual([null, null, null]);
    });

    it('should seal a present value', () => {
      const sut = boxWith(keyEntry('k1'));

      expect(sut.open(sut.sealOptional('refresh-token', ROW_1)!, ROW_1).plaintext).toBe('refresh-token');
    });
  });
});
