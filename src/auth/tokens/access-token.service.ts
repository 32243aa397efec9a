import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppError } from '../../common/errors/app-error.js';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { SigningKeyService } from './signing-keys.service.js';

interface AccessClaims {
  sub: string;
  sid: string;
  jti: string;
}

/**
 * Our access tokens: short-lived JWTs with iss, aud, sub, exp, iat, jti and `sid` (the session, i.e. the
 * refresh-token family). Verification looks the key up by `kid` and pins the algorithm to that key's, so
 * `alg: none` and HS256-with-our-public-key tokens fail.
 */
@Injectable()
export class AccessTokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly keys: SigningKeyService,
  ) {}

  get ttlSeconds(): number {
    return this.config.jwt.accessTokenTtlSeconds;
  }

  sign(userId: string, sessionId: string): string {
    const key = this.keys.current;
    return this.jwt.sign({ sid: sessionId }, {
      privateKey: key.privateKey as unknown as string,
      algorithm: key.algorithm,
      keyid: key.kid,
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
      subject: userId,
      jwtid: randomUUID(),
      expiresIn: this.config.jwt.accessTokenTtlSeconds,
    });
  }

  verify(token: string): AuthenticatedUser {
    const key = this.keys.find(readKid(token));
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
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') throw new AppError('invalid_token', 'The access token is not valid');
    return { userId: claims.sub, sessionId: claims.sid, tokenId: claims.jti };
  }
}

function readKid(token: string): string | undefined {
  const header = token.split('.', 1)[0] ?? '';
  try {
    const kid: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
