/**
 * The presets a declaration may name (`"preset": "microsoft"`), and the one place a declared provider becomes a
 * definition: from its preset, or from the generic type it declares. A new built-in provider is one file in this
 * folder plus its line in `PRESETS`; configuration sees the table because the app hands it to `loadConfig`.
 */
import type { CustomProviderConfig } from '../../config/custom-provider-config.js';
import { presetNamed } from '../../config/preset-spec.js';
import type { AliasDeclaration } from '../../config/providers-config.js';
import { GenericOAuth2IdentityProvider } from '../definitions/generic-oauth2.js';
import { GenericOidcIdentityProvider } from '../definitions/generic-oidc.js';
import type { ProviderHttpClient } from '../http/provider-http.client.js';
import type { IdentityProvider } from '../identity-provider.types.js';
import type { JwksCachePolicy } from '../oidc/remote-jwks.js';
import { apple } from './apple.js';
import { discord } from './discord.js';
import { facebook } from './facebook.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { google } from './google.js';
import { linkedin } from './linkedin.js';
import { microsoft } from './microsoft.js';
import type { ProviderPreset } from './preset.js';
import { x } from './x.js';

export const PRESETS: Readonly<Record<string, ProviderPreset>> = {
  microsoft,
  apple,
  gitlab,
  discord,
  linkedin,
  x,
  google,
  facebook,
  github,
};

export function createDeclaredProvider(config: CustomProviderConfig, http: ProviderHttpClient, cache: JwksCachePolicy): IdentityProvider {
  const preset = presetNamed(PRESETS, config.preset?.name) as ProviderPreset | undefined;
  if (preset) return preset.create(config, config.preset!.options, http, cache);
  return config.type === 'oidc' ? new GenericOidcIdentityProvider(config, http, cache) : new GenericOAuth2IdentityProvider(config, http);
}

/**
 * A preset declared by its alias variables (`GOOGLE_*`, src/config/providers-config.ts): the preset's defaults with
 * the alias's values laid over them, and the alias as the preset's options. The three presets with aliases read
 * only the generic fields set here (ids, scopes, redirect URIs, endpoints), so the rest of a declaration is not made up.
 */
export function createAliasedProvider(
  id: string,
  alias: AliasDeclaration,
  http: ProviderHttpClient,
  cache: JwksCachePolicy,
): IdentityProvider {
  const preset = PRESETS[id];
  const { clients, enabled, ...fields } = alias;
  const config = {
    ...preset.defaults(alias),
    ...fields,
    id,
    type: preset.type,
    clientIds: clients.map((c) => c.id),
    enabled,
  } as CustomProviderConfig;
  return preset.create(config, alias, http, cache);
}
