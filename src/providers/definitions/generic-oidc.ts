/**
 * Any OpenID Connect provider, declared by configuration (src/config/providers-file.ts): endpoints and keys
 * come from its discovery document, ID tokens are verified locally (OIDC Core 3.1.3.7), and opaque access tokens
 * are only accepted when the provider can tell us whom they were issued to (RFC 7662 introspection).
 * Presets (src/providers/presets/) extend it through the protected hooks below; each hook's default is the standard.
 */
import type { JWTPayload } from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import type { OidcProviderConfig } from '../../config/custom-provider-config.js';
import type { ProviderHttpClient } from '../http/provider-http.client.js';
import {
  optionalString,
  type CodeFlow,
  type CodeGrant,
  type IdentityProvider,
  type LoginFlow,
  type NormalizedProfile,
  type ProviderDescription,
  type ProviderTokens,
  type VerifiedIdentity,
} from '../identity-provider.types.js';
import {
  buildAuthorizationUrl,
  fetchUserinfo,
  introspect,
  redeemAuthorizationCode,
  redeemRefreshToken,
  type ConfidentialClient,
} from '../oauth2/relying-party.js';
import { dateFromEpochSeconds, providerTokensFrom } from '../oauth2/token-values.js';
import { idTokenAlgorithms, OidcDiscovery, type OidcDiscoveryDocument } from '../oidc/discovery.js';
import { verifyIdToken } from '../oidc/id-token.verifier.js';
import { RemoteJwks, type JwksCachePolicy } from '../oidc/remote-jwks.js';
import { claimNonce, checkedProfile, type ClaimRules } from '../profile-claims.js';

export class GenericOidcIdentityProvider implements IdentityProvider {
  readonly id: string;
  readonly displayName: string;
  /** Absent without a client secret: the strategy then answers `unsupported_grant` for access tokens. */
  readonly verifyAccessToken?: (accessToken: string) => Promise<VerifiedIdentity>;
  /** Absent without our client's credentials: the code is redeemed by our confidential client (the first client id). */
  readonly codeFlow?: CodeFlow;
  readonly refreshAccessToken?: (refreshToken: string) => Promise<ProviderTokens>;
  private readonly discovery: OidcDiscovery;
  /** Built from the discovered `jwks_uri`; rebuilt if a refreshed discovery document moves it. */
  private jwks: { uri: string; keys: RemoteJwks } | undefined;

  constructor(
    protected readonly config: OidcProviderConfig,
    protected readonly http: ProviderHttpClient,
    protected readonly cache: JwksCachePolicy,
  ) {
    this.id = config.id;
    this.displayName = config.displayName;
    // The hooks called here run before a subclass's own fields exist: they may read `config` only.
    // Where its discovery document may send us (src/providers/oidc/discovery.ts).
    const endpoints = { httpAllowed: config.insecureHttpAllowed, trustedOrigins: config.trustedEndpointOrigins };
    this.discovery = new OidcDiscovery(config.id, config.issuer, http, cache, endpoints, { publishedIssuer: this.publishedIssuer() });
    if (config.clientSecret !== undefined) this.verifyAccessToken = (token) => this.verifyOpaqueAccessToken(token);
    if (this.hasClientCredentials()) {
      const params = this.authorizationParams();
      this.codeFlow = {
        redirectUris: config.redirectUris,
        returnsIdToken: this.sendsNonce(),
        responseMode: params.response_mode === 'form_post' ? 'form_post' : 'query',
        authorizationUrl: async (request) => {
          const { authorization_endpoint: endpoint } = await this.discovery.get();
          if (!endpoint) throw new AppError('provider_unavailable', `${this.id} publishes no authorization_endpoint`);
          return buildAuthorizationUrl(endpoint, { clientId: config.clientIds[0], scopes: config.scopes }, request, params);
        },
        exchangeCode: (grant) => this.exchangeCode(grant),
      };
      this.refreshAccessToken = async (refreshToken) => {
        const client = await this.confidentialClient(await this.discovery.get());
        return providerTokensFrom(await redeemRefreshToken(this.http, this, client, refreshToken));
      };
    }
  }

