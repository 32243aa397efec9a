import { redirectUriProblem } from '../redirect-uri.js';
import { bool, group, httpUrl, int, list, string, type Variable } from './setting.js';

/** Provider calls, and which providers PROVIDER_INSECURE_HTTP_ALLOWED lets use plain http in production. */
export const PROVIDERS = group('Providers', {
  PROVIDER_TIMEOUT_MS: int(5000, { min: 100, max: 60000 }).meta({
    description: 'timeout of every call to a provider (then 504 provider_timeout)',
  }),
  // 1 MiB: Google's key set is ~2 KB, a Graph profile far less; the floor leaves room for any real answer.
  PROVIDER_MAX_RESPONSE_BYTES: int(1024 * 1024, { min: 16 * 1024, max: 64 * 1024 * 1024 }).meta({
    description: 'longest provider answer read (16 KiB to 64 MiB)',
  }),
  PROVIDER_JWKS_CACHE_MAX_AGE_MS: int(10 * 60_000, { min: 0 }).meta({ description: "longest a provider's keys are cached" }),
  PROVIDER_JWKS_COOLDOWN_MS: int(30_000, { min: 0 }).meta({ description: 'an unknown kid refetches the keys at most this often' }),
  PROVIDER_INSECURE_HTTP_ALLOWED: list().meta({
    description: 'provider ids whose URLs may be plain http on a loopback host in production',
  }),
});

/**
 * The alias variables of a preset (`GOOGLE_*`): its clients, redirect URIs and scopes, then its own fields by their
 * variable's suffix, a URL standing for an endpoint with that default. Their defaults are the preset's defaults too
 * (src/config/providers-config.ts `aliasDefaults`); https in production is checked there.
 */
function alias(name: 'Google' | 'Facebook' | 'GitHub', scopes: string[], fields: Record<string, string | Variable>) {
  const prefix = name.toUpperCase();
  return group(name, {
    [`${prefix}_CLIENT_IDS`]: list().meta({ description: `comma-separated client ids; enables ${name}` }),
    [`${prefix}_CLIENT_SECRETS`]: list().meta({
      secret: true,
      description: `client secrets, in the order of ${prefix}_CLIENT_IDS${name === 'Google' ? '' : ' (one per id)'}`,
    }),
    [`${prefix}_REDIRECT_URIS`]: list([], redirectUriProblem).meta({
      description: 'exact allow-list of redirect URIs for POST /auth/{provider}/code',
    }),
    [`${prefix}_SCOPES`]: list(scopes).meta({ description: 'the scopes GET /auth/providers tells frontends to ask for' }),
    ...Object.fromEntries(
      Object.entries(fields).map(([suffix, field]) => [
        `${prefix}_${suffix}`,
        typeof field !== 'string'
          ? field
          : httpUrl(field).meta({
              description: `${name}'s ${suffix.replace(/_URL$/, '').toLowerCase().replace(/_/g, ' ')} endpoint (tests, egress proxies)`,
            }),
      ]),
    ),
  });
}

export const GOOGLE = alias('Google', ['openid', 'email', 'profile'], {
  TOKENINFO_URL: 'https://oauth2.googleapis.com/tokeninfo',
  USERINFO_URL: 'https://openidconnect.googleapis.com/v1/userinfo',
  JWKS_URL: 'https://www.googleapis.com/oauth2/v3/certs',
  TOKEN_URL: 'https://oauth2.googleapis.com/token',
  AUTHORIZATION_URL: 'https://accounts.google.com/o/oauth2/v2/auth',
  ISSUERS: list(['https://accounts.google.com', 'accounts.google.com']).meta({ description: 'accepted iss values of Google ID tokens' }),
});

export const FACEBOOK = alias('Facebook', ['email', 'public_profile'], {
  GRAPH_URL: 'https://graph.facebook.com/v21.0',
  JWKS_URL: 'https://limited.facebook.com/.well-known/oauth/openid/jwks/',
  AUTHORIZATION_URL: 'https://www.facebook.com/v21.0/dialog/oauth',
  ISSUER: string('https://www.facebook.com').meta({ description: 'issuer of Limited Login (iOS) tokens' }),
  TRUST_EMAIL: bool(false).meta({ description: 'treat Facebook emails as verified (and so linkable)' }),
});

export const GITHUB = alias('GitHub', ['read:user', 'user:email'], {
  API_URL: 'https://api.github.com',
  AUTHORIZATION_URL: 'https://github.com/login/oauth/authorize',
  TOKEN_URL: 'https://github.com/login/oauth/access_token',
});

/**
 * Providers declared by configuration (src/config/providers-file.ts). The `PROVIDER_<ID>_*` families are read by
 * name, each provider's own; their schemas here document them.
 */
export const DECLARED_PROVIDERS = group('Declared providers', {
  PROVIDERS_FILE: string(undefined).meta({
    example: './providers.yaml',
    description: 'JSON or YAML file declaring oidc, oauth2 and preset providers (docs/adding-a-provider.md)',
  }),
  PROVIDERS: list().meta({
    example: 'acme',
    description: 'ids of providers declared in the environment, each by PROVIDER_<ID>_<FIELD> variables',
  }),
  'PROVIDER_<ID>_<FIELD>': string(undefined).meta({
    description:
      "a declared provider's field: TYPE, PRESET, ISSUER, CLIENT_IDS, DISPLAY_NAME, SCOPES, … (every field of the file, as PROVIDER_<ID>_<FIELD>)",
  }),
  'PROVIDER_<ID>_TRUSTED_ENDPOINT_ORIGINS': list().meta({
    default: "the preset's",
    description: "oidc: origins besides the issuer's that its discovery document may send us to",
  }),
  'PROVIDER_<ID>_ACKNOWLEDGE_MUTABLE_SUBJECT': bool(false).meta({
    description: 'oauth2: accept a profile.uid that maps a reassignable value',
  }),
  'PROVIDER_<ID>_CLIENT_SECRET': string(undefined).meta({
    secret: true,
    description: "a declared provider's client secret (never in the file)",
  }),
  'PROVIDER_<ID>_PRIVATE_KEY': string(undefined).meta({
    secret: true,
    description: "an apple preset's Sign in with Apple key (.p8 PEM, never in the file)",
  }),
});
