/**
 * GitLab as an OpenID Connect provider: https://docs.gitlab.com/integration/openid_connect_provider/
 * Standard OIDC (discovery, RS256 ID tokens with `email_verified`), so the preset only fills in the issuer:
 * https://gitlab.com, or a self-managed instance's URL in `issuer`. `email_verified` reflects GitLab's own
 * confirmation mail; whether that is worth an account link is the operator's call (`trustEmailForLinking`).
 */
import type { OidcProviderConfig } from '../../config/custom-provider-config.js';
import { GenericOidcIdentityProvider } from '../definitions/generic-oidc.js';
import { definePreset } from './preset.js';

export const gitlab = definePreset<Record<string, never>, OidcProviderConfig>({
  type: 'oidc',
  docs: 'https://docs.gitlab.com/integration/openid_connect_provider/',
  fields: {},
  parse: () => ({}),
  defaults: () => ({ displayName: 'GitLab', issuer: 'https://gitlab.com', scopes: ['openid', 'email', 'profile'] }),
  create: (config, _options, http, cache) => new GenericOidcIdentityProvider(config, http, cache),
});
