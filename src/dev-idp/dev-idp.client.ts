/**
 * How this app sees the development identity provider (src/dev-idp/): one more OpenID Connect provider, `dev`,
 * declared like any `PROVIDERS_FILE` entry, whose issuer happens to be mounted in this same process.
 * This file must stay light: the registry imports it on every boot, oidc-provider is loaded only when enabled.
 */
import type { AppConfig } from '../config/app-config.js';
import type { OidcProviderConfig } from '../config/custom-provider-config.js';
import { DEV_IDP_CLIENT_ID } from '../config/dev-idp-clients.js';
import { DEV_IDP_PROVIDER_ID } from '../config/providers-file.js';

export { DEV_IDP_CLIENT_ID };

/** `${PUBLIC_URL}/dev-idp`: what its discovery document and ID tokens say, so what we verify against. */
export const devIdpIssuer = (config: AppConfig): string => `${config.browser.publicUrl}${config.browser.devIdp.path}`;

/** Our redirect flow's callback (`GET /auth/dev/callback`): always one the dev IdP's client may return to. */
export const devIdpRedirectUri = (config: AppConfig): string => `${config.browser.publicUrl}/auth/${DEV_IDP_PROVIDER_ID}/callback`;

export function devIdpProviderConfig(config: AppConfig): OidcProviderConfig {
  return {
    id: DEV_IDP_PROVIDER_ID,
    type: 'oidc',
    displayName: 'Dev IdP',
    issuer: devIdpIssuer(config),
    clientIds: [DEV_IDP_CLIENT_ID],
    clientSecret: config.browser.devIdp.clientSecret,
    scopes: ['openid', 'email', 'profile'],
    // The redirect flow uses our own callback URL; these are for a frontend that redeems codes itself.
    redirectUris: config.browser.devIdp.redirectUris,
    enabled: true,
    emailVerifiedClaim: 'email_verified',
    // Anyone can be anyone here: its emails must never link to an existing account.
    trustEmailForLinking: false,
    // Its issuer is our own PUBLIC_URL (https in production, where it only runs with DEV_IDP_FORCE).
    insecureHttpAllowed: true,
    trustedEndpointOrigins: [],
  };
}

/** What the registry adds to the declared providers: the dev IdP when it is on, nothing otherwise. */
export const devIdpProviders = (config: AppConfig): OidcProviderConfig[] =>
  config.browser.devIdp.enabled ? [devIdpProviderConfig(config)] : [];
