/**
 * Our authorization server: one oidc-provider instance, configured from our configuration and storing through
 * our database (adapter.ts), so any instance serves any step of a flow. Built once, on first use (the module is
 * heavy and async to load). Its issuer is JWT_ISSUER, the `iss` of our first-party tokens too.
 */
import { hkdfSync } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SigningKeyService } from '../auth/tokens/signing-keys.service.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { withNoticesLogged } from '../dev-idp/dev-idp.provider.js';
import type { OidcContext } from '../dev-idp/oidc-provider.types.js';
import { UsersService } from '../users/users.service.js';
import { latestGrantId, purgeExpired, sha256Hex, typeOrmAdapterFactory, type AdapterPayload } from './adapter.js';
import { clientSecretMatches, newClientSecret } from './applications/application-secrets.js';
import { ApplicationsService, ceilingOf, FIRST_PARTY, SCOPE_CEILING } from './applications/applications.service.js';
import { CLAIMS_BY_SCOPE, claimsForScopes } from './claims.js';
import type { KoaContext, OidcClient, ServerGrant, ServerProvider, ServerProviderModule } from './oidc-provider.types.js';
import { errorPage } from './pages.js';
import { pkceRequired } from './pkce-policy.js';
import {
  asClientMetadataError,
  configuredInitialAccessTokens,
  presentRegisteredClient,
  registeredInput,
  REGISTRATION_POLICY,
  registrationPolicy,
} from './registration.js';
import { API_SCOPES, apiResource, OIDC_SCOPES, SCOPE_NAMES } from './scopes.js';
import { TOKEN_EXCHANGE, TOKEN_EXCHANGE_PARAMETERS, TokenExchange } from './token-exchange.js';
import { userIsActive } from './tokens/account-state.js';
import { GrantLiveness } from './tokens/grant-liveness.js';

/** A non-literal specifier, as in the dev IdP: the module is typed in oidc-provider.types.ts. */
const OIDC_PROVIDER: string = 'oidc-provider';
const PURGE_EVERY_MS = 10 * 60_000;

const ownTokensOnly = async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) =>
  token.clientId === client.clientId;

/** Scopes of our API a token may carry: the API's own, and OpenID's (our userinfo endpoint is part of the API). */
const RESOURCE_SCOPES = new Set([...Object.keys(API_SCOPES), 'openid', 'profile', 'email']);

/** The path our own interaction pages live at: `/oauth/interaction/:uid`. */
export const interactionPath = (config: AppConfig, uid: string): string =>
  `${new URL(config.browser.publicUrl).pathname.replace(/\/$/, '')}${config.oauthServer.path}/interaction/${uid}`;

/**
 * Cookie keys derived from ENCRYPTION_KEYS (HKDF, one purpose-bound key each, in the same order: the first signs,
 * all verify), so every instance signs cookies alike and a restart keeps sign-ins; never a key made per process.
 */
export function cookieKeys(config: AppConfig): string[] {
  return config.encryption.keys.map(({ key }) =>
    Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'nest-social-auth oauth-server cookies', 32)).toString('base64url'),
  );
}

