/**
 * Providers declared by configuration alone: `PROVIDERS_FILE` (JSON, or YAML when it ends in .yaml/.yml) and/or
 * `PROVIDERS=acme` with `PROVIDER_ACME_*` variables. Both go through one validator, so a bad entry stops the boot
 * with a message naming the provider and the field. A `preset` (src/providers/presets/) fills in a well-known
 * provider's declaration first. Secrets and keys are only ever read from `PROVIDER_<ID>_*` variables.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import {
  envKey,
  envPrefix,
  FIELDS,
  PROFILE_KEYS,
  refuseSecrets,
  validateCustomProvider,
  type CustomProviderConfig,
  type FieldKind,
  type Report,
} from './custom-provider-config.js';
import type { EnvReader } from './env-reader.js';
import { presetNamed, type PresetCatalog } from './preset-spec.js';
import { httpsUrlProblem } from './redirect-uri.js';
import { DECLARED_PROVIDERS } from './settings/providers.settings.js';
import { bool, list, string, variable, type Variable } from './settings/setting.js';

/** The presets that also have alias variables of their own (GOOGLE_*, …): their ids are taken by those. */
export const BUILT_IN_PROVIDERS: readonly string[] = ['google', 'facebook', 'github'];
/** Path segments our routes use where a provider id could stand (`/users/me/social-accounts/link`, `/auth/refresh`, …). */
const RESERVED_IDS = ['link', 'refresh', 'logout', 'logout-all', 'sessions', 'providers', 'complete'];
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,49}$/;
/** The development identity provider's id (src/dev-idp/), taken while it is on. */
export const DEV_IDP_PROVIDER_ID = 'dev';

/** How `PROVIDER_<ID>_<FIELD>` is read, by the field's kind: scopes are split on commas or spaces. */
const BY_KIND: Record<Exclude<FieldKind, 'profile'>, Variable> = {
  text: string(undefined),
  list: list(),
  words: variable<string[]>([], (value) => value.split(/[\s,]+/).filter(Boolean)),
  flag: bool(false),
};

/**
 * `PROVIDER_ACME_*` as the same shape a file entry has (a preset's own fields included): lists are comma
 * separated, the profile mapping `PROVIDER_ACME_PROFILE_UID` and so on.
 */
function fromEnv(r: EnvReader, id: string, presets: PresetCatalog): Record<string, unknown> {
  const raw: Record<string, unknown> = { id };
  const fields: Record<string, FieldKind> = { ...FIELDS, ...presetNamed(presets, r.raw(envKey(id, 'preset')))?.fields };
  for (const [field, kind] of Object.entries(fields)) {
    const key = envKey(id, field);
    if (kind === 'profile') {
      const entries = PROFILE_KEYS.map((k) => [k, r.raw(envKey(id, `profile.${k}`))] as const).filter(([, v]) => v !== undefined);
      if (entries.length > 0)
        raw[field] = Object.fromEntries(
          entries.map(([k, v]) => [k, k === 'emailVerified' && /^(true|false)$/.test(v!) ? v === 'true' : v]),
        );
    } else if (field !== 'id' && r.raw(key) !== undefined) raw[field] = r.read(key, BY_KIND[kind]);
  }
  return raw;
}

/**
 * YAML: the core schema (no custom tags), a duplicate key is an error, and so is a warning (an unknown tag): the
 * value it stands for would silently be read as something else. Its errors name the line.
 */
