import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import jws from 'jws';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { AppError } from '../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { SigningKeyService, unverifiedHeader } from './signing-keys.service.js';

interface AccessClaims {
  sub: string;
  exp: number;
  sid: string;
  jti: string;
}

/**
 * Our access tokens: short-lived JWTs with iss, aud, sub, exp, iat, jti and `sid` (the session, i.e. the
 * refresh-token family). Verification looks the key up by `kid` and pins the algorithm to that key's, so
 * `alg: none` and HS256-with-our-public-key tokens fail. Typed `at+jwt` (RFC 9068 §2.1) and required to be
 * (RFC 8725 §3.11): no other JWT signed with our keys (an ID token of ours one day) passes for an access token.
 */
const VERIFIED_CACHE_SIZE = 5_000;
const TYP = 'at+jwt';

@Injectable()
export class AccessTokenService {
  private readonly verified = new Map<string, { auth: AuthenticatedUser; expiresAt: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly keys: SigningKeyService,
  ) {}

  get ttlSeconds(): number {
    return this.config.jwt.accessTokenTtlSeconds;
  }

  /**
   * Signed by `jws`, the JWS library under jsonwebtoken, with the claims set here: jsonwebtoken's `sign` (through
   * @nestjs/jwt) spent as long re-checking and merging its options as signing (≈ 75 µs a login against ≈ 45 µs;
   * docs/decisions/0006, "Login path, fourth pass"). Same header and claims, in the same order; `verify` still
   * goes through jsonwebtoken's full checks.
   */
  sign(userId: string, sessionId: string): string {
    const key = this.keys.current;
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      sid: sessionId,
      iat,
      exp: iat + this.config.jwt.accessTokenTtlSeconds,
      aud: this.config.jwt.audience,
      iss: this.config.jwt.issuer,
      sub: userId,
      jti: randomUUID(),
    };
    return jws.sign({
      header: { alg: key.algorithm, typ: TYP, kid: key.kid },
      payload: JSON.stringify(claims),
      privateKey: key.privateKey,
    });
  }

  /**
   * Verifies an access token. A token that verified once is remembered, by its exact text (signature included),
   * until its own `exp`: the ES256 check costs ~50 µs, more than the rest of a guarded request, and the same
   * token comes back on every call of a session. Bounded, oldest first out. Only tokens that passed every check
   * (their `typ` too) get in, and the key is the whole text, header included: the cache skips no check.
   */
  verify(token: string): AuthenticatedUser {
    const remembered = this.remembered(token);
    if (remembered) return remembered;
    const { auth, exp } = this.verifySignatureAndClaims(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { auth, expiresAt: exp * 1000 });
    return auth;
  }

  /**
   * The user of a token that verified before and has not expired since, without any other work; `undefined` for
   * any other token. Every token in here passed every check of `verify`, so the guard can answer from it alone.
   */
  remembered(token: string): AuthenticatedUser | undefined {
    const hit = this.verified.get(token);
    if (hit === undefined) return undefined;
    if (hit.expiresAt > Date.now()) return hit.auth;
    this.verified.delete(token);
    return undefined;
  }

  private verifySignatureAndClaims(token: string): { auth: AuthenticatedUser; exp: number } {
    const header = unverifiedHeader(token);
    // RFC 9068 §4: "at+jwt" or "application/at+jwt", media types compare case-insensitively (RFC 7515 §4.1.9).
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
    if (typ !== TYP && typ !== `application/${TYP}`) throw new AppError('invalid_token', 'The access token is not valid');
    const key = this.keys.find(typeof header.kid === 'string' ? header.kid : undefined);
    if (!key) throw new AppError('invalid_token', 'The access token is not signed by a key of ours');
    let claims: AccessClaims;
    try {
      claims = this.jwt.verify<AccessClaims & object>(token, {
        // jsonwebtoken takes a KeyObject (parsed once) though @nestjs/jwt types it as string | Buffer.
        publicKey: key.publicKey as unknown as string,
        algorithms: [key.algorithm],
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
      });
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw new AppError('invalid_token', expired ? 'The access token has expired' : 'The access token is not valid', { cause: error });
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.exp !== 'number')
      throw new AppError('invalid_token', 'The access token is not valid');
    return { auth: { userId: claims.sub, sessionId: claims.sid, tokenId: claims.jti }, exp: claims.exp };
  }
}