  /** `token` needs our client secret and, once discovery is known, an introspection endpoint. */
  get flows(): readonly LoginFlow[] {
    const introspects = this.verifyAccessToken && this.discovery.current?.introspection_endpoint !== undefined;
    return introspects ? ['token', 'id_token'] : ['id_token'];
  }

  /** The authorization endpoint comes from (cached) discovery; a provider that is down is still listed, without it. */
  async describe(): Promise<ProviderDescription> {
    const doc = await this.discovery.get().catch(() => undefined);
    const { clientIds, scopes } = this.config;
    return { type: 'oidc', clientIds, scopes, authorizationEndpoint: doc?.authorization_endpoint };
  }

  async verifyIdToken(idToken: string): Promise<{ identity: VerifiedIdentity; nonce: string | undefined }> {
    const claims = await this.verifiedClaims(idToken, await this.discovery.get());
    return {
      identity: { provider: this.id, profile: this.profile(claims), tokens: {}, extraData: this.extraData(claims) },
      nonce: claimNonce(this.claimRules, claims.nonce),
    };
  }

  // Hooks for presets -------------------------------------------------------------------------------------------

  /** The `issuer` its discovery document publishes: Entra's multi-tenant one names a template instead of its own URL. */
  protected publishedIssuer(): string {
    return this.config.issuer;
  }

  /** Whether we can authenticate at the token endpoint (Apple: a signing key instead of a secret). */
  protected hasClientCredentials(): boolean {
    return this.config.clientSecret !== undefined;
  }

  protected async clientSecret(): Promise<string> {
    return this.config.clientSecret!;
  }

  /** Extra authorization-request parameters (Apple's `response_mode=form_post`). */
  protected authorizationParams(): Record<string, string> {
    return {};
  }

  /** Whether the provider puts the authorization request's nonce in its ID token (OIDC Core 3.1.2.1). */
  protected sendsNonce(): boolean {
    return true;
  }

  /** The `iss` this (not yet verified) token must carry: the configured issuer, or Entra's per-tenant one. */
  protected issuersFor(_idToken: string): string[] {
    return [this.config.issuer];
  }

  /**
   * Email trust: verified per the configured claim, trusted for linking only when the operator opted in.
   * `grant`: the code grant the claims came from, when they came from one (Apple's first-login name).
   */
  protected profile(claims: JWTPayload | Record<string, unknown>, _grant?: CodeGrant): NormalizedProfile {
    const profile = checkedProfile(
      {
        uid: claims.sub,
        email: claims.email,
        emailVerified: claims[this.config.emailVerifiedClaim],
        username: claims.preferred_username,
        name: claims.name,
        firstName: claims.given_name,
        lastName: claims.family_name,
        picture: claims.picture,
      },
      this.claimRules,
    );
    return { ...profile, emailTrustedForLinking: profile.emailVerified && this.config.trustEmailForLinking };
  }

  /** OIDC Core 5.1: `sub` is a string; `email_verified` a boolean, though Apple and others send "true"/"false". */
  protected get claimRules(): ClaimRules {
    return { provider: this.id, verifiedAsString: true };
  }

  protected extraData(_claims: JWTPayload): VerifiedIdentity['extraData'] {
    return {};
  }

  // ------------------------------------------------------------------------------------------------------------

  private verifiedClaims(idToken: string, doc: OidcDiscoveryDocument): Promise<JWTPayload> {
    if (this.jwks?.uri !== doc.jwks_uri)
      this.jwks = { uri: doc.jwks_uri, keys: new RemoteJwks(this.id, doc.jwks_uri, this.http, this.cache) };
    return verifyIdToken(idToken, {
      provider: this.id,
      jwks: this.jwks.keys,
      issuers: this.issuersFor(idToken),
      clientIds: this.config.clientIds,
      algorithms: idTokenAlgorithms(this.id, doc),
    });
  }

