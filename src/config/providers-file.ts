/**
 * Providers declared by configuration alone: `PROVIDERS_FILE` (JSON) and/or `PROVIDERS=acme` with
 * `PROVIDER_ACME_*` variables. Both go through one validator, so a bad entry stops the boot with a message
 * naming the provider and the field. Client secrets are only ever read from `PROVIDER_<ID>_CLIENT_SECRET`.
 * JSON only: YAML would need a new dependency.
 */
import { readFileSync } from 'node:fs';
import { envPrefix, FIELDS, validateCustomProvider, type CustomProviderConfig, type Field, type Report } from './custom-provider-config.js';
import type { EnvReader } from './env-reader.js';

export type { CustomProviderConfig } from './custom-provider-config.js';
export const BUILT_IN_PROVIDERS = ['google', 'facebook', 'github'];
/** Path segments our routes use where a provider id could stand (`/users/me/social-accounts/link`, `/auth/refresh`, …). */
const RESERVED_IDS = ['link', 'refresh', 'logout', 'logout-all', 'sessions', 'providers', 'complete'];
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,49}$/;

/** `PROVIDER_ACME_*` as the same shape a file entry has; lists are comma separated (scopes: commas or spaces). */
function fromEnv(r: EnvReader, id: string): Record<string, unknown> {
  const raw: Record<string, unknown> = { id };
  for (const [field, suffix] of Object.entries(FIELDS) as Array<[Field, string]>) {
    const key = `${envPrefix(id)}${suffix}`;
    if (!suffix || r.raw(key) === undefined) continue;
    if (field === 'enabled' || field === 'trustEmailForLinking') raw[field] = r.bool(key, field === 'enabled');
    else if (field === 'scopes') raw[field] = r.raw(key)!.split(/[\s,]+/).filter(Boolean);
    else if (field === 'clientIds' || field === 'redirectUris') raw[field] = r.list(key, []);
    else raw[field] = r.raw(key);
  }
  return raw;
}

function readFile(r: EnvReader, path: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    r.problem('PROVIDERS_FILE', `cannot be read as JSON (${path}): ${(error as Error).message}`);
    return [];
  }
  const extra = doc && typeof doc === 'object' ? Object.keys(doc).filter((k) => k !== 'providers') : [];
  if (extra.length > 0) r.problem('PROVIDERS_FILE', `has unknown top-level fields: ${extra.join(', ')}`);
  const list = (doc as { providers?: unknown } | null)?.providers;
  if (Array.isArray(list)) return list;
  r.problem('PROVIDERS_FILE', 'must be a JSON object { "providers": [ ... ] }');
  return [];
}

interface Declared {
  raw: unknown;
  /** How problems about this entry are worded: which key, and which provider and field. */
  reporter: (id: string) => Report;
}

function declarations(r: EnvReader): Declared[] {
  const file = r.raw('PROVIDERS_FILE');
  const fromFile = (file ? readFile(r, file) : []).map((raw, i): Declared => ({
    raw,
    reporter: (id) => (field, message) => r.problem('PROVIDERS_FILE', `providers[${i}]${id ? ` (id "${id}")` : ''}: ${field} ${message}`),
  }));
  const fromVars = r.list('PROVIDERS', []).map((id): Declared => ({
    raw: fromEnv(r, id),
    reporter: () => (field, message) =>
      field === 'id' ? r.problem('PROVIDERS', `id "${id}" ${message}`) : r.problem(`${envPrefix(id)}${FIELDS[field as Field] ?? field}`, message),
  }));
  return [...fromFile, ...fromVars];
}

/** Every provider declared by `PROVIDERS_FILE` and `PROVIDERS`, validated; problems are reported on `r`. */
export function parseCustomProviders(r: EnvReader): CustomProviderConfig[] {
  const byPrefix = new Map<string, string>();
  const result: CustomProviderConfig[] = [];
  for (const { raw, reporter } of declarations(r)) {
    const isObject = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
    const entry = (isObject ? raw : {}) as Record<string, unknown>;
    const id = typeof entry.id === 'string' ? entry.id : '';
    const report = reporter(id);
    if (!isObject) report('entry', 'must be an object');
    else if (!ID_PATTERN.test(id)) report('id', `must match ${ID_PATTERN.source}, got ${JSON.stringify(entry.id ?? null)}`);
    else if (BUILT_IN_PROVIDERS.includes(id)) report('id', 'is a built-in provider; choose another id');
    else if (RESERVED_IDS.includes(id)) report('id', 'is a path our routes use; choose another id');
    // Ids must not share variables either: "acme-eu" and "acme_eu" would both read PROVIDER_ACME_EU_CLIENT_SECRET.
    else if (byPrefix.has(envPrefix(id))) {
      const other = byPrefix.get(envPrefix(id));
      report('id', other === id ? 'is declared twice; ids must be unique' : `shares ${envPrefix(id)}* with "${other}"; ids must be unique`);
    } else {
      byPrefix.set(envPrefix(id), id);
      const config = validateCustomProvider(entry, id, r, report);
      if (config) result.push(config);
    }
  }
  return result;
}