@Injectable()
export class OAuthProviderService implements OnModuleDestroy {
  private readonly logger = new Logger('OAuthServer');
  private providerPromise: Promise<ServerProvider> | undefined;
  private purger: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly box: SecretBox,
    private readonly keys: SigningKeyService,
    private readonly users: UsersService,
    private readonly applications: ApplicationsService,
    private readonly liveness: GrantLiveness,
    private readonly tokenExchange: TokenExchange,
  ) {}

  provider(): Promise<ServerProvider> {
    this.providerPromise ??= this.create();
    return this.providerPromise;
  }

  onModuleDestroy(): void {
    clearInterval(this.purger);
  }

  private async create(): Promise<ServerProvider> {
    const config = this.config;
    const { oauthServer: settings } = config;
    const oidc = await withNoticesLogged(this.logger, async () => (await import(OIDC_PROVIDER)) as ServerProviderModule, 'OAuthServer');
    const { default: Provider, errors } = oidc;
    const algorithm = config.jwt.algorithm;
    const resource = apiResource(config);
    const secure = config.browser.publicUrl.startsWith('https:');
    const cookieOptions = { httpOnly: true, sameSite: 'lax', secure, signed: true, overwrite: true };
    /** Our API as a resource server (RFC 8707): RFC 9068 JWTs, at most the application's ceiling. */
    const resourceServerInfo = (client: OidcClient) => ({
      scope: resourceScopesOf(client),
      audience: resource,
      accessTokenTTL: settings.accessTokenTtlSeconds,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: algorithm } },
    });

    const dynamic = settings.dynamicRegistration;
    const Invalid = errors.InvalidClientMetadata;
    // With dynamic registration on, oidc-provider writes clients too: as applications, under our rules (registration.ts).
    const clients = dynamic.enabled
      ? {
          ...this.applications.clientAdapter,
          upsert: (id: string, metadata: AdapterPayload) =>
            asClientMetadataError(Invalid, () =>
              this.applications.saveRegistered(id, registeredInput(metadata), metadata.client_secret as string | undefined),
            ),
          destroy: (id: string) => this.applications.remove(id),
        }
      : this.applications.clientAdapter;
    const provider = new Provider(config.jwt.issuer, {
      adapter: typeOrmAdapterFactory({
        dataSource: this.dataSource,
        tx: this.tx,
        box: this.box,
        clients,
        initialAccessTokens: configuredInitialAccessTokens(dynamic.enabled ? dynamic.initialAccessTokenHashes : []),
        alreadyConsumed: () => new errors.InvalidGrant('grant request is invalid: already used'),
        refreshReuseGraceSeconds: settings.refreshReuseGraceSeconds,
      }),
      // Our signing keys, the very ones /.well-known/jwks.json publishes, with the same `kid`s.
      jwks: {
        keys: this.keys.jwks.keys.map((jwk) => ({
          ...(this.keys.find(jwk.kid)!.privateKey.export({ format: 'jwk' }) as object),
          kid: jwk.kid,
          alg: jwk.alg,
          use: 'sig',
        })),
      },
      cookies: {
        keys: cookieKeys(config),
        names: { session: 'oauth_session', interaction: 'oauth_interaction', resume: 'oauth_resume' },
        long: cookieOptions,
        short: cookieOptions,
      },
      // The token endpoint (`/token`), the key set (`/jwks`) and PAR (`/request`) keep oidc-provider's paths.
      routes: {
        authorization: '/authorize',
        revocation: '/revoke',
        introspection: '/introspect',
        registration: '/register',
        end_session: '/logout',
      },
      responseTypes: ['code'],
      scopes: SCOPE_NAMES.filter((s) => s in OIDC_SCOPES),
      claims: { ...CLAIMS_BY_SCOPE },
      clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
      clientDefaults: { id_token_signed_response_alg: algorithm },
      // No HS*: the client secret we hold is a hash, not a key (and must not become one). The other lists belong to
      // features left off (JWT userinfo, introspection and responses, request objects): oidc-provider empties them.
      enabledJWA: { idTokenSigningAlgValues: [algorithm], clientAuthSigningAlgValues: ['ES256', 'RS256'] },
      extraClientMetadata: { properties: [FIRST_PARTY, SCOPE_CEILING] },
      pkce: { required: pkceRequired },
      allowOmittingSingleRegisteredRedirectUri: false,
      ttl: {
        AccessToken: settings.accessTokenTtlSeconds,
        ClientCredentials: settings.accessTokenTtlSeconds,
        AuthorizationCode: settings.codeTtlSeconds,
        IdToken: 3600,
        RefreshToken: settings.refreshTokenTtlSeconds,
        Grant: settings.refreshTokenTtlSeconds,
        Session: settings.sessionTtlSeconds,
        Interaction: 600,
      },
      // Every use of a refresh token rotates it; the used one is consumed (adapter.ts), presenting it again revokes the
      // grant (after OAUTH_REFRESH_REUSE_GRACE_SECONDS, if set: within it, a plain invalid_grant; ADR 0023).
      rotateRefreshToken: true,
      issueRefreshToken: async (_ctx: unknown, client: OidcClient) => client.grantTypeAllowed('refresh_token'),
      // Tokens outlive the sign-in at /oauth: that session only spares the user a second social sign-in.
      expiresWithSession: async () => false,
      findAccount: async (ctx: { oidc?: { session?: Record<string, unknown> } }, sub: string) => {
        const user = await this.users.get(sub).catch(() => undefined);
        if (!user) {
          // The sign-in at /oauth of a user since deactivated or deleted ends here: oidc-provider would otherwise go on
          // with a session naming nobody (its consent check fails with a server error); now it asks for a sign-in.
          // oidc-provider's session proxy refuses `accountId = undefined`, not a delete; the assignment marks it changed, to be saved so.
          const session = ctx.oidc?.session;
          if (session?.accountId === sub) {
            for (const field of ['accountId', 'loginTs', 'amr', 'acr'] as const) delete session[field];
            session.authorizations = {};
          }
          return undefined;
        }
        return { accountId: user.id, claims: async (_use: string, scope: string) => claimsForScopes(user, new Set(scope.split(' '))) };
      },
      loadExistingGrant: (ctx: GrantContext) => this.existingGrant(ctx),
      interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => interactionPath(config, interaction.uid) },
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: { enabled: false },
        userinfo: { enabled: false },
        // A client learns about its own tokens only: by default oidc-provider lets any confidential client introspect
        // any token, which would tell one partner who uses another's app and with which scopes. Our own API verifies
        // tokens itself and needs no introspection right over others' (RFC 7662 §4: the server decides who may ask).
        introspection: { enabled: true, allowedPolicy: ownTokensOnly },
        // RFC 7009 §2.1: only the client the token was issued to may revoke it (oidc-provider's default rule, stated).
        revocation: { enabled: true, allowedPolicy: ownTokensOnly },
        clientCredentials: { enabled: true },
        // Dynamic client registration (RFC 7591/7592): off unless OAUTH_DYNAMIC_REGISTRATION_ENABLED, and then only
        // with a configured initial access token, whose policy holds the client to our rules (ADR 0024).
        registration: {
          enabled: dynamic.enabled,
          initialAccessToken: true,
          issueRegistrationAccessToken: true,
          secretFactory: async () => newClientSecret(),
          policies: { [REGISTRATION_POLICY]: registrationPolicy(this.applications, Invalid) },
        },
        registrationManagement: { enabled: dynamic.enabled, rotateRegistrationAccessToken: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => resource,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (ctx: { oidc: { params?: { scope?: unknown } } }, indicator: string, client: OidcClient) => {
            if (indicator !== resource) throw new errors.InvalidTarget('the only resource here is our API');
            const ceiling = ceilingOf(client);
            // A scope over the application's ceiling (or unknown here) is refused, not quietly dropped.
            const asked = typeof ctx.oidc.params?.scope === 'string' ? ctx.oidc.params.scope.split(' ') : [];
            const over = asked.find((s) => s && !ceiling.has(s));
            if (over) throw new errors.InvalidScope('requested scope is not allowed', over);
            return resourceServerInfo(client);
          },
        },
      },
      // Names the grant in the token (as a hash: the grant id is none of the client's business), so our API
      // stops the token as soon as the grant is revoked (GrantLiveness).
      extraTokenClaims: async (_ctx: unknown, token: { grantId?: string; kind: string }) =>
        token.grantId ? { gid: sha256Hex(token.grantId) } : undefined,
      clientBasedCORS: (_ctx: unknown, origin: string, client: OidcClient) =>
        client.clientAuthMethod === 'none' && client.redirectUris.some((uri) => URL.canParse(uri) && new URL(uri).origin === origin),
      renderError: async (ctx: KoaContext, out: { error: string; error_description?: string }) => {
        ctx.type = 'html';
        ctx.body = errorPage(out.error, out.error_description);
      },
    });
    // Koa knows only "behind a proxy or not": with TRUST_PROXY naming our proxies, take X-Forwarded-Proto for the
    // secure cookies; the issuer is fixed, so a forged X-Forwarded-Host builds no URL.
    provider.proxy = config.http.trustProxy !== false;
    provider.registerGrantType(TOKEN_EXCHANGE, this.tokenExchange.handler(errors, resourceServerInfo), TOKEN_EXCHANGE_PARAMETERS);
    // The stored `client_secret` is the secret's hash (applications/application-secrets.ts).
    provider.Client.prototype.compareClientSecret = async function (this: { clientSecret?: string }, actual: string) {
      return clientSecretMatches(this.clientSecret, actual);
    };
    provider.use(async (ctx, next) => {
      await next();
      presentRegisteredClient(ctx);
      await this.inactiveIfUserEnded(ctx);

      // Discovery names the one key set of this app, and our own userinfo endpoint (part of our API).
      if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
        Object.assign(ctx.body, {
          jwks_uri: `${config.browser.publicUrl}/.well-known/jwks.json`,
          userinfo_endpoint: `${config.browser.publicUrl}${settings.path}/userinfo`,
        });
      }
    });
    // RFC 7009 revocation (and a reused code or refresh token) revokes the grant: its access tokens stop at our API.
    provider.on('grant.revoked', (_ctx, grantId) => void this.liveness.ended(sha256Hex(String(grantId))));
    provider.on('server_error', (_ctx, error) => this.logger.error(error instanceof Error ? error.stack : String(error)));
    this.purger = setInterval(
      () => void purgeExpired(this.dataSource, this.tx).catch((error: Error) => this.logger.warn(`purge: ${error.message}`)),
      PURGE_EVERY_MS,
    ).unref();
    return provider;
  }

  /**
   * Consent is remembered per (user, client), across sign-ins: the grant of this session, else the user's latest
   * grant to this client. A first-party application is granted what it asks within its ceiling, without asking.
   */
  private async existingGrant(ctx: GrantContext): Promise<ServerGrant | undefined> {
    const { provider, client, session, result } = ctx.oidc;
    const accountId = session.accountId;
    if (!accountId) return undefined;
    const grantId =
      result?.consent?.grantId ??
      session.grantIdFor(client.clientId) ??
      (await latestGrantId(this.dataSource, this.box, accountId, client.clientId));
    let grant = grantId ? await provider.Grant.find(grantId) : undefined;
    if (grant && (grant.accountId !== accountId || grant.clientId !== client.clientId)) grant = undefined;
    if (client[FIRST_PARTY] === true) {
      grant ??= new provider.Grant({ accountId, clientId: client.clientId });
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
      grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
      grant.addResourceScope(apiResource(this.config), resourceScopesOf(client));
      await grant.save();
    }
    return grant;
  }

  /**
   * A deactivated or deleted user's tokens are inactive (ADR 0039): oidc-provider's introspection checks the token
   * and its grant, not the account, which refresh (findAccount) and the sign-in at /oauth do check.
   */
  private async inactiveIfUserEnded(ctx: KoaContext): Promise<void> {
    const body = ctx.body as { active?: unknown; sub?: unknown } | undefined;
    if (ctx.oidc?.route !== 'introspection' || typeof body !== 'object' || body?.active !== true || typeof body.sub !== 'string') return;
    if (!(await userIsActive(this.users, body.sub))) ctx.body = { active: false };
  }
}

/** The scopes of our API (RESOURCE_SCOPES) within the application's ceiling. */
const resourceScopesOf = (client: OidcClient): string => {
  const ceiling = ceilingOf(client);
  return [...RESOURCE_SCOPES].filter((s) => ceiling.has(s)).join(' ');
};

interface GrantContext {
  oidc: Omit<OidcContext['oidc'], 'provider'> & { provider: ServerProvider; client: OidcClient; session: { accountId?: string } };
}
