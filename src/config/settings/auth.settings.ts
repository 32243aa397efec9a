import { returnToUrls } from '../browser-flow-config.js';
import { devIdpClients } from '../dev-idp-clients.js';
import { initialAccessTokenHashes } from '../oauth-server-config.js';
import { redirectUriProblem } from '../redirect-uri.js';
import { bool, group, int, list, oneOf, string, variable } from './setting.js';

export const DEFAULT_PIPELINE = [
  'social_details',
  'social_uid',
  'auth_allowed',
  'social_user',
  'get_username',
  'associate_by_email',
  'create_user',
  'associate_user',
  'load_extra_data',
  'user_details',
];

/** Names that only a first-party application may take (ADR 0039): ours, and the providers users sign in with. */
export const DEFAULT_RESERVED_CLIENT_NAMES = ['nest-social-auth', 'Google', 'Facebook', 'GitHub', 'Apple', 'Microsoft'];

/** PEM keys separated by blank lines or given with literal "\n" (one-line env files). */
const pemList = variable<string[]>([], (value, report) => {
  const keys = value.replace(/\\n/g, '\n').match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g) ?? [];
  if (keys.length === 0) report('must hold one or more PEM private keys');
  return keys;
});

/**
 * `id1:base64key,id2:base64key`: the first encrypts, all decrypt, so a key can be rotated without re-encrypting old
 * rows at once. Keys are 32 bytes (AES-256-GCM). Unset: app-config.ts requires it in production, else a dev key.
 */
const encryptionKeys = variable<Array<{ id: string; key: Buffer }> | undefined>(undefined, (value, report) => {
  const keys = value.split(',').map((entry, i) => {
    const [id, b64] = entry.trim().split(':');
    const bytes = Buffer.from(b64 ?? '', 'base64');
    if (!id || bytes.length !== 32) report(`entry ${i + 1} must be id:base64 of exactly 32 bytes`);
    return { id: id ?? `k${i}`, key: bytes };
  });
  const ids = keys.map((k) => k.id);
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length > 0) report(`names key id "${repeated[0]}" twice; ids must be unique`);
  return keys;
});

const lowercaseList = list().transform((entries) => entries.map((entry) => entry.toLowerCase()));

/** Our tokens and keys, the login rules, the browser flows, the authorization server and the development helpers. */
export const TOKENS_AND_KEYS = group('Tokens and keys', {
  JWT_PRIVATE_KEYS: pemList.meta({
    default: 'generated in development',
    secret: true,
    description: 'PEM private keys, \\n escapes allowed; the first signs, all verify. Make one with: node dist/cli/keys.js generate',
    production: true,
  }),
  ENCRYPTION_KEYS: encryptionKeys.meta({
    default: 'a fixed development key',
    secret: true,
    description: 'id:base64(32 bytes)[,id:key…] sealing provider tokens at rest; the first encrypts, all decrypt',
    production: true,
  }),
  JWT_ISSUER: string(undefined).meta({
    default: 'PUBLIC_URL',
    example: 'https://auth.example.com',
    description: "iss of our access tokens, and our authorization server's issuer",
  }),
  JWT_AUDIENCE: string('nest-social-auth').meta({ description: 'aud of our access tokens' }),
  JWT_ALGORITHM: oneOf(['ES256', 'RS256'], 'ES256').meta({ description: 'ES256 (P-256) or RS256 (RSA 2048 or more)' }),
  JWT_KEYS_DIR: string('./data/keys').meta({ description: 'where a development key is generated and kept when JWT_PRIVATE_KEYS is empty' }),
  JWT_ACCESS_TTL_SECONDS: int(900, { min: 30, max: 86400 }).meta({ description: 'access-token lifetime' }),
  JWT_CHECK_SESSION: bool(false).meta({ description: "check on every request that the token's session is still live" }),
  JWT_SESSION_CHECK_CACHE_MS: int(5000, { min: 0, max: 300000 }).meta({ description: 'how long one such check is cached' }),
  REFRESH_TTL_SECONDS: int(30 * 86400, { min: 60 }).meta({ description: 'refresh-token lifetime (30 days)' }),
  REFRESH_REUSE_GRACE_SECONDS: int(0, { min: 0, max: 60 }).meta({
    description: 'a refresh token re-presented this soon after rotation is refused without ending the session (ADR 0003)',
  }),
});

