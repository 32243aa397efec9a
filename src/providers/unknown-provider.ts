/**
 * `404 unknown_provider`, worded for the developer who meets it first: which providers this server has, and the
 * setting that would add the one asked for (its variable for a built-in, the declaration for any other). Nothing
 * here is secret: the enabled providers are public (`GET /auth/providers`) and the variables are documented.
 */
import { AppError } from '../common/errors/app-error.js';
import { DEV_IDP_PROVIDER_ID } from '../config/providers-file.js';

const GUIDE = 'docs/adding-a-provider.md';

/** The variables that switch a built-in provider on (src/config/providers-config.ts). */
const BUILT_IN_SWITCHES: Record<string, string> = {
  google: 'GOOGLE_CLIENT_IDS',
  facebook: 'FACEBOOK_CLIENT_IDS and FACEBOOK_CLIENT_SECRETS',
  github: 'GITHUB_CLIENT_IDS and GITHUB_CLIENT_SECRETS',
};

function howToEnable(id: string, declared: string[]): string {
  if (BUILT_IN_SWITCHES[id]) return `To enable ${id} set ${BUILT_IN_SWITCHES[id]} (${GUIDE})`;
  if (id === DEV_IDP_PROVIDER_ID)
    return 'To enable the development identity provider set DEV_IDP_ENABLED=true (on by default under `npm start`)';
  if (declared.includes(id)) return `"${id}" is declared with enabled: false; set it to true (${GUIDE})`;
  return `To add "${id}", declare it in PROVIDERS_FILE (${GUIDE})`;
}

/** `enabled`: the providers this server has; `declared`: every declared id, enabled or not. */
export function unknownProvider(id: string, enabled: string[], declared: string[]): AppError {
  const hint = howToEnable(id, declared);
  return new AppError(
    'unknown_provider',
    `No enabled identity provider is called "${id}". Enabled: ${enabled.length > 0 ? enabled.join(', ') : 'none'}. ${hint}.`,
    {
      details: { enabled_providers: enabled, how_to_enable: hint },
    },
  );
}
