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

/**
 * `token` / `id_token`: `POST /auth/{provider}/token`; `code`: `POST /auth/{provider}/code`;
 * `redirect`: `GET /auth/{provider}/authorize` and its callback (needs `code` and our callback URL at the provider).
 */
export type LoginFlow = 'token' | 'id_token' | 'code' | 'redirect';

/** Where the browser is sent (RFC 6749 4.1.1 with RFC 7636 S256, and OIDC Core 3.1.2.1 for the nonce). */
export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  /** BASE64URL(SHA256(verifier)): the method is always S256. */
  codeChallenge: string;
  /** Sent only to providers that answer with an ID token. */
  nonce?: string;
}

/** An authorization code and what must accompany it at the provider's token endpoint (RFC 6749 4.1.3). */
export interface CodeGrant {
  code: string;
  redirectUri: string;
  codeVerifier?: string;
  /** The rest of the callback's parameters, for providers that send more than code and state (Apple's `user`). */
  callbackParams?: Record<string, string>;
}

/**
 * The authorization-code flow of one provider, with our confidential client. Present only when a client
 * secret (or, for Apple, a signing key) is configured.
 */
export interface CodeFlow {
  /** The configured redirect URIs, the exact allow-list of `POST /auth/{provider}/code` (loopback: any port). */
  readonly redirectUris: readonly string[];
  /** The provider answers with an ID token: the redirect flow sends a nonce and the ID token must carry it back. */
  readonly returnsIdToken: boolean;
  /** `form_post` providers (Apple) call the callback with POST. */
  readonly responseMode?: 'query' | 'form_post';
  /** May read cached discovery, so it can fail with provider_unavailable / provider_timeout. */
  authorizationUrl(request: AuthorizationRequest): Promise<string>;
  /**
   * Exchanges the code with our client credentials (and the PKCE verifier), verifies what comes back (ID token
   * per OIDC Core 3.1.3.7, or the access token's owner) and reads the profile. Returns the ID token's `nonce`
   * claim for the caller to compare. A code the provider refuses is `invalid_authorization_code`.
   */
  exchangeCode(grant: CodeGrant): Promise<{ identity: VerifiedIdentity; nonce: string | undefined }>;
}

/**
 * What a frontend needs to start a sign-in with a provider (`GET /auth/providers`). Public values only:
 * this is served to anyone, so never a secret.
 */
export interface ProviderDescription {
  /** `oidc` / `oauth2`: declared by configuration, from scratch or from a preset. */
  type: 'built-in' | 'oidc' | 'oauth2';
  clientIds: string[];
  scopes: string[];
  /** Absent when it cannot be known now (a declared provider whose discovery document is unavailable). */
  authorizationEndpoint?: string;
}

export interface IdentityProvider {
  readonly id: string;
  readonly displayName: string;
  /** The token flows (`token`, `id_token`); `code` and `redirect` follow from `codeFlow`. */
  readonly flows: readonly LoginFlow[];
  /** Public facts for `GET /auth/providers`; may read cached discovery, never fails. */
  describe(): Promise<ProviderDescription>;
  /** Checks the token was issued to one of our client ids, then reads the profile. */
  verifyAccessToken?(accessToken: string): Promise<VerifiedIdentity>;
  /** Verifies an OpenID Connect ID token locally (signature against cached JWKS, iss, aud, exp). Returns its `nonce` claim for the caller to check. */
  verifyIdToken?(idToken: string): Promise<{ identity: VerifiedIdentity; nonce: string | undefined }>;
  /**
   * Trades a stored refresh token for a new access token (OAuth 2.0, RFC 6749 section 6); `extraData` is what the
   * login stored (the client id that holds the grant). Throws
   * `provider_reauthentication_required` when the provider refuses the grant (revoked, expired).
   */
  refreshAccessToken?(refreshToken: string, extraData?: Record<string, unknown>): Promise<ProviderTokens>;
  /**
   * For providers without refresh tokens (Facebook): trades a still-valid access token for a longer-lived one,
   * once it expires within `extendWithinMs`. `extraData` is what the login stored (e.g. the app id).
   */
  extendAccessToken?(accessToken: string, extraData: Record<string, unknown>): Promise<ProviderTokens>;
  readonly extendWithinMs?: number;
  /** The authorization-code flow; absent when we hold no client secret for this provider. */
  readonly codeFlow?: CodeFlow;
}

/** An identity back from JSON (a stored ticket): its token expiry is a string again. */
export function reviveIdentity(identity: VerifiedIdentity): VerifiedIdentity {
  if (identity.tokens.expiresAt) identity.tokens.expiresAt = new Date(identity.tokens.expiresAt);
  return identity;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
