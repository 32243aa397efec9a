/**
 * Built-in providers are switched on by giving them a client id. Every endpoint URL defaults to the real
 * provider and can be pointed elsewhere (tests, corporate egress proxies).
 */
import type { EnvReader } from './env-reader.js';
import { httpsUrlProblem } from './custom-provider-config.js';
import { BUILT_IN_PROVIDERS, parseCustomProviders, type CustomProviderConfig } from './providers-file.js';
import { redirectUriProblem } from './redirect-uri.js';

export interface ProviderClient {
  id: string;
  /** Needed where the provider checks tokens with the app's credentials (Facebook, GitHub). */
  secret?: string;
}

interface BaseProviderConfig {
  enabled: boolean;
  /** Every token must have been issued to one of these (web, iOS, Android apps of one product). */
  clients: ProviderClient[];
  /** What `GET /auth/providers` tells a frontend to start a sign-in with (public values only). */
  authorizationUrl: string;
  scopes: string[];
  /** Exact allow-list for `POST /auth/{provider}/code` (frontends and native apps); our own callback is always allowed for the redirect flow. */
  redirectUris: string[];
}

export interface GoogleConfig extends BaseProviderConfig {
  tokeninfoUrl: string;
  userinfoUrl: string;
  jwksUrl: string;
  issuers: string[];
  /** Refresh-token grant; needs the client's secret in GOOGLE_CLIENT_SECRETS. */
  tokenUrl: string;
}

export interface FacebookConfig extends BaseProviderConfig {
  graphUrl: string;
  /** Facebook does not say whether an email was verified; off by default so it never links accounts. */
  trustEmail: boolean;
  /** Limited Login (iOS): its OIDC-style tokens are verified against these keys and this issuer. */
  jwksUrl: string;
  issuer: string;
}

export interface GitHubConfig extends BaseProviderConfig {
  apiUrl: string;
  /** Code exchange: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github */
  tokenUrl: string;
}

export interface ProvidersConfig {
  timeoutMs: number;
  /** A provider answer (JSON, keys, discovery) longer than this is refused unread: `502 provider_unavailable`. */
  maxResponseBytes: number;
  jwksCacheMaxAgeMs: number;
  jwksCooldownMs: number;
  google: GoogleConfig;
  facebook: FacebookConfig;
  github: GitHubConfig;
  /** Providers declared by configuration (`PROVIDERS_FILE`, `PROVIDERS`): src/config/providers-file.ts. */
  custom: CustomProviderConfig[];
}

function readClients(r: EnvReader, prefix: string, secretRequired: boolean): ProviderClient[] {
  const ids = r.list(`${prefix}_CLIENT_IDS`, []);
  const secrets = r.list(`${prefix}_CLIENT_SECRETS`, []);
  if (ids.length > 0 && secretRequired && secrets.length !== ids.length) {
    r.problem(`${prefix}_CLIENT_SECRETS`, `must list one secret per client id in ${prefix}_CLIENT_IDS (${ids.length})`);
  }
  return ids.map((id, i) => ({ id, secret: secrets[i] }));
}

function readRedirectUris(r: EnvReader, prefix: string): string[] {
  const uris = r.list(`${prefix}_REDIRECT_URIS`, []);
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) r.problem(`${prefix}_REDIRECT_URIS`, problem);
  }
  return uris;
}

/**
 * A built-in provider's endpoint: https, or http on a loopback host (fakes, sidecars) outside production or for a
 * provider PROVIDER_INSECURE_HTTP_ALLOWED names. Our client secret and users' tokens travel to these URLs.
 */
function endpoint(r: EnvReader, key: string, fallback: string, httpAllowed: boolean): string {
  const value = r.url(key, fallback);
  const problem = URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) ? httpsUrlProblem(value, httpAllowed) : undefined;
  if (problem) r.problem(key, problem);
  return value;
}

/** PROVIDER_INSECURE_HTTP_ALLOWED may only name providers that exist: a typo would otherwise go unnoticed. */
function checkInsecureHttpAllowed(r: EnvReader, ids: string[], declared: string[]): void {
  const known = [...BUILT_IN_PROVIDERS, ...declared];
  for (const id of ids.filter((id) => !known.includes(id))) r.problem('PROVIDER_INSECURE_HTTP_ALLOWED', `names "${id}", which is not a configured provider`);
}

