import type { Setting } from './setting.js';

/** Our tokens and keys, the login rules, the browser flows, the authorization server and the development helpers. */
export const AUTH_SETTINGS: Setting[] = [
  { name: 'JWT_PRIVATE_KEYS', group: 'Tokens and keys', default: 'generated in development', secret: true, description: 'PEM private keys, \\n escapes allowed; the first signs, all verify. Make one with: node dist/cli/keys.js generate', production: true },
  { name: 'ENCRYPTION_KEYS', group: 'Tokens and keys', default: 'a fixed development key', secret: true, description: 'id:base64(32 bytes)[,id:key…] sealing provider tokens at rest; the first encrypts, all decrypt', production: true },
  { name: 'JWT_ISSUER', group: 'Tokens and keys', default: 'PUBLIC_URL', example: 'https://auth.example.com', description: "iss of our access tokens, and our authorization server's issuer" },
  { name: 'JWT_AUDIENCE', group: 'Tokens and keys', default: 'nest-social-auth', description: 'aud of our access tokens' },
  { name: 'JWT_ALGORITHM', group: 'Tokens and keys', default: 'ES256', description: 'ES256 (P-256) or RS256 (RSA 2048 or more)' },
  { name: 'JWT_KEYS_DIR', group: 'Tokens and keys', default: './data/keys', description: 'where a development key is generated and kept when JWT_PRIVATE_KEYS is empty' },
  { name: 'JWT_ACCESS_TTL_SECONDS', group: 'Tokens and keys', default: '900', description: 'access-token lifetime' },
  { name: 'JWT_CHECK_SESSION', group: 'Tokens and keys', default: 'false', description: "check on every request that the token's session is still live" },
  { name: 'JWT_SESSION_CHECK_CACHE_MS', group: 'Tokens and keys', default: '5000', description: 'how long one such check is cached' },
  { name: 'REFRESH_TTL_SECONDS', group: 'Tokens and keys', default: '2592000', description: 'refresh-token lifetime (30 days)' },
  { name: 'REFRESH_REUSE_GRACE_SECONDS', group: 'Tokens and keys', default: '0', description: 'a refresh token re-presented this soon after rotation is refused without ending the session (ADR 0003)' },

  { name: 'LOGIN_PIPELINE', group: 'Login', default: 'the ten built-in steps', description: 'the association steps, in order' },
  { name: 'LOGIN_ALLOWED_EMAIL_DOMAINS', group: 'Login', default: '', example: 'example.com', description: 'admit only verified emails of these domains' },
  { name: 'LOGIN_ALLOWED_EMAILS', group: 'Login', default: '', description: 'admit only these verified email addresses' },
  { name: 'LOGIN_PROTECTED_USER_FIELDS', group: 'Login', default: '', example: 'name,picture', description: 'profile fields a provider may not overwrite' },
  { name: 'LOGIN_NONCE_REQUIRED', group: 'Login', default: 'false', description: 'refuse ID tokens without one of our nonces' },
  { name: 'LOGIN_NONCE_TTL_SECONDS', group: 'Login', default: '600', description: 'nonce lifetime' },
  { name: 'LOGIN_PENDING_TTL_SECONDS', group: 'Login', default: '600', description: 'lifetime of the pending_token of a paused login' },
  { name: 'LOGIN_LINK_TOKEN_TTL_SECONDS', group: 'Login', default: '600', description: 'lifetime of the link_token of an account_link_required answer' },

  { name: 'AUTH_RETURN_TO_URLS', group: 'Browser sign-in', default: '', example: 'https://app.example.com/signed-in', description: 'exact allow-list of frontend URLs the redirect flow may return to' },
  { name: 'AUTH_CODE_PKCE_REQUIRED', group: 'Browser sign-in', default: 'true', description: 'POST /auth/{provider}/code needs a code_verifier' },
  { name: 'AUTH_STATE_TTL_SECONDS', group: 'Browser sign-in', default: '600', description: "lifetime of a redirect flow's state and its cookie" },
  { name: 'AUTH_LOGIN_CODE_TTL_SECONDS', group: 'Browser sign-in', default: '30', description: 'lifetime of the one-time login code (at most 59)' },

  { name: 'OAUTH_SERVER_ENABLED', group: 'Authorization server', default: 'true', description: 'our OAuth 2.1 / OpenID Connect server for third-party applications at /oauth' },
  { name: 'ADMIN_USER_IDS', group: 'Authorization server', default: '', description: 'user ids holding the admin role (the applications admin API)' },
  { name: 'OAUTH_ACCESS_TOKEN_TTL_SECONDS', group: 'Authorization server', default: '900', description: 'third-party access-token lifetime' },
  { name: 'OAUTH_REFRESH_TOKEN_TTL_SECONDS', group: 'Authorization server', default: '2592000', description: 'third-party refresh-token (and grant) lifetime' },
  { name: 'OAUTH_SESSION_TTL_SECONDS', group: 'Authorization server', default: '86400', description: 'lifetime of a sign-in at /oauth' },
  { name: 'OAUTH_REFRESH_REUSE_GRACE_SECONDS', group: 'Authorization server', default: '0', description: 'a refresh token re-presented this soon after it was spent does not revoke the grant (ADR 0023)' },
  { name: 'OAUTH_DYNAMIC_REGISTRATION_ENABLED', group: 'Authorization server', default: 'false', description: 'dynamic client registration at /oauth/register (ADR 0024)' },
  { name: 'OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS', group: 'Authorization server', default: '', description: 'sha256:… hashes of the initial access tokens that may register a client (node dist/cli/apps.js initial-token)' },
  { name: 'OAUTH_CLIENT_CACHE_MS', group: 'Authorization server', default: '5000', description: "how long an instance remembers an application's registration" },
  { name: 'OAUTH_RESERVED_CLIENT_NAMES', group: 'Authorization server', default: 'nest-social-auth,Google,Facebook,GitHub,Apple,Microsoft', description: 'names an application (unless first-party) may not take or pass for: compared NFKC, case- and look-alike-insensitive, as whole words (ADR 0039)' },

  { name: 'DEMO_ENABLED', group: 'Development', default: 'true except in production', description: 'serve the demo page at /demo' },
  { name: 'DEV_IDP_ENABLED', group: 'Development', default: 'true in development only', description: 'the development identity provider, which signs anyone in (refused in production)' },
  { name: 'DEV_IDP_FORCE', group: 'Development', default: 'false', description: 'let production boot with the development identity provider' },
  { name: 'DEV_IDP_REDIRECT_URIS', group: 'Development', default: '', description: "your frontend's callback URLs, registered at the development identity provider" },
  // Holds the clients' secrets.
  { name: 'DEV_IDP_CLIENTS', group: 'Development', default: '', secret: true, description: 'other apps registered at the development identity provider, a JSON list (client_id, client_secret, redirect_uris, response_types, grant_types)' },
];
