/**
 * The browser-facing parts: where this API is reachable from outside (`PUBLIC_URL`, for the callback URL we
 * register at providers), which frontend URLs a sign-in may return to, the demo page and the development
 * identity provider. Parsed with the rest of the configuration in app-config.ts.
 */
import { randomToken } from '../common/crypto/random.js';
import { readDevIdpClients, type DevIdpClient } from './dev-idp-clients.js';
import type { EnvReader } from './env-reader.js';
import { redirectUriProblem } from './redirect-uri.js';

export interface BrowserFlowConfig {
  /** Our external origin and base path, without a trailing slash: `https://api.example.com`. */
  publicUrl: string;
  /**
   * Exact allow-list of `return_to` URLs for `GET /auth/{provider}/authorize` (compared as whole strings,
   * after URL normalisation). In development the demo page is added.
   */
  returnToUrls: string[];
  /**
   * `POST /auth/{provider}/code` without a `code_verifier` is refused (PKCE, RFC 7636). Native redirect URIs
   * (private-use scheme, loopback) always need one; this switch is for web frontends of providers without PKCE.
   */
  codePkceRequired: boolean;
  /** Lifetime of an OAuth `state` (and of its browser-binding cookie). */
  stateTtlSeconds: number;
  /** Lifetime of the one-time login code handed back to the frontend; under a minute. */
  loginCodeTtlSeconds: number;
  demo: { enabled: boolean };
  devIdp: {
    enabled: boolean;
    /** Set with DEV_IDP_FORCE in production: the boot then logs a warning instead of refusing. */
    forced: boolean;
    /** Mount path of the development OpenID provider inside this app; its issuer is `publicUrl + path`. */
    path: string;
    /** Generated per boot: the dev IdP and our `dev` provider are the same process. */
    clientSecret: string;
    /**
     * Frontend callback URLs (DEV_IDP_REDIRECT_URIS) for trying `POST /auth/dev/code` from an app in development:
     * registered at the dev IdP and put on our allow-list. Our own callback is always registered, and so is the
     * demo page (`${publicUrl}/demo`) while DEMO_ENABLED.
     */
    redirectUris: string[];
    /** DEV_IDP_CLIENTS: other apps registered at the dev IdP, for declared providers pointed at it. */
    clients: DevIdpClient[];
  };
}

export function parseBrowserFlowConfig(r: EnvReader, nodeEnv: 'development' | 'production' | 'test', port: number): BrowserFlowConfig {
  const production = nodeEnv === 'production';
  const publicUrl = r.url('PUBLIC_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  if (URL.canParse(publicUrl) && /[?#]/.test(publicUrl)) r.problem('PUBLIC_URL', 'must have no query or fragment');
  // The state cookie's Secure flag and every callback URL we register follow PUBLIC_URL's scheme: in production
  // an unset or http PUBLIC_URL would send them in clear (and the localhost default is wrong behind any proxy).
  if (production && r.raw('PUBLIC_URL') === undefined) r.problem('PUBLIC_URL', 'is required in production: the https URL this API is reached at from outside');
  else if (production && URL.canParse(publicUrl) && new URL(publicUrl).protocol !== 'https:') r.problem('PUBLIC_URL', `must be https in production, got "${publicUrl}"`);
  const demoEnabled = r.bool('DEMO_ENABLED', !production);
  const returnToUrls = r.list('AUTH_RETURN_TO_URLS', []).map((url) => {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) r.problem('AUTH_RETURN_TO_URLS', `has "${url}": each must be an http(s) URL`);
    else if (new URL(url).hash !== '') r.problem('AUTH_RETURN_TO_URLS', `has "${url}": a fragment is where we put the login code`);
    return URL.canParse(url) ? new URL(url).href : url;
  });
  if (demoEnabled) returnToUrls.push(`${publicUrl}/demo`);
  const devIdpEnabled = r.bool('DEV_IDP_ENABLED', nodeEnv === 'development');
  const forced = r.bool('DEV_IDP_FORCE', false);
  if (production && devIdpEnabled && !forced) {
    r.problem('DEV_IDP_ENABLED', 'is refused in production: the development identity provider signs anyone in (set DEV_IDP_FORCE=true to override)');
  }
  const devIdpRedirectUris = r.list('DEV_IDP_REDIRECT_URIS', []);
  for (const uri of devIdpRedirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) r.problem('DEV_IDP_REDIRECT_URIS', problem);
  }
  // The demo page connects another Dev IdP account by redeeming a code itself (POST /users/me/social-accounts/dev/code).
  if (demoEnabled) devIdpRedirectUris.push(`${publicUrl}/demo`);
  return {
    publicUrl,
    returnToUrls,
    codePkceRequired: r.bool('AUTH_CODE_PKCE_REQUIRED', true),
    stateTtlSeconds: r.int('AUTH_STATE_TTL_SECONDS', 600, { min: 1, max: 1800 }),
    loginCodeTtlSeconds: r.int('AUTH_LOGIN_CODE_TTL_SECONDS', 30, { min: 1, max: 59 }),
    demo: { enabled: demoEnabled },
    devIdp: { enabled: devIdpEnabled, forced, path: '/dev-idp', clientSecret: randomToken(), redirectUris: devIdpRedirectUris, clients: readDevIdpClients(r, devIdpEnabled) },
  };
}
