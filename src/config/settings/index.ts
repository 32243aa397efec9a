import { z } from 'zod';
import { AUTHORIZATION_SERVER, BROWSER_SIGN_IN, DEVELOPMENT, LOGIN, TOKENS_AND_KEYS } from './auth.settings.js';
import { DECLARED_PROVIDERS, FACEBOOK, GITHUB, GOOGLE, PROVIDERS } from './providers.settings.js';
import { DATABASE, LOGGING_AND_METRICS, RATE_LIMITS, REDIS, SERVER } from './server.settings.js';
import { isFamily, settingPattern, settingsOf, type Setting } from './setting.js';

export type { Setting } from './setting.js';
export { DATABASE, SERVER, TOKENS_AND_KEYS };

/** The groups of the variables with a fixed name outside the providers' (src/config/providers-config.ts reads those). */
const FIXED = [
  SERVER,
  LOGGING_AND_METRICS,
  RATE_LIMITS,
  DATABASE,
  REDIS,
  TOKENS_AND_KEYS,
  LOGIN,
  BROWSER_SIGN_IN,
  AUTHORIZATION_SERVER,
  DEVELOPMENT,
];
const GROUPS = [...FIXED, PROVIDERS, GOOGLE, FACEBOOK, GITHUB, DECLARED_PROVIDERS];

type Intersection<U> = (U extends unknown ? (shape: U) => void : never) extends (shape: infer I) => void ? I : never;
/** Every variable of `FIXED` in one schema: what `loadConfig` reads. */
export const ENV = z.object(Object.assign({}, ...FIXED.map((group) => group.shape)) as Intersection<(typeof FIXED)[number]['shape']>);

/** Every environment variable the app reads, in the order `.env.example` lists them. */
export const SETTINGS: readonly Setting[] = GROUPS.flatMap(settingsOf);

const NAMES = new Set(SETTINGS.filter((s) => !isFamily(s)).map((s) => s.name));
const FAMILIES = SETTINGS.filter(isFamily).map((s) => settingPattern(s.name));

/** Whether `key` is a declared variable or belongs to a declared family (`PROVIDER_ACME_ISSUER`). */
export function isDeclared(key: string): boolean {
  return NAMES.has(key) || FAMILIES.some((pattern) => pattern.test(key));
}

/** Plain names of the variables whose schema is marked secret (families have no fixed name: `secretSettingNames`). */
export const SECRET_SETTING_NAMES: readonly string[] = SETTINGS.filter((s) => s.secret && !isFamily(s)).map((s) => s.name);

const SECRET_FAMILIES = SETTINGS.filter((s) => s.secret && isFamily(s)).map((s) => settingPattern(s.name));

/**
 * The secret variables' names as `env` spells them: the plain ones, and each variable of `env` that belongs to a
 * secret family (`PROVIDER_ACME_CLIENT_SECRET`), whose names exist only once a deployment declares its providers.
 */
export function secretSettingNames(env: NodeJS.ProcessEnv): string[] {
  return [...SECRET_SETTING_NAMES, ...Object.keys(env).filter((key) => SECRET_FAMILIES.some((pattern) => pattern.test(key)))];
}
