/**
 * The development identity provider itself: `oidc-provider` (a certified OpenID Provider) configured with our own
 * confidential client, the apps of DEV_IDP_CLIENTS, and keys made at boot. Nothing survives a restart (in-memory adapter, random
 * keys and secret), which is what a development IdP should do.
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { AppLogger } from '../common/logging/app-logger.js';
import type { AppConfig } from '../config/app-config.js';
import type { DevIdpClient } from '../config/dev-idp-clients.js';
import { findAccount } from './dev-idp.accounts.js';
import { DEV_IDP_CLIENT_ID, devIdpIssuer, devIdpRedirectUri } from './dev-idp.client.js';
import { errorPage } from './dev-idp.pages.js';
import type { OidcContext, OidcProvider, OidcProviderModule } from './oidc-provider.types.js';

/** A non-literal specifier: the module is typed in oidc-provider.types.ts and loaded only when the dev IdP is on (it is heavy). */
const OIDC_PROVIDER: string = 'oidc-provider';

/** Every client is first-party here (ours, and the developer's own from DEV_IDP_CLIENTS): consent is implied, as a company IdP does for its own apps; the grant covers what was asked. */
async function grantWhatIsAsked(ctx: OidcContext) {
  const { provider, client, account, session, result, requestParamOIDCScopes, requestParamClaims } = ctx.oidc;
  const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  const grant =
    existing?.accountId === account.accountId ? existing : new provider.Grant({ accountId: account.accountId, clientId: client.clientId });
  grant.addOIDCScope([...requestParamOIDCScopes].join(' '));
  grant.addOIDCClaims([...requestParamClaims]);
  await grant.save();
  return grant;
}

/** A DEV_IDP_CLIENTS entry (src/config/dev-idp-clients.ts) as oidc-provider's client metadata. */
function clientMetadata(client: DevIdpClient): Record<string, unknown> {
  // A native app's private-use scheme (com.example.app:/cb) is refused for a web client (RFC 8252 7.1).
  const native = client.redirectUris.some((uri) => new URL(uri).protocol.slice(0, -1).includes('.'));
  return {
    client_id: client.clientId,
    redirect_uris: client.redirectUris,
    response_types: client.responseTypes,
    grant_types: client.grantTypes,
    ...(client.clientSecret === undefined ? { token_endpoint_auth_method: 'none' } : { client_secret: client.clientSecret }),
    ...(native ? { application_type: 'native' } : {}),
  };
}

/** oidc-provider prints notices (runtime version, in-memory adapter) on the console; they go to our log at debug instead. */
export async function withNoticesLogged<T>(logger: Pick<AppLogger, 'debug'>, make: () => Promise<T>, context = 'DevIdp'): Promise<T> {
  const { warn, info } = console;
  const route =
    (original: typeof warn) =>
    (...args: unknown[]) => {
      if (String(args[0]).startsWith('oidc-provider ')) logger.debug(String(args[0]), context);
      else original(...args);
    };
  [console.warn, console.info] = [route(warn), route(info)];
  try {
    return await make();
  } finally {
    [console.warn, console.info] = [warn, info];
  }
}

export async function createDevIdpProvider(config: AppConfig, logger: AppLogger): Promise<OidcProvider> {
  const issuer = devIdpIssuer(config);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: `dev-idp-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };
  return withNoticesLogged(logger, async () => {
    const { default: Provider, interactionPolicy } = (await import(OIDC_PROVIDER)) as OidcProviderModule;
    const policy = interactionPolicy.base();
    // A developer switches users by signing in again, so every sign-in asks for a username instead of reusing the session.
    policy
      .find((prompt) => prompt.name === 'login')!
      .checks.push(
        new interactionPolicy.Check(
          'dev_idp_every_sign_in',
          'The Dev IdP asks for a username on every sign-in',
          'login_required',
          (ctx) => ctx.oidc.result?.login === undefined,
        ),
      );
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: DEV_IDP_CLIENT_ID,
          client_secret: config.browser.devIdp.clientSecret,
          client_name: 'nest-social-auth',
          redirect_uris: [devIdpRedirectUri(config), ...config.browser.devIdp.redirectUris],
          response_types: ['code'],
          grant_types: ['authorization_code', 'refresh_token'],
        },
        ...config.browser.devIdp.clients.map(clientMetadata),
      ],
      jwks: { keys: [signingKey] },
      findAccount,
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
      pkce: { required: () => true },
      // Without offline_access in the scopes (we ask for openid email profile), so our provider-token refresh has something to use.
      issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
        client.grantTypeAllowed('refresh_token'),
      loadExistingGrant: grantWhatIsAsked,
      interactions: {
        url: async (_ctx: unknown, interaction: { uid: string }) => `${new URL(issuer).pathname}/interaction/${interaction.uid}`,
        policy,
      },
      features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: false } },
      // The ID token carries the granted profile and email claims, as Google's does: a frontend that hands us only
      // its ID token (the token flow) still gives a name and an address. oidc-provider's default puts them in userinfo only.
      conformIdTokenClaims: false,
      // Names of our own, so they cannot meet another cookie of this origin; keys random per boot like everything else.
      cookies: {
        keys: [randomBytes(32).toString('base64url')],
        names: { session: 'dev_idp_session', interaction: 'dev_idp_interaction', resume: 'dev_idp_resume' },
      },
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 60,
        IdToken: 3600,
        RefreshToken: 14 * 86_400,
        Interaction: 600,
        Session: 3600,
        Grant: 14 * 86_400,
      },
      // A browser app of DEV_IDP_CLIENTS without a secret redeems its own code from its page (CORS from its redirect URIs' origins); nobody else.
      clientBasedCORS: (_ctx: unknown, origin: string, client: { clientAuthMethod: string; redirectUris: string[] }) =>
        client.clientAuthMethod === 'none' && client.redirectUris.some((uri) => URL.canParse(uri) && new URL(uri).origin === origin),
      renderError: async (ctx: OidcContext, out: { error: string; error_description?: string }) => {
        ctx.type = 'html';
        ctx.body = errorPage(out.error, out.error_description);
      },
    });
    // Koa reads X-Forwarded-Proto/Host behind any trusted proxy (the dev IdP's issuer comes from PUBLIC_URL, not from them).
    provider.proxy = config.http.trustProxy !== false;
    provider.on('server_error', (_ctx, error) => logger.error(error, 'DevIdp'));
    return provider;
  });
}
