/**
 * One environment variable the app reads: the catalogue in this folder lists every one of them. It is plain data so
 * that it can become the validation schema later (issue 13); today the parsers in src/config/ still validate, and
 * the catalogue is made authoritative by what reads it: EnvReader refuses an undeclared key, `.env.example` and the
 * log redaction list are generated from it, and tests hold the README's table and the parsers' reads to it.
 */
export type SettingGroup =
  | 'Server' | 'Logging and metrics' | 'Rate limits' | 'Database' | 'Redis' | 'Tokens and keys' | 'Login'
  | 'Browser sign-in' | 'Authorization server' | 'Providers' | 'Google' | 'Facebook' | 'GitHub'
  | 'Declared providers' | 'Development';

export interface Setting {
  /** `PORT`, or a family of variables with an `<ID>` placeholder: `PROVIDER_<ID>_CLIENT_SECRET`. */
  name: string;
  group: SettingGroup;
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

/** `PROVIDER_<ID>_CLIENT_SECRET` → /^PROVIDER_[A-Z0-9_]+_CLIENT_SECRET$/; a plain name matches only itself. */
export function settingPattern(name: string): RegExp {
  const escaped = name.split(/<[A-Z]+>/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[A-Z0-9_]+')}$`);
}

export const isFamily = (setting: Setting) => setting.name.includes('<');
