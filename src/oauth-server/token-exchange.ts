/**
 * RFC 8693 token exchange at `/oauth/token`: a registered application allowed this grant sends a
 * Google/Facebook/GitHub/declared provider's access token or ID token (`subject_token`, `subject_token_type`,
 * `subject_issuer` naming our provider id, as Keycloak does) and gets our access token for that application — the
 * standard form of drf-social-oauth2's `convert-token`. The provider token goes through exactly what
 * `POST /auth/{provider}/token` runs: the provider's passport strategy (signature, audience = our client ids,
 * nonce) and then the association pipeline (LoginService.signIn). No consent page: the application already holds
 * the user's token, issued to one of our own client ids.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LoginService } from '../auth/login.service.js';
import { ProviderStrategies } from '../auth/strategies/provider-strategies.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { IdentityProviderRegistry } from '../providers/identity-provider.registry.js';
import { latestGrantId } from './adapter.js';
import { ceilingOf } from './applications/applications.service.js';
import type { OidcClient, ServerProvider, ServerProviderModule } from './oidc-provider.types.js';
import { apiResource } from './scopes.js';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const TOKEN_EXCHANGE_PARAMETERS = [
  'subject_token',
  'subject_token_type',
  'subject_issuer',
  'scope',
  'requested_token_type',
  'audience',
];

interface ExchangeContext {
  oidc: { client: OidcClient; params: Record<string, string | undefined>; provider: ServerProvider };
  body: unknown;
}

@Injectable()
export class TokenExchange {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly registry: IdentityProviderRegistry,
    private readonly strategies: ProviderStrategies,
    private readonly login: LoginService,
  ) {}

  /** The grant's handler (`registerGrantType`): with oidc-provider's errors, and our API as its resource server. */
  handler(errors: ServerProviderModule['errors'], resourceServerInfo: (client: OidcClient) => Record<string, unknown>) {
    const resource = apiResource(this.config);
    return async (ctx: ExchangeContext): Promise<void> => {
      const { client, params, provider } = ctx.oidc;
      const { subject_token: token, subject_token_type: type, subject_issuer: issuer } = params;
      if (!token || !type || !issuer)
        throw new errors.InvalidRequest('subject_token, subject_token_type and subject_issuer (our provider id) are required');
      if (type !== ACCESS_TOKEN_TYPE && type !== ID_TOKEN_TYPE)
        throw new errors.InvalidRequest('subject_token_type must be an access_token or id_token token type');
      if (params.requested_token_type !== undefined && params.requested_token_type !== ACCESS_TOKEN_TYPE)
        throw new errors.InvalidRequest('only access tokens are issued');
      if (params.audience !== undefined && params.audience !== resource)
        throw new errors.InvalidRequest('the only audience here is our API');
      const providerId = this.registry.list().find((p) => p.id === issuer)?.id;
      if (!providerId) throw new errors.InvalidRequest('subject_issuer is not a provider of ours');
      const ceiling = ceilingOf(client);
      const scopes = (params.scope ?? 'openid profile:read').split(' ').filter(Boolean);
      const over = scopes.find((s) => !ceiling.has(s));
      if (over) throw new errors.InvalidScope('requested scope is not allowed', over);

      let userId: string;
      try {
        const identity = await this.strategies.verifyToken(
          providerId,
          type === ID_TOKEN_TYPE ? { id_token: token } : { access_token: token },
        );
        ({ userId } = await this.login.signIn(identity));
      } catch (error) {
        // A refused token (or account) is the client's problem: invalid_grant, with our reason; anything else is ours.
        if (error instanceof AppError && error.status < 500) throw new errors.InvalidGrant(`${error.code}: ${error.message}`);
        throw error;
      }

      const grantId = await latestGrantId(this.dataSource, this.box, userId, client.clientId);
      const existing = grantId ? await provider.Grant.find(grantId) : undefined;
      const grant = existing ?? new provider.Grant({ accountId: userId, clientId: client.clientId });
      const resourceScopes = scopes.filter((s) => s !== 'offline_access');
      grant.addResourceScope(resource, resourceScopes.join(' '));
      if (scopes.includes('openid')) grant.addOIDCScope('openid');
      const savedGrantId = await grant.save();

      const accessToken = new provider.AccessToken({
        accountId: userId,
        client,
        grantId: savedGrantId,
        gty: TOKEN_EXCHANGE,
        scope: resourceScopes.join(' '),
      });
      accessToken.resourceServer = new provider.ResourceServer(resource, resourceServerInfo(client));
      const value = await accessToken.save();
      ctx.body = {
        access_token: value,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: accessToken.expiration,
        scope: resourceScopes.join(' '),
      };
    };
  }
}
