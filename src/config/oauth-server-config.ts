/**
 * Our own OAuth 2.1 / OpenID Connect authorization server for third-party applications (src/oauth-server/,
 * docs/oauth-server.md). Its variables are the catalogue's "Authorization server" group (settings/auth.settings.ts).
 */
import type { z } from 'zod';
import type { EnvReader } from './env-reader.js';
import type { AUTHORIZATION_SERVER } from './settings/auth.settings.js';
import { list } from './settings/setting.js';

const TOKEN_HASH = /^sha256:[A-Za-z0-9_-]{43}$/;

/** The configuration holds no usable token, only hashes (ADR 0024). */
export const initialAccessTokenHashes = list().refine((hashes) => hashes.every((hash) => TOKEN_HASH.test(hash)), {
  error: 'must list sha256:<base64url> hashes, as `npm run apps -- initial-token` prints them (never the tokens themselves)',
});

export function oauthServerConfig(env: z.output<typeof AUTHORIZATION_SERVER>, r: EnvReader) {
  const hashes = env.OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS;
  // Fail closed: open registration (no initial access token) is not offered.
  if (env.OAUTH_DYNAMIC_REGISTRATION_ENABLED && hashes.length === 0 && !r.hasProblem('OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS')) {
    r.problem(
      'OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS',
      'is required with OAUTH_DYNAMIC_REGISTRATION_ENABLED=true (registration needs an initial access token)',
    );
  }
  return {
    /** On by default: with no application registered it issues nothing. `OAUTH_SERVER_ENABLED=false` removes every route. */
    enabled: env.OAUTH_SERVER_ENABLED,
    /** Where oidc-provider's endpoints live (`/oauth/authorize`, `/oauth/token`…); discovery is at the root. */
    path: '/oauth',
    /** RFC 9068 access tokens for our API. */
    accessTokenTtlSeconds: env.OAUTH_ACCESS_TOKEN_TTL_SECONDS,
    /** Authorization codes: one minute (OAuth 2.1 recommends short; the client redeems at once). */
    codeTtlSeconds: 60,
    refreshTokenTtlSeconds: env.OAUTH_REFRESH_TOKEN_TTL_SECONDS,
    /** Lifetime of a sign-in at /oauth (its cookie): after it, the next authorization asks for a social sign-in again. */
    sessionTtlSeconds: env.OAUTH_SESSION_TTL_SECONDS,
    /** Users (by id) who hold the `admin` role: the admin API for applications. Empty: nobody (the CLI still works). */
    adminUserIds: env.ADMIN_USER_IDS,
    /**
     * A refresh token re-presented less than this long after it was spent (a retry, two requests racing) gets
     * `invalid_grant` without revoking the grant; later, reuse revokes it. 0: off (ADR 0023).
     */
    refreshReuseGraceSeconds: env.OAUTH_REFRESH_REUSE_GRACE_SECONDS,
    /**
     * Dynamic client registration (RFC 7591) and management (RFC 7592) at `/oauth/register`: off by default. When on,
     * registering needs an initial access token whose SHA-256 (`sha256:<base64url>`, as `npm run apps -- initial-token`
     * prints it) is listed here.
     */
    dynamicRegistration: { enabled: env.OAUTH_DYNAMIC_REGISTRATION_ENABLED, initialAccessTokenHashes: hashes },
    /** How long a registered application is remembered per instance; changes made elsewhere show after at most this. */
    clientCacheMs: env.OAUTH_CLIENT_CACHE_MS,
    /** Names no application but a first-party one may take, compared NFKC, case- and look-alike-insensitive (ADR 0039). */
    reservedClientNames: env.OAUTH_RESERVED_CLIENT_NAMES,
  };
}

/** oidc-provider refuses an issuer with a query or fragment; ours is JWT_ISSUER, the `iss` of our first-party tokens too. */
export function issuerProblem(issuer: string): string | undefined {
  const url = URL.parse(issuer);
  if (!url) return `must be a URL when the OAuth server is on (it is the server's issuer), got "${issuer}"`;
  if (/^https?:$/.test(url.protocol) && !url.search && !url.hash) return undefined;
  return 'must be an http(s) URL with no query or fragment when the OAuth server is on';
}
