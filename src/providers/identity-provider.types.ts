/**
 * What every identity provider hands the rest of the app: a verified identity, or an `AppError`.
 * Class names say "IdentityProvider" so they do not clash with Nest's own "providers".
 */

/** The provider's account, in our vocabulary. `uid` is the provider's stable id, never a login name or email. */
export interface NormalizedProfile {
  uid: string;
  /** Lower-cased. */
  email?: string;
  /** The provider says the address was verified. */
  emailVerified: boolean;
  /** Verified *and* this provider's policy trusts it enough to link to an existing account (see docs/email-trust.md). */
  emailTrustedForLinking: boolean;
  username?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  picture?: string;
}

export interface ProviderTokens {
  accessToken?: string;
  refreshToken?: string;
  expiresAt?: Date;
}

export interface VerifiedIdentity {
  provider: string;
  profile: NormalizedProfile;
  /** Stored encrypted on the social account so backend code can call the provider for the user later. */
  tokens: ProviderTokens;
  /** Provider facts worth keeping that are not part of the profile (hosted domain, scopes, ...). Never tokens. */
  extraData: Record<string, string | number | boolean | null | string[] | undefined>;
}

export type LoginFlow = 'token' | 'id_token';

/**
 * What a frontend needs to start a sign-in with a provider (`GET /auth/providers`). Public values only:
 * this is served to anyone, so never a secret.
 */
export interface ProviderDescription {
  type: 'built-in' | 'oidc';
  clientIds: string[];
  scopes: string[];
  /** Absent when it cannot be known now (a declared provider whose discovery document is unavailable). */
  authorizationEndpoint?: string;
}

export interface IdentityProvider {
  readonly id: string;
  readonly displayName: string;
  readonly flows: readonly LoginFlow[];
  /** Public facts for `GET /auth/providers`; may read cached discovery, never fails. */
  describe(): Promise<ProviderDescription>;
  /** Checks the token was issued to one of our client ids, then reads the profile. */
  verifyAccessToken?(accessToken: string): Promise<VerifiedIdentity>;
  /** Verifies an OpenID Connect ID token locally (signature against cached JWKS, iss, aud, exp). Returns its `nonce` claim for the caller to check. */
  verifyIdToken?(idToken: string): Promise<{ identity: VerifiedIdentity; nonce: string | undefined }>;
  /**
   * Trades a stored refresh token for a new access token (OAuth 2.0, RFC 6749 section 6). Throws
   * `provider_reauthentication_required` when the provider refuses the grant (revoked, expired).
   */
  refreshAccessToken?(refreshToken: string): Promise<ProviderTokens>;
  /**
   * For providers without refresh tokens (Facebook): trades a still-valid access token for a longer-lived one,
   * once it expires within `extendWithinMs`. `extraData` is what the login stored (e.g. the app id).
   */
  extendAccessToken?(accessToken: string, extraData: Record<string, unknown>): Promise<ProviderTokens>;
  readonly extendWithinMs?: number;
}

/** An identity back from JSON (a stored ticket): its token expiry is a string again. */
export function reviveIdentity(identity: VerifiedIdentity): VerifiedIdentity {
  if (identity.tokens.expiresAt) identity.tokens.expiresAt = new Date(identity.tokens.expiresAt);
  return identity;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
