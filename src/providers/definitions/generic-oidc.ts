/**
 * Any OpenID Connect provider, declared by configuration (src/config/providers-file.ts): endpoints and keys
 * come from its discovery document, ID tokens are verified locally (OIDC Core 3.1.3.7), and opaque access tokens
 * are only accepted when the provider can tell us whom they were issued to (RFC 7662 introspection).
 */
import type { JWTPayload } from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderHttpClient } from '../../common/http/provider-http.client.js';
import type { CustomProviderConfig } from '../../config/providers-file.js';
import { optionalString, type IdentityProvider, type LoginFlow, type NormalizedProfile, type ProviderDescription, type VerifiedIdentity } from '../identity-provider.types.js';
import { idTokenAlgorithms, OidcDiscovery, type OidcDiscoveryDocument } from '../oidc/discovery.js';
import { verifyIdToken } from '../oidc/id-token.verifier.js';
import { RemoteJwks, type JwksCachePolicy } from '../oidc/remote-jwks.js';

/** RFC 7662 2.2; `aud` may be a string or a list. */
interface Introspection {
  active?: unknown;
  client_id?: unknown;
  aud?: unknown;
  sub?: unknown;
  exp?: unknown;
  scope?: unknown;
}

export class GenericOidcIdentityProvider implements IdentityProvider {
  readonly id: string;
  readonly displayName: string;
  /** Absent without a client secret: the strategy then answers `unsupported_grant` for access tokens. */
  readonly verifyAccessToken?: (accessToken: string) => Promise<VerifiedIdentity>;
  private readonly discovery: OidcDiscovery;
  /** Built from the discovered `jwks_uri`; rebuilt if a refreshed discovery document moves it. */
  private jwks: { uri: string; keys: RemoteJwks } | undefined;

  constructor(
    private readonly config: CustomProviderConfig,
    private readonly http: ProviderHttpClient,
    private readonly cache: JwksCachePolicy,
  ) {
    this.id = config.id;
    this.displayName = config.displayName;
    this.discovery = new OidcDiscovery(config.id, config.issuer, http, cache);
    if (config.clientSecret !== undefined) this.verifyAccessToken = (token) => this.verifyOpaqueAccessToken(token);
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
    const doc = await this.discovery.get();
    const claims = await verifyIdToken(idToken, {
      provider: this.id,
      jwks: this.jwksOf(doc),
      issuers: [this.config.issuer],
      clientIds: this.config.clientIds,
      algorithms: idTokenAlgorithms(this.id, doc),
    });
    return { identity: { provider: this.id, profile: this.profile(claims), tokens: {}, extraData: {} }, nonce: optionalString(claims.nonce) };
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
    const info = await this.introspect(doc.introspection_endpoint, accessToken);
    if (!doc.userinfo_endpoint) throw new AppError('provider_unavailable', `${this.id} publishes no userinfo_endpoint`);
    const userinfo = await this.http.send(this.id, { url: doc.userinfo_endpoint, headers: { authorization: `Bearer ${accessToken}` } });
    if (userinfo.status !== 200) throw new AppError('invalid_provider_token', `${this.displayName} rejected the access token at userinfo`);
    const claims = (userinfo.json ?? {}) as Record<string, unknown>;
    // OIDC Core 5.3.2: the userinfo `sub` must be the subject the token was issued for.
    if (!optionalString(claims.sub) || (info.sub !== undefined && claims.sub !== info.sub)) {
      throw new AppError('provider_unavailable', `${this.id} userinfo answered for another subject than introspection`);
    }
    const exp = Number(info.exp);
    return {
      provider: this.id,
      profile: this.profile(claims),
      tokens: { accessToken, expiresAt: Number.isFinite(exp) && exp > 0 ? new Date(exp * 1000) : undefined },
      extraData: { scope: optionalString(info.scope), clientId: optionalString(info.client_id) },
    };
  }

  private async introspect(endpoint: string, accessToken: string): Promise<Introspection> {
    const [clientId] = this.config.clientIds;
    // RFC 6749 2.3.1: id and secret are form-encoded before they are joined for Basic.
    const basic = Buffer.from(`${formEncode(clientId!)}:${formEncode(this.config.clientSecret!)}`).toString('base64');
    const answer = await this.http.send(this.id, {
      method: 'POST',
      url: endpoint,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }).toString(),
    });
    if (answer.status !== 200) {
      throw new AppError('provider_unavailable', `${this.id} refused our client credentials at its introspection endpoint (HTTP ${answer.status})`);
    }
    const info = (answer.json ?? {}) as Introspection;
    if (info.active !== true) throw new AppError('invalid_provider_token', `${this.displayName} says the access token is not active`);
    // The audience check of the token flow: a token the user gave another app must not log in here.
    // `client_id` says who the token was issued to; only without it do we fall back to `aud`.
    const audiences = info.client_id !== undefined ? [info.client_id] : [info.aud].flat();
    if (!audiences.some((aud) => this.config.clientIds.includes(String(aud)))) {
      throw new AppError('provider_token_audience_mismatch', `The ${this.displayName} access token was issued to another application`);
    }
    return info;
  }

  private jwksOf(doc: OidcDiscoveryDocument): RemoteJwks {
    if (this.jwks?.uri !== doc.jwks_uri) this.jwks = { uri: doc.jwks_uri, keys: new RemoteJwks(this.id, doc.jwks_uri, this.http, this.cache) };
    return this.jwks.keys;
  }

  /** Email trust: verified per the configured claim, trusted for linking only when the operator opted in. */
  private profile(claims: JWTPayload | Record<string, unknown>): NormalizedProfile {
    const email = optionalString(claims.email)?.toLowerCase();
    const flag = claims[this.config.emailVerifiedClaim];
    const emailVerified = email !== undefined && (flag === true || flag === 'true');
    return {
      uid: String(claims.sub),
      email,
      emailVerified,
      emailTrustedForLinking: emailVerified && this.config.trustEmailForLinking,
      username: optionalString(claims.preferred_username),
      name: optionalString(claims.name),
      firstName: optionalString(claims.given_name),
      lastName: optionalString(claims.family_name),
      picture: optionalString(claims.picture),
    };
  }
}

const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
