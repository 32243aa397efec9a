/**
 * The browser-facing parts: where this API is reachable from outside (`PUBLIC_URL`, for the callback URL we
 * register at providers), which frontend URLs a sign-in may return to, the demo page and the development
 * identity provider. Composed with the rest of the configuration in app-config.ts.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { readDevIdpClients } from './dev-idp-clients.js';
import type { EnvReader } from './env-reader.js';
import type { ENV } from './settings/index.js';
import { isHttpUrl, list } from './settings/setting.js';

/** Compared as whole strings, after URL normalisation; a fragment is where we put the login code. */
export const returnToUrls = list([], (url) =>
  !isHttpUrl(url)
    ? `has "${url}": each must be an http(s) URL`
    : new URL(url).hash !== ''
      ? `has "${url}": a fragment is where we put the login code`
      : undefined,
).transform((urls) => urls.map((url) => (URL.canParse(url) ? new URL(url).href : url)));

export function browserFlowConfig(env: Omit<z.output<typeof ENV>, 'DEV_IDP_CLIENTS'>, r: EnvReader) {
  const production = env.NODE_ENV === 'production';
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  // The state cookie's Secure flag and every callback URL we register follow PUBLIC_URL's scheme: in production
  // an unset or http PUBLIC_URL would send them in clear (and the localhost default is wrong behind any proxy).
  if (production && !r.hasProblem('PUBLIC_URL')) {
    if (env.PUBLIC_URL === undefined)
      r.problem('PUBLIC_URL', 'is required in production: the https URL this API is reached at from outside');
    else if (new URL(publicUrl).protocol !== 'https:') r.problem('PUBLIC_URL', `must be https in production, got "${publicUrl}"`);
  }
  const demoEnabled = env.DEMO_ENABLED ?? !production;
  const devIdpEnabled = env.DEV_IDP_ENABLED ?? env.NODE_ENV === 'development';
  if (production && devIdpEnabled && !env.DEV_IDP_FORCE) {
    r.problem(
      'DEV_IDP_ENABLED',
      'is refused in production: the development identity provider signs anyone in (set DEV_IDP_FORCE=true to override)',
    );
  }
  const demoPage = demoEnabled ? [`${publicUrl}/demo`] : [];
  return {
    /** Our external origin and base path, without a trailing slash: `https://api.example.com`. */
    publicUrl,
    /**
     * Exact allow-list of `return_to` URLs for `GET /auth/{provider}/authorize` (compared as whole strings,
     * after URL normalisation). In development the demo page is added.
     */
    returnToUrls: [...env.AUTH_RETURN_TO_URLS, ...demoPage],
    /**
     * `POST /auth/{provider}/code` without a `code_verifier` is refused (PKCE, RFC 7636). Native redirect URIs
     * (private-use scheme, loopback) always need one; this switch is for web frontends of providers without PKCE.
     */
    codePkceRequired: env.AUTH_CODE_PKCE_REQUIRED,
    /** Lifetime of an OAuth `state` (and of its browser-binding cookie). */
    stateTtlSeconds: env.AUTH_STATE_TTL_SECONDS,
    /** Lifetime of the one-time login code handed back to the frontend; under a minute. */
    loginCodeTtlSeconds: env.AUTH_LOGIN_CODE_TTL_SECONDS,
    demo: { enabled: demoEnabled },
    devIdp: {
      enabled: devIdpEnabled,
      /** Mount path of the development OpenID provider inside this app; its issuer is `publicUrl + path`. */
      path: '/dev-idp',
      /** Generated per boot: the dev IdP and our `dev` provider are the same process. */
      clientSecret: randomBytes(32).toString('base64url'),
      /**
       * Frontend callback URLs (DEV_IDP_REDIRECT_URIS) for trying `POST /auth/dev/code` from an app in development:
       * registered at the dev IdP and put on our allow-list. Our own callback is always registered, and so is the
       * demo page while DEMO_ENABLED: it connects another Dev IdP account by redeeming a code itself
       * (POST /users/me/social-accounts/dev/code).
       */
      redirectUris: [...env.DEV_IDP_REDIRECT_URIS, ...demoPage],
      /** DEV_IDP_CLIENTS: other apps registered at the dev IdP, for declared providers pointed at it. */
      clients: readDevIdpClients(r, devIdpEnabled),
    },
  };
}
