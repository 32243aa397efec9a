import { z } from 'zod';
import { AUTHORIZATION_SERVER, BROWSER_SIGN_IN, DEVELOPMENT, LOGIN, TOKENS_AND_KEYS } from './auth.settings.js';
import { DECLARED_PROVIDERS, FACEBOOK, GITHUB, GOOGLE, PROVIDERS } from './providers.settings.js';
import { DATABASE, LOGGING_AND_METRICS, RATE_LIMITS, REDIS, SERVER } from './server.settings.js';
import { isFamily, settingPattern, settingsOf, type Setting } from './setting.js';

export type { Setting } from './setting.js';
export {
  AUTHORIZATION_SERVER,
  BROWSER_SIGN_IN,
  DATABASE,
  DEVELOPMENT,
  LOGGING_AND_METRICS,
  LOGIN,
  RATE_LIMITS,
  REDIS,
  SERVER,
  TOKENS_AND_KEYS,
};

const GROUPS = [
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
  PROVIDERS,
  GOOGLE,
  FACEBOOK,
  GITHUB,
  DECLARED_PROVIDERS,
];

/** Every variable with a fixed name outside the providers', in one schema: what `loadConfig` reads. */
export const ENV = z.object({
  ...SERVER.shape,
  ...LOGGING_AND_METRICS.shape,
  ...RATE_LIMITS.shape,
  ...DATABASE.shape,
  ...REDIS.shape,
  ...TOKENS_AND_KEYS.shape,
  ...LOGIN.shape,
  ...BROWSER_SIGN_IN.shape,
  ...AUTHORIZATION_SERVER.shape,
  ...DEVELOPMENT.shape,
});

/** Every environment variable the app reads, in the order `.env.example` lists them. */
export const SETTINGS: readonly Setting[] = GROUPS.flatMap(settingsOf);

const NAMES = new Set(SETTINGS.filter((s) => !isFamily(s)).map((s) => s.name));
const FAMILIES = SETTINGS.filter(isFamily).map((s) => settingPattern(s.name));

/** Whether `key` is a declared variable or belongs to a declared family (`PROVIDER_ACME_ISSUER`). */
export function isDeclared(key: string): boolean {
  return NAMES.has(key) || FAMILIES.some((pattern) => pattern.test(key));
}

/** Plain names of the variables whose schema is marked secret: the log redaction list (families have no fixed name). */
export const SECRET_SETTING_NAMES: readonly string[] = SETTINGS.filter((s) => s.secret && !isFamily(s)).map((s) => s.name);
