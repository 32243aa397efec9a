/**
 * Facebook Limited Login (iOS SDK): an OIDC-style JWT signed RS256 by keys Facebook publishes at
 * https://limited.facebook.com/.well-known/oauth/openid/jwks/, issuer https://www.facebook.com, `aud` the app id,
 * `sub` the app-scoped user id. https://developers.facebook.com/docs/facebook-login/limited-login/token
 */
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

export interface LimitedLoginSignOptions {
  /** Header `kid`; defaults to the published key's. */
  kid?: string;
  /** Sign with a key Facebook never published (under the given or published kid). */
  unpublishedKey?: boolean;
}

const now = (): number => Math.floor(Date.now() / 1000);

export class FacebookLimitedLogin {
  readonly issuer = 'https://www.facebook.com';
  private readonly kid = randomBytes(20).toString('hex');
  private readonly key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private unpublished: KeyObject | undefined;

  constructor(private readonly appId: string) {}

  jwks(): { keys: unknown[] } {
    return { keys: [{ ...this.key.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' }] };
  }

  /** Defaults: our app, issued now, one hour, a fresh `jti`; `claims` override any of them. */
  sign(claims: Record<string, unknown>, opts: LimitedLoginSignOptions = {}): Promise<string> {
    const payload = { iss: this.issuer, aud: this.appId, iat: now(), exp: now() + 3600, jti: randomUUID(), ...claims } as JWTPayload;
    this.unpublished ??= opts.unpublishedKey ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : undefined;
    const key = opts.unpublishedKey ? this.unpublished! : this.key.privateKey;
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: opts.kid ?? this.kid }).sign(key);
  }
}