export function parseProvidersConfig(r: EnvReader, production: boolean): ProvidersConfig {
  const google = readClients(r, 'GOOGLE', false);
  const facebook = readClients(r, 'FACEBOOK', true);
  const github = readClients(r, 'GITHUB', true);
  const insecureHttpAllowed = r.list('PROVIDER_INSECURE_HTTP_ALLOWED', []);
  const httpAllowed = (id: string) => !production || insecureHttpAllowed.includes(id);
  const url = (id: string) => (key: string, fallback: string) => endpoint(r, key, fallback, httpAllowed(id));
  const [googleUrl, facebookUrl, githubUrl] = [url('google'), url('facebook'), url('github')];
  const declared: string[] = [];
  const custom = parseCustomProviders(r, { production, insecureHttpAllowed }, declared);
  checkInsecureHttpAllowed(r, insecureHttpAllowed, declared);
  return {
    timeoutMs: r.int('PROVIDER_TIMEOUT_MS', 5000, { min: 100, max: 60000 }),
    // 1 MiB: Google's key set is ~2 KB, a Graph profile far less; the floor leaves room for any real answer.
    maxResponseBytes: r.int('PROVIDER_MAX_RESPONSE_BYTES', 1024 * 1024, { min: 16 * 1024, max: 64 * 1024 * 1024 }),
    jwksCacheMaxAgeMs: r.int('PROVIDER_JWKS_CACHE_MAX_AGE_MS', 10 * 60_000, { min: 0 }),
    jwksCooldownMs: r.int('PROVIDER_JWKS_COOLDOWN_MS', 30_000, { min: 0 }),
    google: {
      enabled: google.length > 0,
      clients: google,
      tokeninfoUrl: googleUrl('GOOGLE_TOKENINFO_URL', 'https://oauth2.googleapis.com/tokeninfo'),
      userinfoUrl: googleUrl('GOOGLE_USERINFO_URL', 'https://openidconnect.googleapis.com/v1/userinfo'),
      jwksUrl: googleUrl('GOOGLE_JWKS_URL', 'https://www.googleapis.com/oauth2/v3/certs'),
      // Google documents both forms of its issuer: https://developers.google.com/identity/gsi/web/guides/verify-google-id-token
      issuers: r.list('GOOGLE_ISSUERS', ['https://accounts.google.com', 'accounts.google.com']),
      tokenUrl: googleUrl('GOOGLE_TOKEN_URL', 'https://oauth2.googleapis.com/token'),
      authorizationUrl: googleUrl('GOOGLE_AUTHORIZATION_URL', 'https://accounts.google.com/o/oauth2/v2/auth'),
      scopes: r.list('GOOGLE_SCOPES', ['openid', 'email', 'profile']),
      redirectUris: readRedirectUris(r, 'GOOGLE'),
    },
    facebook: {
      enabled: facebook.length > 0,
      clients: facebook,
      graphUrl: facebookUrl('FACEBOOK_GRAPH_URL', 'https://graph.facebook.com/v21.0'),
      trustEmail: r.bool('FACEBOOK_TRUST_EMAIL', false),
      // https://developers.facebook.com/docs/facebook-login/limited-login/token/validating
      jwksUrl: facebookUrl('FACEBOOK_JWKS_URL', 'https://limited.facebook.com/.well-known/oauth/openid/jwks/'),
      issuer: r.string('FACEBOOK_ISSUER', 'https://www.facebook.com'),
      authorizationUrl: facebookUrl('FACEBOOK_AUTHORIZATION_URL', 'https://www.facebook.com/v21.0/dialog/oauth'),
      scopes: r.list('FACEBOOK_SCOPES', ['email', 'public_profile']),
      redirectUris: readRedirectUris(r, 'FACEBOOK'),
    },
    github: {
      enabled: github.length > 0,
      clients: github,
      apiUrl: githubUrl('GITHUB_API_URL', 'https://api.github.com'),
      authorizationUrl: githubUrl('GITHUB_AUTHORIZATION_URL', 'https://github.com/login/oauth/authorize'),
      scopes: r.list('GITHUB_SCOPES', ['read:user', 'user:email']),
      redirectUris: readRedirectUris(r, 'GITHUB'),
      tokenUrl: githubUrl('GITHUB_TOKEN_URL', 'https://github.com/login/oauth/access_token'),
    },
    custom,
  };
}
