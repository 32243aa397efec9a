import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { APPLE_AUDIENCE, AppleClientSecret, appleKeyProblem } from './apple-client-secret.js';

const team = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const SIGNING = {
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  clientId: 'com.example.web',
  privateKeyPem: team.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};
const T0 = Date.UTC(2026, 0, 1);

describe(AppleClientSecret.name, () => {
  describe('get', () => {
    it("should be an ES256 JWT of the team for the client, verifiable with the team's public key", async () => {
      const sut = new AppleClientSecret(SIGNING, () => T0);

      const jwt = await sut.get();

      const { payload } = await jwtVerify(jwt, team.publicKey, { algorithms: ['ES256'], currentDate: new Date(T0) });
      expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: 'KEY1234567' });
      expect(payload).toEqual({ iss: 'TEAM123456', sub: 'com.example.web', aud: APPLE_AUDIENCE, iat: T0 / 1000, exp: T0 / 1000 + 1800 });
    });

    it('should reuse the secret until five minutes before it expires, then sign a new one', async () => {
      let now = T0;
      const sut = new AppleClientSecret(SIGNING, () => now);
      const first = await sut.get();

      now = T0 + 24 * 60_000;
      expect(await sut.get()).toBe(first);
      now = T0 + 26 * 60_000;
      expect(await sut.get()).not.toBe(first);
    });
  });

  describe(appleKeyProblem.name, () => {
    it('should accept only a P-256 private key', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

      expect(appleKeyProblem(SIGNING.privateKeyPem)).toBeUndefined();
      expect(appleKeyProblem(rsa)).toMatch(/P-256/);
      expect(appleKeyProblem('not a key')).toMatch(/PEM/);
    });
  });
});
