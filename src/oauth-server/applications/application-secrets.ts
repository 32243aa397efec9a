import { randomToken, safeEqual, sha256 } from '../../common/crypto/random.js';

/**
 * Client secrets are 256 random bits, shown once and stored as `sha256:<base64url>`: a fast hash suffices for
 * input of that entropy (a slow KDF protects guessable passwords, which these are not). The stored hash is what
 * oidc-provider holds as `client_secret`, so anything that would use the secret as a key (HS* ID tokens,
 * `client_secret_jwt`) is turned off (docs/decisions/0019-oauth-client-secrets-hashed.md).
 */
export const newClientSecret = (): string => randomToken(32);

export const hashClientSecret = (secret: string): string => `sha256:${sha256(secret)}`;

export const clientSecretMatches = (stored: string | undefined, presented: string): boolean =>
  stored?.startsWith('sha256:') === true && safeEqual(stored, hashClientSecret(presented));
