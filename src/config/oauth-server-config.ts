/**
 * Our own OAuth 2.1 / OpenID Connect authorization server for third-party applications (src/oauth-server/,
 * docs/oauth-server.md). Parsed with the rest of the configuration in app-config.ts.
 */
import { DEFAULT_RESERVED_CLIENT_NAMES } from '../oauth-server/applications/client-name-policy.js';
import type { EnvReader } from './env-reader.js';

export interface OAuthServerConfig {
  /** On by default: with no application registered it issues nothing. `OAUTH_SERVER_ENABLED=false` removes every route. */
  enabled: boolean;
  /** Where oidc-provider's endpoints live (`/oauth/authorize`, `/oauth/token`…); discovery is at the root. */
  path: string;
  /** RFC 9068 access tokens for our API. */
  accessTokenTtlSeconds: number;
  /** Authorization codes: one minute (OAuth 2.1 recommends short; the client redeems at once). */
  codeTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Lifetime of a sign-in at /oauth (its cookie): after it, the next authorization asks for a social sign-in again. */
  sessionTtlSeconds: number;
  /** Users (by id) who hold the `admin` role: the admin API for applications. Empty: nobody (the CLI still works). */
  adminUserIds: string[];
  /**
   * A refresh token re-presented less than this long after it was spent (a retry, two requests racing) gets
   * `invalid_grant` without revoking the grant; later, reuse revokes it. 0: off (ADR 0023).
   */
  refreshReuseGraceSeconds: number;
  /**
   * Dynamic client registration (RFC 7591) and management (RFC 7592) at `/oauth/register`: off by default. When on,
   * registering needs an initial access token whose SHA-256 (`sha256:<base64url>`, as `npm run apps -- initial-token`
   * prints it) is listed here: the configuration holds no usable token (ADR 0024).
   */
  dynamicRegistration: { enabled: boolean; initialAccessTokenHashes: string[] };
  /** How long a registered application is remembered per instance; changes made elsewhere show after at most this. */
  clientCacheMs: number;
  /** Names no application but a first-party one may take, compared NFKC, case- and look-alike-insensitive (ADR 0039). */
  reservedClientNames: string[];
}

export function parseOAuthServerConfig(r: EnvReader): OAuthServerConfig {
  return {
    enabled: r.bool('OAUTH_SERVER_ENABLED', true),
    path: '/oauth',
    accessTokenTtlSeconds: r.int('OAUTH_ACCESS_TOKEN_TTL_SECONDS', 900, { min: 30, max: 86400 }),
    codeTtlSeconds: 60,
    refreshTokenTtlSeconds: r.int('OAUTH_REFRESH_TOKEN_TTL_SECONDS', 30 * 86400, { min: 60 }),
    sessionTtlSeconds: r.int('OAUTH_SESSION_TTL_SECONDS', 86400, { min: 60, max: 30 * 86400 }),
    adminUserIds: r.list('ADMIN_USER_IDS', []),
    refreshReuseGraceSeconds: r.int('OAUTH_REFRESH_REUSE_GRACE_SECONDS', 0, { min: 0, max: 60 }),
    dynamicRegistration: parseDynamicRegistration(r),
    clientCacheMs: r.int('OAUTH_CLIENT_CACHE_MS', 5000, { min: 0, max: 300_000 }),
    reservedClientNames: r.list('OAUTH_RESERVED_CLIENT_NAMES', DEFAULT_RESERVED_CLIENT_NAMES),
  };
}

const TOKEN_HASH = /^sha256:[A-Za-z0-9_-]{43}$/;

function parseDynamicRegistration(r: EnvReader): OAuthServerConfig['dynamicRegistration'] {
  const enabled = r.bool('OAUTH_DYNAMIC_REGISTRATION_ENABLED', false);
  const initialAccessTokenHashes = r.list('OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS', []);
  const bad = initialAccessTokenHashes.find((hash) => !TOKEN_HASH.test(hash));
  if (bad !== undefined) r.problem('OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS', 'must list sha256:<base64url> hashes, as `npm run apps -- initial-token` prints them (never the tokens themselves)');
  // Fail closed: open registration (no initial access token) is not offered.
  if (enabled && initialAccessTokenHashes.length === 0) r.problem('OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS', 'is required with OAUTH_DYNAMIC_REGISTRATION_ENABLED=true (registration needs an initial access token)');
  return { enabled, initialAccessTokenHashes };
}

/** oidc-provider refuses an issuer with a query or fragment; ours is JWT_ISSUER, the `iss` of our first-party tokens too. */
export function issuerProblem(issuer: string): string | undefined {
  if (!URL.canParse(issuer)) return `must be a URL when the OAuth server is on (it is the server's issuer), got "${issuer}"`;
  const url = new URL(issuer);
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash) return 'must be an http(s) URL with no query or fragment when the OAuth server is on';
  return undefined;
}