function readFile(r: EnvReader, path: string): unknown[] {
  const format = /\.ya?ml$/i.test(path) ? 'YAML' : 'JSON';
  let doc: unknown;
  try {
    const content = readFileSync(path, 'utf8');
    const yaml = format === 'YAML' ? parseDocument(content, { prettyErrors: true, logLevel: 'silent' }) : undefined;
    const [problem] = yaml ? [...yaml.errors, ...yaml.warnings] : [];
    if (problem) throw problem;
    doc = yaml ? yaml.toJS() : JSON.parse(content);
  } catch (error) {
    // yaml's message is "… at line 3, column 5:" followed by an excerpt of the file; the first line is enough.
    r.problem('PROVIDERS_FILE', `cannot be read as ${format} (${path}): ${(error as Error).message.split('\n')[0].replace(/:$/, '')}`);
    return [];
  }
  const extra = doc && typeof doc === 'object' ? Object.keys(doc).filter((k) => k !== 'providers') : [];
  if (extra.length > 0) r.problem('PROVIDERS_FILE', `has unknown top-level fields: ${extra.join(', ')}`);
  const list = (doc as { providers?: unknown } | null)?.providers;
  if (Array.isArray(list)) return list;
  r.problem('PROVIDERS_FILE', `must be a ${format} object with a "providers" list`);
  return [];
}

/** An entry, and how problems about it are worded (`reporter(id)`): which key, and which provider and field. */
type Declared = { raw: unknown; reporter: (id: string) => Report };

function declarations(r: EnvReader, presets: PresetCatalog): Declared[] {
  const file = r.raw('PROVIDERS_FILE');
  const fromFile = (file ? readFile(r, file) : []).map((raw, i): Declared => ({
    raw,
    reporter: (id) => (field, message) => r.problem('PROVIDERS_FILE', `providers[${i}]${id ? ` (id "${id}")` : ''}: ${field} ${message}`),
  }));
  const fromVars = r.read('PROVIDERS', DECLARED_PROVIDERS.shape.PROVIDERS).map((id): Declared => ({
    raw: fromEnv(r, id, presets),
    reporter: () => (field, message) =>
      field === 'id' ? r.problem('PROVIDERS', `id "${id}" ${message}`) : r.problem(envKey(id, field), message),
  }));
  return [...fromFile, ...fromVars];
}

/** The three oldest presets come last in the list: their own variables (GOOGLE_*, …) declare them too. */
function unknownPreset(presets: PresetCatalog, name: unknown): string {
  const newer = Object.keys(presets).filter((p) => !BUILT_IN_PROVIDERS.includes(p));
  const oldest = BUILT_IN_PROVIDERS.filter((p) => p in presets);
  return `must be one of ${newer.join(', ')}, got ${JSON.stringify(name)}${oldest.length > 0 ? ` (or ${oldest.join(', ')})` : ''}`;
}

/**
 * One declaration: from scratch, or a preset's declaration with the operator's generic fields laid over it (a
 * `profile` mapping key by key). The preset's own fields (Entra's `tenant`) are parsed by the preset.
 */
function declare(
  entry: Record<string, unknown>,
  id: string,
  r: EnvReader,
  report: Report,
  presets: PresetCatalog,
): CustomProviderConfig | undefined {
  const { preset: name, ...fields } = entry;
  if (name === undefined) return validateCustomProvider(fields, id, r, report);
  const preset = presetNamed(presets, name);
  if (!preset) return void report('preset', unknownPreset(presets, name));
  const own = Object.fromEntries(Object.entries(fields).filter(([key]) => key in preset.fields));
  const generic = Object.fromEntries(Object.entries(fields).filter(([key]) => !(key in preset.fields)));
  refuseSecrets(own, id, report);
  for (const key of preset.locked ?? [])
    if (key in generic)
      report(key, `is set by the "${String(name)}" preset from its own fields (${Object.keys(preset.fields).join(', ')})`);
  if (generic.type !== undefined && generic.type !== preset.type)
    report('type', `must be "${preset.type}" for the "${String(name)}" preset, or left out`);
  const options = preset.parse(own, {
    id,
    report,
    env: (suffix) => r.raw(`${envPrefix(id)}${suffix}`),
    envProblem: (suffix, message) => r.problem(`${envPrefix(id)}${suffix}`, message),
  });
  if (options === undefined) return undefined;
  const defaults = preset.defaults(options);
  const profile =
    generic.profile !== null && typeof generic.profile === 'object'
      ? { ...(defaults.profile as object), ...generic.profile }
      : (generic.profile ?? defaults.profile);
  const merged = { ...defaults, ...generic, type: preset.type, ...(profile === undefined ? {} : { profile }) };
  const config = validateCustomProvider(merged, id, r, report, { secretOptional: preset.verifiesAccessTokens });
  return config && { ...config, preset: { name: String(name), options } };
}