  /**
   * OIDC Core 3.1.3: the code is redeemed by our confidential client, the ID token is verified like any other
   * (3.1.3.7), and the profile is read from userinfo, whose `sub` must be the ID token's (5.3.2): providers put
   * few claims in the ID token of a code flow.
   */
  private async exchangeCode(grant: CodeGrant): Promise<{ identity: VerifiedIdentity; nonce: string | undefined }> {
    const doc = await this.discovery.get();
    const answer = await redeemAuthorizationCode(this.http, this, await this.confidentialClient(doc), grant);
    if (!answer.id_token) throw new AppError('provider_unavailable', `${this.id} answered the code without an id_token`);
    const claims = await this.verifiedClaims(answer.id_token, doc);
    // A `sub` that is no string is refused by `profile`, which names the claim in the log; userinfo is not asked then.
    // A userinfo endpoint that refuses the token leaves the ID token's claims (OIDC Core 5.3.2 still holds for an answer).
    const info = typeof claims.sub === 'string' ? await this.userinfo(doc, answer.access_token, claims.sub, 'the ID token') : undefined;
    const merged = { ...info, ...claims };
    return {
      identity: {
        provider: this.id,
        profile: this.profile(merged, grant),
        tokens: providerTokensFrom(answer),
        extraData: { ...this.extraData(claims), scope: answer.scope },
      },
      nonce: claimNonce(this.claimRules, claims.nonce),
    };
  }

  private async confidentialClient(doc: OidcDiscoveryDocument): Promise<ConfidentialClient> {
    if (!doc.token_endpoint) throw new AppError('provider_unavailable', `${this.id} publishes no token_endpoint`);
    // OIDC Discovery 3: when the list is omitted, client_secret_basic is the default.
    const methods = doc.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const discovered =
      methods.includes('client_secret_basic') || !methods.includes('client_secret_post') ? 'client_secret_basic' : 'client_secret_post';
    const authMethod = this.config.tokenAuthMethod ?? discovered;
    return { tokenUrl: doc.token_endpoint, clientId: this.config.clientIds[0], clientSecret: await this.clientSecret(), authMethod };
  }

  /**
   * An opaque access token has no audience we can read, so it is introspected with our client credentials
   * first (RFC 7662, client_secret_basic): only a live token issued to one of our client ids is taken to userinfo.
   */
  private async verifyOpaqueAccessToken(accessToken: string): Promise<VerifiedIdentity> {
    const doc = await this.discovery.get();
    if (!doc.introspection_endpoint) {
      throw new AppError('unsupported_grant', `${this.displayName} cannot introspect access tokens; send an id_token`);
    }
    const endpoints = { issuer: doc.issuer, introspection_endpoint: doc.introspection_endpoint };
    const client = { clientId: this.config.clientIds[0], clientSecret: this.config.clientSecret! };
    const info = await introspect(this.http, this, endpoints, client, accessToken);
    if (info.active !== true) throw new AppError('invalid_provider_token', `${this.displayName} says the access token is not active`);
    // The audience check of the token flow: a token the user gave another app must not log in here.
    // `client_id` says who the token was issued to; only without it do we fall back to `aud`.
    const audiences = info.client_id !== undefined ? [info.client_id] : [info.aud].flat();
    if (!audiences.some((aud) => this.config.clientIds.includes(String(aud)))) {
      throw new AppError('provider_token_audience_mismatch', `The ${this.displayName} access token was issued to another application`);
    }
    if (!doc.userinfo_endpoint) throw new AppError('provider_unavailable', `${this.id} publishes no userinfo_endpoint`);
    // OIDC Core 5.3.2: the userinfo `sub` must be the subject the token was issued for.
    const claims = await this.userinfo(doc, accessToken, typeof info.sub === 'string' ? info.sub : undefined, 'introspection');
    if (!claims) throw new AppError('invalid_provider_token', `${this.displayName} rejected the access token at userinfo`);
    return {
      provider: this.id,
      profile: this.profile(claims),
      tokens: { accessToken, expiresAt: dateFromEpochSeconds(info.exp) },
      extraData: { scope: optionalString(info.scope), clientId: optionalString(info.client_id) },
    };
  }

  /** OIDC Core 5.3 at the discovered endpoint, if there is one; `against`: where the expected `sub` came from. */
  private async userinfo(doc: OidcDiscoveryDocument, accessToken: string, subject: string | undefined, against: string) {
    if (!doc.userinfo_endpoint) return undefined;
    const endpoints = { issuer: doc.issuer, userinfo_endpoint: doc.userinfo_endpoint };
    return fetchUserinfo(this.http, this, endpoints, this.config.clientIds[0], accessToken, { subject, against });
  }
}
