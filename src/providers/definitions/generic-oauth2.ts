/**
 * Any plain OAuth 2.0 provider, declared by configuration: the code is redeemed at `tokenUrl` with our client
 * secret (RFC 6749 4.1.3, with the RFC 7636 verifier) and the profile is read from `userinfoUrl` through the
 * declared `profile` mapping. There is no `token` flow: an access token a frontend hands us carries no audience we
 * could check, so it could have been issued to any other app (a preset whose provider can tell us, like Discord's,
 * adds one). Presets extend it through the protected hooks.
 */
import { AppError } from '../../common/errors/app-error.js';
import type { OAuth2ProviderConfig } from '../../config/custom-provider-config.js';
import type { ProviderHttpClient } from '../http/provider-http.client.js';
import {
  type CodeFlow,
  type CodeGrant,
  type IdentityProvider,
  type LoginFlow,
  type NormalizedProfile,
  type ProviderDescription,
  type ProviderTokens,
  type VerifiedIdentity,
} from '../identity-provider.types.js';
import { buildAuthorizationUrl, redeemAuthorizationCode, redeemRefreshToken, type ConfidentialClient } from '../oauth2/relying-party.js';
import { providerTokensFrom } from '../oauth2/token-values.js';
import { checkedProfile, type ClaimRules } from '../profile-claims.js';
import { providerError } from '../provider-error.js';

export type Json = Record<string, unknown>;

/** `data.id` in `{ "data": { "id": 7 } }`; undefined when any step is missing. */
export function atPath(json: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Json)[key] : undefined), json);
}

export class GenericOAuth2IdentityProvider implements IdentityProvider {
  readonly id: string;
  readonly displayName: string;
  readonly flows: readonly LoginFlow[] = [];
  /** Absent without our client secret. */
  readonly codeFlow?: CodeFlow;
  readonly refreshAccessToken?: (refreshToken: string) => Promise<ProviderTokens>;
  private readonly client: ConfidentialClient | undefined;

  constructor(
    protected readonly config: OAuth2ProviderConfig,
    protected readonly http: ProviderHttpClient,
  ) {
    this.id = config.id;
    this.displayName = config.displayName;
    if (config.clientSecret === undefined) return;
    const { tokenUrl, clientIds, clientSecret, tokenAuthMethod: authMethod, scopes, scopeSeparator } = config;
    const client = (this.client = { tokenUrl, clientId: clientIds[0], clientSecret, authMethod });
    this.codeFlow = {
      redirectUris: config.redirectUris,
      returnsIdToken: false,
      authorizationUrl: async (request) =>
        buildAuthorizationUrl(config.authorizationUrl, { clientId: client.clientId, scopes, scopeSeparator }, request),
      exchangeCode: async (grant) => ({ identity: await this.exchangeCode(grant), nonce: undefined }),
    };
    this.refreshAccessToken = async (refreshToken) => providerTokensFrom(await redeemRefreshToken(this.http, this, client, refreshToken));
  }

  async describe(): Promise<ProviderDescription> {
    const { clientIds, scopes, authorizationUrl } = this.config;
    return { type: 'oauth2', clientIds, scopes, authorizationEndpoint: authorizationUrl };
  }

  /** A token we redeemed ourselves is ours by construction: no audience check is needed before reading the profile. */
  private async exchangeCode(grant: CodeGrant): Promise<VerifiedIdentity> {
    const answer = await redeemAuthorizationCode(this.http, this, this.client!, grant);
    const userinfo = await this.userinfo(answer.access_token);
    return { provider: this.id, profile: this.profile(userinfo), tokens: providerTokensFrom(answer), extraData: { scope: answer.scope } };
  }

  /** The userinfo JSON. A token the provider refuses here (revoked, expired) is `invalid_provider_token`. */
  protected async userinfo(accessToken: string): Promise<Json> {
    const answer = await this.http.send(this.id, { url: this.config.userinfoUrl, headers: { authorization: `Bearer ${accessToken}` } });
    if (answer.status === 401 || answer.status === 403) {
      throw new AppError(
        'invalid_provider_token',
        `${this.displayName} refused the access token at its userinfo endpoint (HTTP ${answer.status})`,
      );
    }
    if (answer.status !== 200 || answer.json === null || typeof answer.json !== 'object') {
      throw new AppError('provider_unavailable', `${this.displayName} answered its userinfo endpoint with HTTP ${answer.status}`);
    }
    return answer.json as Json;
  }

  /** The declared mapping. Email trust: verified only per `profile.emailVerified`, linked only with `trustEmailForLinking`. */
  protected profile(json: Json): NormalizedProfile {
    const map = this.config.profile;
    const at = (path: string | undefined) => (path === undefined ? undefined : atPath(json, path));
    const uid = atPath(json, map.uid);
    // Nothing there at all is more likely our mapping than the user's token: the hint goes to the operator's log.
    if (uid === undefined || uid === null) {
      throw providerError(
        'provider_unavailable',
        `${this.displayName} answered without a user id`,
        `${this.id} userinfo has no user id at "${map.uid}" (check the provider's profile mapping)`,
      );
    }
    const profile = checkedProfile(
      {
        uid,
        email: at(map.email),
        emailVerified: typeof map.emailVerified === 'string' ? atPath(json, map.emailVerified) : map.emailVerified,
        username: at(map.username),
        name: at(map.name),
        picture: at(map.picture),
      },
      this.claimRules,
    );
    return { ...profile, emailTrustedForLinking: profile.emailVerified && this.config.trustEmailForLinking };
  }

  /** A declared mapping may point at a numeric id, and at a flag some APIs send as "true"/"false"; presets say what their provider documents. */
  protected get claimRules(): ClaimRules {
    return { provider: this.id, ids: 'either', verifiedAsString: true };
  }
}
