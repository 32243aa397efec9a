/**
 * Apple's client secret is not a stored secret but a short ES256 JWT we sign with the team's private key:
 * https://developer.apple.com/documentation/accountorganizationaldatasharing/creating-a-client-secret
 * (header `kid`; `iss` team id, `sub` the client id, `aud` https://appleid.apple.com; at most six months).
 * Ours lives half an hour and is reused until five minutes before it expires: one signature per half hour, and a
 * leaked one is soon worthless.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export const APPLE_AUDIENCE = 'https://appleid.apple.com';
const LIFETIME_SECONDS = 30 * 60;
const RENEW_WITHIN_SECONDS = 5 * 60;

export interface AppleSigningKey {
  teamId: string;
  keyId: string;
  /** The Services ID (web) or bundle id (native) the code was issued to. */
  clientId: string;
  /** PKCS#8 PEM of the `.p8` file, from the environment. */
  privateKeyPem: string;
}

/** Why `pem` is not a P-256 private key (the only kind Apple issues for Sign in with Apple), or undefined. */
export function appleKeyProblem(pem: string): string | undefined {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      ? undefined
      : 'must be an EC P-256 private key (the .p8 file)';
  } catch {
    return 'must be a PEM private key (the .p8 file; "\\n" escapes allowed)';
  }
}

export class AppleClientSecret {
  private readonly key: KeyObject;
  private cached: { jwt: string; exp: number } | undefined;

  constructor(
    private readonly signing: AppleSigningKey,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createPrivateKey(signing.privateKeyPem);
  }

  async get(): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    if (this.cached && this.cached.exp - iat > RENEW_WITHIN_SECONDS) return this.cached.jwt;
    const exp = iat + LIFETIME_SECONDS;
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: this.signing.keyId })
      .setIssuer(this.signing.teamId)
      .setSubject(this.signing.clientId)
      .setAudience(APPLE_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    this.cached = { jwt, exp };
    return jwt;
  }
}