export const LOGIN = group('Login', {
  LOGIN_PIPELINE: list(DEFAULT_PIPELINE).meta({ default: 'the ten built-in steps', description: 'the association steps, in order' }),
  LOGIN_ALLOWED_EMAIL_DOMAINS: lowercaseList.meta({ example: 'example.com', description: 'admit only verified emails of these domains' }),
  LOGIN_ALLOWED_EMAILS: lowercaseList.meta({ description: 'admit only these verified email addresses' }),
  LOGIN_PROTECTED_USER_FIELDS: list().meta({ example: 'name,picture', description: 'profile fields a provider may not overwrite' }),
  LOGIN_NONCE_REQUIRED: bool(false).meta({ description: 'refuse ID tokens without one of our nonces' }),
  LOGIN_NONCE_TTL_SECONDS: int(600, { min: 30, max: 3600 }).meta({ description: 'nonce lifetime' }),
  LOGIN_PENDING_TTL_SECONDS: int(600, { min: 1, max: 3600 }).meta({ description: 'lifetime of the pending_token of a paused login' }),
  LOGIN_LINK_TOKEN_TTL_SECONDS: int(600, { min: 1, max: 3600 }).meta({
    description: 'lifetime of the link_token of an account_link_required answer',
  }),
});

export const BROWSER_SIGN_IN = group('Browser sign-in', {
  AUTH_RETURN_TO_URLS: returnToUrls.meta({
    example: 'https://app.example.com/signed-in',
    description: 'exact allow-list of frontend URLs the redirect flow may return to',
  }),
  AUTH_CODE_PKCE_REQUIRED: bool(true).meta({ description: 'POST /auth/{provider}/code needs a code_verifier' }),
  AUTH_STATE_TTL_SECONDS: int(600, { min: 1, max: 1800 }).meta({ description: "lifetime of a redirect flow's state and its cookie" }),
  AUTH_LOGIN_CODE_TTL_SECONDS: int(30, { min: 1, max: 59 }).meta({ description: 'lifetime of the one-time login code (at most 59)' }),
});

export const AUTHORIZATION_SERVER = group('Authorization server', {
  OAUTH_SERVER_ENABLED: bool(true).meta({ description: 'our OAuth 2.1 / OpenID Connect server for third-party applications at /oauth' }),
  ADMIN_USER_IDS: list().meta({ description: 'user ids holding the admin role (the applications admin API)' }),
  OAUTH_ACCESS_TOKEN_TTL_SECONDS: int(900, { min: 30, max: 86400 }).meta({ description: 'third-party access-token lifetime' }),
  OAUTH_REFRESH_TOKEN_TTL_SECONDS: int(30 * 86400, { min: 60 }).meta({ description: 'third-party refresh-token (and grant) lifetime' }),
  OAUTH_SESSION_TTL_SECONDS: int(86400, { min: 60, max: 30 * 86400 }).meta({ description: 'lifetime of a sign-in at /oauth' }),
  OAUTH_REFRESH_REUSE_GRACE_SECONDS: int(0, { min: 0, max: 60 }).meta({
    description: 'a refresh token re-presented this soon after it was spent does not revoke the grant (ADR 0023)',
  }),
  OAUTH_DYNAMIC_REGISTRATION_ENABLED: bool(false).meta({ description: 'dynamic client registration at /oauth/register (ADR 0024)' }),
  OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS: initialAccessTokenHashes.meta({
    description: 'sha256:… hashes of the initial access tokens that may register a client (node dist/cli/apps.js initial-token)',
  }),
  OAUTH_CLIENT_CACHE_MS: int(5000, { min: 0, max: 300_000 }).meta({
    description: "how long an instance remembers an application's registration",
  }),
  OAUTH_RESERVED_CLIENT_NAMES: list(DEFAULT_RESERVED_CLIENT_NAMES).meta({
    description:
      'names an application (unless first-party) may not take or pass for: compared NFKC, case- and look-alike-insensitive, as whole words (ADR 0039)',
  }),
});

export const DEVELOPMENT = group('Development', {
  DEMO_ENABLED: bool(undefined).meta({ default: 'true except in production', description: 'serve the demo page at /demo' }),
  DEV_IDP_ENABLED: bool(undefined).meta({
    default: 'true in development only',
    description: 'the development identity provider, which signs anyone in (refused in production)',
  }),
  DEV_IDP_FORCE: bool(false).meta({ description: 'let production boot with the development identity provider' }),
  DEV_IDP_REDIRECT_URIS: list([], redirectUriProblem).meta({
    description: "your frontend's callback URLs, registered at the development identity provider",
  }),
  // Holds the clients' secrets.
  DEV_IDP_CLIENTS: devIdpClients.meta({
    secret: true,
    description:
      'other apps registered at the development identity provider, a JSON list (client_id, client_secret, redirect_uris, response_types, grant_types)',
  }),
});
