/**
 * The presets a declaration may name (`"preset": "microsoft"`), and the one place a declared provider becomes a
 * definition: from its preset, or from the generic type it declares.
 */
import type { ProviderHttpClient } from '../http/provider-http.client.js';
import type { CustomProviderConfig } from '../../config/custom-provider-config.js';
import { GenericOAuth2IdentityProvider } from '../definitions/generic-oauth2.js';
import { GenericOidcIdentityProvider } from '../definitions/generic-oidc.js';
import type { IdentityProvider } from '../identity-provider.types.js';
import type { JwksCachePolicy } from '../oidc/remote-jwks.js';
import { apple } from './apple.js';
import { discord } from './discord.js';
import { gitlab } from './gitlab.js';
import { linkedin } from './linkedin.js';
import { microsoft } from './microsoft.js';
import type { ProviderPreset } from './preset.js';
import { x } from './x.js';

export const PRESETS: Readonly<Record<string, ProviderPreset>> = { microsoft, apple, gitlab, discord, linkedin, x };

export function presetNamed(name: unknown): ProviderPreset | undefined {
  return typeof name === 'string' && Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}

export function createDeclaredProvider(config: CustomProviderConfig, http: ProviderHttpClient, cache: JwksCachePolicy): IdentityProvider {
  const preset = presetNamed(config.preset?.name);
  if (preset) return preset.create(config, config.preset!.options, http, cache);
  return config.type === 'oidc' ? new GenericOidcIdentityProvider(config, http, cache) : new GenericOAuth2IdentityProvider(config, http);
}
