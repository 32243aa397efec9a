import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, SignJWT } from 'jose';
import { generateSigningKeyPem, toSigningKey, unverifiedHeader } from './signing-keys.service.js';

describe(toSigningKey.name, () => {
  // Ours is synchronous (keys are parsed once at construction, which jose's WebCrypto digest cannot be): ADR 0032.
  it.each(['RS256', 'ES256'] as const)('should name a %s key by its RFC 7638 thumbprint, as jose computes it', async (algorithm) => {
    const key = toSigningKey(generateSigningKeyPem(algorithm), algorithm, 0);

    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicKey.export({ format: 'jwk' }), 'sha256'));
  });
});

describe(unverifiedHeader.name, () => {
  it('should read the protected header without checking the signature', async () => {
    const key = toSigningKey(generateSigningKeyPem('ES256'), 'ES256', 0);
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' }).sign(key.privateKey);

    expect(unverifiedHeader(`${token.slice(0, -4)}AAAA`)).toEqual({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' });
  });

  it.each([
    ['not a token', 'garbage'],
    ['a header that is not JSON', 'bm90IGpzb24.e30.sig'],
    ['a header that is not an object', 'WzFd.e30.sig'],
  ])('should read nothing from %s', (_what, token) => {
    expect(unverifiedHeader(token)).toEqual({});
  });
});
