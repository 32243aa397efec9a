/**
 * The catalogue of environment variables IS the validation schema (ADR 0028, ADR 0035): each group is a zod object
 * whose fields are the variables, each field parsing the variable's text and carrying in its `.meta()` what the
 * catalogue says of it (description, secret, production requirement, an example). `SETTINGS`, `.env.example`, the
 * log redaction list and the README's table (by a test) all come from these schemas; `loadConfig` parses them.
 */
import { z } from 'zod';

export interface Setting {
  /** `PORT`, or a family of variables with an `<ID>` placeholder: `PROVIDER_<ID>_CLIENT_SECRET`. */
  name: string;
  /** Its heading in `.env.example`: the `group` it is declared in. */
  group: string;
  /** The default as documented (what an unset variable means); empty when unset means "none" or "off". */
  default: string;
  /** One sentence for `.env.example`; the README's configuration table says more. */
  description: string;
  /** Holds a credential: redacted from logs, never given a sample value. */
  secret?: true;
  /** A value `.env.example` shows instead of the default. */
  example?: string;
  /** Required when NODE_ENV=production: `.env.example` lists it uncommented, for the operator to fill in. */
  production?: true;
}

/** What a variable's `.meta()` holds; `default` only where the parsed default does not say it (it depends on NODE_ENV…). */
export type SettingMeta = Omit<Setting, 'name' | 'group' | 'default'> & { default?: string };

/** A variable's schema: its text (or nothing) in, its typed value out. */
export type Variable<T = unknown> = z.ZodType<T, string | undefined>;

/** Reports one problem of a variable; the message follows the variable's name in the boot error. */
export type Report = (message: string) => void;

/**
 * A variable parsed by `parse` from its trimmed text; unset or blank is `fallback` (`undefined` when the default
 * depends on other settings, and app-config.ts applies it). A value with problems reports each and parses to
 * `fallback`, so every bad key is named in one boot message (EnvReader.read).
 */
export function variable<T>(fallback: T, parse: (value: string, report: Report) => T): Variable<T> {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      const value = raw?.trim();
      if (value === undefined || value === '') return Array.isArray(fallback) ? ([...fallback] as T) : fallback;
      return parse(value, (message) => void ctx.issues.push({ code: 'custom', message, input: raw }));
    });
}

export const string = <F extends string | undefined>(fallback: F) => variable<string | F>(fallback, (value) => value);

export const isHttpUrl = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

/** An http(s) URL; where plain http is refused (production) is decided with the other settings. */
export const httpUrl = (fallback: string) =>
  variable(fallback, (value, report) => (isHttpUrl(value) || report(`must be an http(s) URL, got "${value}"`), value));

export const pattern = (shape: RegExp, hint: string) =>
  variable<string | undefined>(undefined, (value, report) => (shape.test(value) || report(`must be ${hint}`), value));

export const int = <F extends number | undefined>(fallback: F, range: { min?: number; max?: number } = {}) =>
  variable<number | F>(fallback, (value, report) => {
    const n = Number(value);
    if (!Number.isInteger(n)) return (report(`must be a whole number, got "${value}"`), n);
    if (n < (range.min ?? -Infinity) || n > (range.max ?? Infinity))
      report(`must be between ${range.min ?? '-∞'} and ${range.max ?? '∞'}, got ${n}`);
    return n;
  });

const [TRUE, FALSE] = [
  ['1', 'true', 'yes', 'on'],
  ['0', 'false', 'no', 'off'],
];

export const bool = <F extends boolean | undefined>(fallback: F) =>
  variable<boolean | F>(fallback, (value, report) => {
    const lower = value.toLowerCase();
    if (!TRUE.includes(lower) && !FALSE.includes(lower)) report(`must be true or false, got "${lower}"`);
    return TRUE.includes(lower);
  });

export const oneOf = <const T extends string, F extends T | undefined>(allowed: readonly T[], fallback: F) =>
  variable<T | F>(fallback, (value, report) => {
    if (!(allowed as readonly string[]).includes(value)) report(`must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  });

/** Comma-separated; each entry trimmed, empty ones dropped, each checked by `check` (its problem, or undefined). */
export const list = (fallback: readonly string[] = [], check?: (entry: string) => string | undefined) =>
  variable<string[]>(fallback as string[], (value, report) => {
    const entries = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const problem of entries.map((entry) => check?.(entry))) if (problem) report(problem);
    return entries;
  });

/** A group of the catalogue: its variables, in the order `.env.example` and the README list them. */
export const group = <S extends Record<string, Variable>>(name: string, shape: S) => z.object(shape).meta({ title: name });

/** What an unset variable means, as documented: the meta's `default`, or what the schema parses nothing into. */
function documentedDefault(schema: Variable, meta: SettingMeta): string {
  if (meta.default !== undefined) return meta.default;
  const fallback = schema.parse(undefined);
  return fallback === undefined ? '' : Array.isArray(fallback) ? fallback.join(',') : String(fallback);
}

/** The catalogue entries of a group, read off its schema. */
export function settingsOf(schema: z.ZodObject<Record<string, Variable>>): Setting[] {
  const group = schema.meta()!.title!;
  return Object.entries(schema.shape).map(([name, variable]) => {
    const meta = (variable.meta() ?? {}) as SettingMeta;
    return { name, group, ...meta, default: documentedDefault(variable, meta) };
  });
}

/** `PROVIDER_<ID>_CLIENT_SECRET` → /^PROVIDER_[A-Z0-9_]+_CLIENT_SECRET$/; a plain name matches only itself. */
export function settingPattern(name: string): RegExp {
  const escaped = name.split(/<[A-Z]+>/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[A-Z0-9_]+')}$`);
}

export const isFamily = (setting: Setting) => setting.name.includes('<');
