import { AUTH_SETTINGS } from './auth.settings.js';
import { PROVIDER_SETTINGS } from './providers.settings.js';
import { SERVER_SETTINGS } from './server.settings.js';
import { isFamily, settingPattern, type Setting } from './setting.js';

export type { Setting, SettingGroup } from './setting.js';

/** Every environment variable the app reads, in the order `.env.example` lists them. */
export const SETTINGS: readonly Setting[] = [...SERVER_SETTINGS, ...AUTH_SETTINGS, ...PROVIDER_SETTINGS];

const NAMES = new Set(SETTINGS.filter((s) => !isFamily(s)).map((s) => s.name));
const FAMILIES = SETTINGS.filter(isFamily).map((s) => settingPattern(s.name));

/** Whether `key` is a declared variable or belongs to a declared family (`PROVIDER_ACME_ISSUER`). */
export function isDeclared(key: string): boolean {
  return NAMES.has(key) || FAMILIES.some((pattern) => pattern.test(key));
}

/** Plain names of the variables that hold credentials (families have no fixed name to list). */
export const SECRET_SETTING_NAMES: readonly string[] = SETTINGS.filter((s) => s.secret && !isFamily(s)).map((s) => s.name);
