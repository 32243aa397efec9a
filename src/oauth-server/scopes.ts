import type { AppConfig } from '../config/app-config.js';

/**
 * Every scope our authorization server knows, with the sentence the consent page shows. OpenID Connect's own
 * scopes say what the ID token and userinfo carry; the `resource:action` ones guard our API (`@Scopes()`).
 * First-party access tokens carry every API scope; third-party ones only what the user consented to.
 */
export const OIDC_SCOPES = {
  openid: 'Know which account is yours here',
  profile: 'See your name, username and picture',
  email: 'See your email address',
  offline_access: 'Stay signed in (keep access when you are away)',
} as const;

export const API_SCOPES = {
  'profile:read': 'Read your profile',
  'profile:write': 'Change your username and names',
} as const;

export const ALL_SCOPES: Record<string, string> = { ...OIDC_SCOPES, ...API_SCOPES };
export const SCOPE_NAMES = Object.keys(ALL_SCOPES);

export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:token-exchange',
] as const;

/** The resource indicator (RFC 8707) naming our API, and the `aud` of the access tokens for it. */
export const apiResource = (config: AppConfig): string => `${config.browser.publicUrl}/`;