/**
 * In production, every URL of the declaration (the preset's own fields included: Microsoft's `instance`) is
 * https unless PROVIDER_INSECURE_HTTP_ALLOWED names the provider: the client secret and users' tokens go there.
 * Redirect URIs are the frontends' (loopback http is RFC 8252's native-app rule) and are checked on their own.
 */
function refuseHttpUrls(config: CustomProviderConfig, report: Report): void {
  const { redirectUris: _frontends, preset, ...fields } = config;
  const own = (preset?.options ?? {}) as Record<string, unknown>;
  for (const [field, value] of [...Object.entries(fields), ...Object.entries(own)]) {
    for (const url of [value].flat()) {
      const problem = typeof url === 'string' && /^http:/i.test(url) ? httpsUrlProblem(url, false) : undefined;
      if (problem) report(field, problem);
    }
  }
}

/**
 * What the declarations are checked against besides themselves. Where plain http is tolerated: see
 * `insecureHttpAllowed` (custom-provider-config.ts); `insecureHttpAllowed` here is PROVIDER_INSECURE_HTTP_ALLOWED.
 * While the dev IdP is on (`devIdpEnabled`, browser-flow-config.ts), its id is taken.
 */
export type DeclarationRules = { production: boolean; insecureHttpAllowed: string[]; devIdpEnabled: boolean };

/** Every provider declared by `PROVIDERS_FILE` and `PROVIDERS`, validated; problems are reported on `r`. */
export function parseCustomProviders(r: EnvReader, rules: DeclarationRules, presets: PresetCatalog): CustomProviderConfig[] {
  const byPrefix = new Map<string, string>();
  const result: CustomProviderConfig[] = [];
  for (const { raw, reporter } of declarations(r, presets)) {
    const isObject = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
    const entry = (isObject ? raw : {}) as Record<string, unknown>;
    const id = typeof entry.id === 'string' ? entry.id : '';
    const report = reporter(id);
    if (!isObject) report('entry', 'must be an object');
    else if (!ID_PATTERN.test(id)) report('id', `must match ${ID_PATTERN.source}, got ${JSON.stringify(entry.id ?? null)}`);
    else if (BUILT_IN_PROVIDERS.includes(id)) report('id', 'is a built-in provider; choose another id');
    else if (RESERVED_IDS.includes(id)) report('id', 'is a path our routes use; choose another id');
    else if (id === DEV_IDP_PROVIDER_ID && rules.devIdpEnabled)
      report('id', 'is the development identity provider (DEV_IDP_ENABLED); choose another id or turn it off');
    // Ids must not share variables either: "acme-eu" and "acme_eu" would both read PROVIDER_ACME_EU_CLIENT_SECRET.
    else if (byPrefix.has(envPrefix(id))) {
      const other = byPrefix.get(envPrefix(id));
      report('id', other === id ? 'is declared twice; ids must be unique' : `shares ${envPrefix(id)}* with "${other}"; ids must be unique`);
    } else {
      byPrefix.set(envPrefix(id), id);
      const config = declare(entry, id, r, report, presets);
      const insecureHttpAllowed = !rules.production || rules.insecureHttpAllowed.includes(id);
      if (config && !insecureHttpAllowed) refuseHttpUrls(config, report);
      if (config) result.push({ ...config, insecureHttpAllowed });
    }
  }
  // PROVIDER_INSECURE_HTTP_ALLOWED may only name providers that exist (a well-formed id declared, valid or not):
  // a typo would otherwise go unnoticed.
  const known = [...BUILT_IN_PROVIDERS, ...byPrefix.values()];
  for (const id of rules.insecureHttpAllowed.filter((id) => !known.includes(id)))
    r.problem('PROVIDER_INSECURE_HTTP_ALLOWED', `names "${id}", which is not a configured provider`);
  return result;
}
