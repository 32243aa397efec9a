/**
 * Provider calls, and which providers exist. Google, Facebook and GitHub are presets like any other
 * (src/providers/presets/); their documented `GOOGLE_*`, `FACEBOOK_*` and `GITHUB_*` variables are aliases that
 * declare them, read here from the settings catalogue (ADR 0034). Every endpoint URL defaults to the real
 * provider and can be pointed elsewhere (tests, corporate egress proxies).
 */
import { httpsUrlProblem } from './custom-provider-config.js';
import type { EnvReader } from './env-reader.js';
import type { PresetCatalog } from './preset-spec.js';
import { BUILT_IN_PROVIDERS, parseCustomProviders, type CustomProviderConfig } from './providers-file.js';
import { redirectUriProblem } from './redirect-uri.js';
import { PROVIDER_SETTINGS } from './settings/providers.settings.js';

export interface ProviderClient {
  id: string;
  /** Needed where the provider checks tokens with the app's credentials (Facebook, GitHub). */
  secret?: string;
}

/**
 * A preset declared by its alias variables (`GOOGLE_CLIENT_IDS`, …): the preset's options, as the preset of the
 * same name reads them (src/providers/presets/google.ts and its two siblings). Enabled by giving it client ids.
 */
export interface AliasDeclaration {
  enabled: boolean;
  /** Every token must have been issued to one of these (web, iOS, Android apps of one product). */
  clients: ProviderClient[];
  /** What `GET /auth/providers` tells a frontend to start a sign-in with (public values only). */
  authorizationUrl: string;
  scopes: string[];
  /** Exact allow-list for `POST /auth/{provider}/code` (frontends and native apps); our own callback is always allowed for the redirect flow. */
  redirectUris: string[];
  /** The preset's own fields (`tokeninfoUrl`, `graphUrl`, `trustEmail`, …). */
  [field: string]: unknown;
}

export interface ProvidersConfig {
  timeoutMs: number;
  /** A provider answer (JSON, keys, discovery) longer than this is refused unread: `502 provider_unavailable`. */
  maxResponseBytes: number;
  jwksCacheMaxAgeMs: number;
  jwksCooldownMs: number;
  google: AliasDeclaration;
  facebook: AliasDeclaration;
  github: AliasDeclaration;
  /** Providers declared by configuration (`PROVIDERS_FILE`, `PROVIDERS`): src/config/providers-file.ts. */
  custom: CustomProviderConfig[];
}

type AliasKind = 'url' | 'list' | 'flag' | 'text';

/**
 * The alias variables of the three oldest presets: `<PREFIX>_<FIELD>` (`tokeninfoUrl` → `GOOGLE_TOKENINFO_URL`),
 * each with its default from the settings catalogue. Secrets: Facebook and GitHub check tokens with each app's.
 */
const ALIASES: Record<string, { secretRequired: boolean; fields: Record<string, AliasKind> }> = {
  google: {
    secretRequired: false,
    fields: {
      tokeninfoUrl: 'url',
      userinfoUrl: 'url',
      jwksUrl: 'url',
      issuers: 'list',
      tokenUrl: 'url',
      authorizationUrl: 'url',
      scopes: 'list',
    },
  },
  facebook: {
    secretRequired: true,
    fields: { graphUrl: 'url', trustEmail: 'flag', jwksUrl: 'url', issuer: 'text', authorizationUrl: 'url', scopes: 'list' },
  },
  github: { secretRequired: true, fields: { apiUrl: 'url', authorizationUrl: 'url', scopes: 'list', tokenUrl: 'url' } },
};

const variable = (prefix: string, field: string) => `${prefix}_${field.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
const documentedDefault = (key: string) => PROVIDER_SETTINGS.find((s) => s.name === key)!.default;

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
 * An alias's endpoint: https, or http on a loopback host (fakes, sidecars) outside production or for a provider
 * PROVIDER_INSECURE_HTTP_ALLOWED names. Our client secret and users' tokens travel to these URLs.
 */
function endpoint(r: EnvReader, key: string, httpAllowed: boolean): string {
  const value = r.url(key, documentedDefault(key));
  const problem = URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) ? httpsUrlProblem(value, httpAllowed) : undefined;
  if (problem) r.problem(key, problem);
  return value;
}

function readAlias(r: EnvReader, id: string, httpAllowed: boolean): AliasDeclaration {
  const prefix = id.toUpperCase();
  const clients = readClients(r, prefix, ALIASES[id].secretRequired);
  const fields = Object.entries(ALIASES[id].fields).map(([field, kind]) => {
    const key = variable(prefix, field);
    if (kind === 'url') return [field, endpoint(r, key, httpAllowed)];
    if (kind === 'list') return [field, r.list(key, documentedDefault(key).split(','))];
    if (kind === 'flag') return [field, r.bool(key, documentedDefault(key) === 'true')];
    return [field, r.string(key, documentedDefault(key))];
  });
  const declaration = Object.fromEntries(fields) as Pick<AliasDeclaration, 'authorizationUrl' | 'scopes'>;
  return { ...declaration, enabled: clients.length > 0, clients, redirectUris: readRedirectUris(r, prefix) };
}

/** The documented defaults of an alias's fields (`aliasDefaults('google').jwksUrl`): the preset's defaults too. */
export function aliasDefaults(id: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(ALIASES[id].fields).map(([field, kind]) => {
      const value = documentedDefault(variable(id.toUpperCase(), field));
      return [field, kind === 'list' ? value.split(',') : kind === 'flag' ? value === 'true' : value];
    }),
  );
}

/** PROVIDER_INSECURE_HTTP_ALLOWED may only name providers that exist: a typo would otherwise go unnoticed. */
function checkInsecureHttpAllowed(r: EnvReader, ids: string[], declared: string[]): void {
  const known = [...BUILT_IN_PROVIDERS, ...declared];
  for (const id of ids.filter((id) => !known.includes(id)))
    r.problem('PROVIDER_INSECURE_HTTP_ALLOWED', `names "${id}", which is not a configured provider`);
}

/** `presets`: the table declarations may name (src/providers/presets/index.ts), handed in by the caller of `loadConfig`. */
export function parseProvidersConfig(r: EnvReader, production: boolean, presets: PresetCatalog): ProvidersConfig {
  const insecureHttpAllowed = r.list('PROVIDER_INSECURE_HTTP_ALLOWED', []);
  const httpAllowed = (id: string) => !production || insecureHttpAllowed.includes(id);
  const [google, facebook, github] = BUILT_IN_PROVIDERS.map((id) => readAlias(r, id, httpAllowed(id)));
  const declared: string[] = [];
  const custom = parseCustomProviders(r, { production, insecureHttpAllowed }, presets, declared);
  checkInsecureHttpAllowed(r, insecureHttpAllowed, declared);
  return {
    timeoutMs: r.int('PROVIDER_TIMEOUT_MS', 5000, { min: 100, max: 60000 }),
    // 1 MiB: Google's key set is ~2 KB, a Graph profile far less; the floor leaves room for any real answer.
    maxResponseBytes: r.int('PROVIDER_MAX_RESPONSE_BYTES', 1024 * 1024, { min: 16 * 1024, max: 64 * 1024 * 1024 }),
    jwksCacheMaxAgeMs: r.int('PROVIDER_JWKS_CACHE_MAX_AGE_MS', 10 * 60_000, { min: 0 }),
    jwksCooldownMs: r.int('PROVIDER_JWKS_COOLDOWN_MS', 30_000, { min: 0 }),
    google: google,
    facebook: facebook,
    github: github,
    custom,
  };
}
