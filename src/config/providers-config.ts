/**
 * Provider calls, and which providers exist. Google, Facebook and GitHub are presets like any other
 * (src/providers/presets/); their documented `GOOGLE_*`, `FACEBOOK_*` and `GITHUB_*` variables are aliases that
 * declare them, read here from the settings catalogue (ADR 0034). Every endpoint URL defaults to the real
 * provider and can be pointed elsewhere (tests, corporate egress proxies).
 */
import type { EnvReader } from './env-reader.js';
import type { PresetCatalog } from './preset-spec.js';
import { parseCustomProviders, type DeclarationRules } from './providers-file.js';
import { httpsUrlProblem } from './redirect-uri.js';
import { FACEBOOK, GITHUB, GOOGLE, PROVIDERS } from './settings/providers.settings.js';

/** A client of ours at the provider; the secret is needed where it checks tokens with the app's credentials (Facebook, GitHub). */
export type ProviderClient = { id: string; secret?: string };

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

const ALIASES = { google: GOOGLE, facebook: FACEBOOK, github: GITHUB } as const;

const camelCase = (name: string) => name.toLowerCase().replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** An alias's values by field: `GOOGLE_TOKENINFO_URL` → `tokeninfoUrl`. */
function byField(id: string, values: Record<string, unknown>) {
  const fields = Object.entries(values).map(([key, value]) => [camelCase(key.slice(id.length + 1)), value]);
  return Object.fromEntries(fields) as { clientIds: string[]; clientSecrets: string[]; redirectUris: string[]; [field: string]: unknown };
}

/**
 * An alias's endpoints are https, or http on a loopback host (fakes, sidecars) outside production or for a provider
 * PROVIDER_INSECURE_HTTP_ALLOWED names: our client secret and users' tokens travel to these URLs. Facebook and
 * GitHub check tokens with each app's secret.
 */
function readAlias(r: EnvReader, id: keyof typeof ALIASES, httpAllowed: boolean): AliasDeclaration {
  const values = r.readAll(ALIASES[id]);
  for (const [key, value] of Object.entries(values)) {
    const problem = key.endsWith('_URL') ? httpsUrlProblem(value as string, httpAllowed) : undefined;
    if (problem) r.problem(key, problem);
  }
  const { clientIds, clientSecrets, redirectUris, ...fields } = byField(id, values);
  const prefix = id.toUpperCase();
  if (clientIds.length > 0 && id !== 'google' && clientSecrets.length !== clientIds.length)
    r.problem(`${prefix}_CLIENT_SECRETS`, `must list one secret per client id in ${prefix}_CLIENT_IDS (${clientIds.length})`);
  const clients = clientIds.map((clientId, i) => ({ id: clientId, secret: clientSecrets[i] }));
  return { ...(fields as Pick<AliasDeclaration, 'authorizationUrl' | 'scopes'>), enabled: clients.length > 0, clients, redirectUris };
}

/** The documented defaults of an alias's fields (`aliasDefaults('google').jwksUrl`): the preset's defaults too. */
export function aliasDefaults(id: keyof typeof ALIASES): Record<string, unknown> {
  const { clientIds: _ids, clientSecrets: _secrets, redirectUris: _uris, ...fields } = byField(id, ALIASES[id].parse({}));
  return fields;
}

/** `presets`: the table declarations may name (src/providers/presets/index.ts), handed in by the caller of `loadConfig`. */
export function parseProvidersConfig(
  r: EnvReader,
  { production, devIdpEnabled }: Omit<DeclarationRules, 'insecureHttpAllowed'>,
  presets: PresetCatalog,
) {
  const env = r.readAll(PROVIDERS);
  const insecureHttpAllowed = env.PROVIDER_INSECURE_HTTP_ALLOWED;
  const [google, facebook, github] = (['google', 'facebook', 'github'] as const).map((id) =>
    readAlias(r, id, !production || insecureHttpAllowed.includes(id)),
  );
  /** Providers declared by configuration (`PROVIDERS_FILE`, `PROVIDERS`): src/config/providers-file.ts. */
  const custom = parseCustomProviders(r, { production, insecureHttpAllowed, devIdpEnabled }, presets);
  return {
    timeoutMs: env.PROVIDER_TIMEOUT_MS,
    /** A provider answer (JSON, keys, discovery) longer than this is refused unread: `502 provider_unavailable`. */
    maxResponseBytes: env.PROVIDER_MAX_RESPONSE_BYTES,
    jwksCacheMaxAgeMs: env.PROVIDER_JWKS_CACHE_MAX_AGE_MS,
    jwksCooldownMs: env.PROVIDER_JWKS_COOLDOWN_MS,
    google,
    facebook,
    github,
    custom,
  };
}
