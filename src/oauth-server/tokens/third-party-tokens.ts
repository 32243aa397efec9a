import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { SigningKeyService, unverifiedHeader } from '../../auth/tokens/signing-keys.service.js';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import type { ThirdPartyTokenVerifier } from '../../common/decorators/scopes.decorator.js';
import { AppError } from '../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { UsersService } from '../../users/users.service.js';
import { ApplicationsService } from '../applications/applications.service.js';
import { apiResource } from '../scopes.js';
import { userIsActive } from './account-state.js';
import { GrantLiveness } from './grant-liveness.js';

interface ThirdPartyClaims extends JWTPayload {
  client_id?: string;
  scope?: string;
  gid?: string;
}

/**
 * RFC 9068 access tokens our authorization server issued to a third-party application, at our API: `typ: at+jwt`
 * (so an ID token, `typ: JWT`, is never one), our key by `kid` with its algorithm pinned, `iss` = our issuer,
 * `aud` = our API's resource indicator, unexpired; then its grant must still be live (GrantLiveness), or for a
 * client_credentials token, its application must still exist; and a user's token, its user must still be active.
 */
@Injectable()
export class ThirdPartyAccessTokens implements ThirdPartyTokenVerifier {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: SigningKeyService,
    private readonly grants: GrantLiveness,
    private readonly applications: ApplicationsService,
    private readonly users: UsersService,
  ) {}

  accepts(token: string): boolean {
    try {
      return typeof decodeJwt<ThirdPartyClaims>(token).client_id === 'string';
    } catch {
      return false;
    }
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    const claims = await this.verifySignatureAndClaims(token);
    const clientId = claims.client_id!;
    const live = claims.gid ? await this.grants.get(claims.gid) : (await this.applications.clientMetadata(clientId)) !== undefined;
    if (!live) throw new AppError('invalid_token', 'This authorization has been revoked');
    // A grant ends with its user: checked on every use, uncached, since a deactivation is announced nowhere (ADR 0039).
    if (claims.gid && !(await userIsActive(this.users, claims.sub!)))
      throw new AppError('invalid_token', 'This authorization has ended: its account is no longer active');
    return {
      userId: claims.sub!,
      sessionId: claims.gid ?? '',
      tokenId: claims.jti ?? '',
      clientId,
      scopes: (claims.scope ?? '').split(' ').filter(Boolean),
    };
  }

  private async verifySignatureAndClaims(token: string): Promise<ThirdPartyClaims> {
    const { kid } = unverifiedHeader(token);
    const key = this.keys.find(typeof kid === 'string' ? kid : undefined);
    if (!key) throw new AppError('invalid_token', 'The access token is not signed by a key of ours');
    try {
      const { payload } = await jwtVerify<ThirdPartyClaims>(token, key.publicKey, {
        algorithms: [key.algorithm],
        typ: 'at+jwt',
        issuer: this.config.jwt.issuer,
        audience: apiResource(this.config),
        requiredClaims: ['sub', 'client_id', 'exp', 'jti'],
      });
      return payload;
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired;
      throw new AppError('invalid_token', expired ? 'The access token has expired' : 'The access token is not valid', { cause: error });
    }
  }
}
