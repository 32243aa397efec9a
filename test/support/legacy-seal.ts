import { createCipheriv, randomBytes } from 'node:crypto';

/**
 * A ciphertext as `SecretBox` wrote it before seals were bound to their place (`v1`: the additional data is the
 * key id only), so tests can show such rows and tickets still open and get sealed again.
 */
export function legacySeal(keyId: string, key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(keyId));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}
