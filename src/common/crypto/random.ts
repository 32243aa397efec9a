import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits from the OS CSPRNG, base64url: refresh tokens, nonces, state. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens we store are hashed: a leaked table cannot be replayed. SHA-256 suffices for 256-bit random input. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * SHA-256 of a credential for one use other than its own lookup (a rate-limit counter, say), labelled with that
 * use: the same token hashed for two uses gives unrelated values, so a reader of one store (Redis keys) does not
 * learn another's lookup keys (`refresh_tokens.tokenHash`, the one-time store's `<kind>:<sha256>`).
 */
export function labelledHash(purpose: string, value: string): string {
  return createHash('sha256').update(`${purpose}\0`).update(value).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
