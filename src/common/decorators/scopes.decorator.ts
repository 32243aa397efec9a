import { SetMetadata } from '@nestjs/common';
import type { AuthenticatedUser } from './current-user.decorator.js';

export const REQUIRED_SCOPES = 'requiredScopes';

/**
 * The scopes a third-party application's token needs for this route (src/oauth-server/scopes.ts names them).
 * First-party tokens carry every scope. A route without `@Scopes()` takes first-party tokens only: an
 * application reaches nothing it was not explicitly given.
 */
export const Scopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/**
 * Verifies access tokens our authorization server issued to third-party applications (RFC 9068), for the global
 * guard; provided by src/oauth-server/ when it is on.
 */
export interface ThirdPartyTokenVerifier {
  /** Whether this token is one of them (it names a `client_id`); first-party tokens never do. */
  accepts(token: string): boolean;
  verify(token: string): Promise<AuthenticatedUser>;
}

export const THIRD_PARTY_TOKENS = Symbol('THIRD_PARTY_TOKENS');
