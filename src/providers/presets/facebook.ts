/**
 * Facebook, a preset: `{ "preset": "facebook" }` in PROVIDERS_FILE, or its alias variables `FACEBOOK_*` (ADR 0034).
 * `debug_token` (with our app token) proves the user token is valid and was issued to one of our
 * apps; the Graph API is then called with `appsecret_proof`, so a stolen token is useless without our secret.
 * https://developers.facebook.com/docs/facebook-login/guides/access-tokens/debugging
 * https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof
 * Limited Login (iOS) hands out an OIDC-style JWT instead; it is verified locally against Facebook's JWKS:
 * https://developers.facebook.com/docs/facebook-login/limited-login/token/validating
 */
import { createHmac } from 'node:crypto';
import { AppError } from '../../common/errors/app-error.js';
import type { OAuth2ProviderConfig } from '../../config/custom-provider-config.js';
import { aliasDefaults } from '../../config/providers-config.js';
import { atPath, type Json } from '../definitions/generic-oauth2.js';
import type { CodeGrant, NormalizedProfile, ProviderTokens, VerifiedIdentity } from '../identity-provider.types.js';
import { dateFromEpochSeconds, lifetimeSeconds, providerTokensFrom, tokenString } from '../oauth2/token-values.js';
import { claimNonce, checkedProfile, claimId, claimStrings, type ClaimRules, type RawProfile } from '../profile-claims.js';
import { BuiltInIdentityProvider, builtInSettings, definePreset, endpoints, type BuiltInSettings } from './preset.js';

/** Facebook's own fields. */
interface FacebookOptions {
  graphUrl: string;
  /** Facebook does not say whether an email was verified; off by default so it never links accounts. */
  trustEmail: boolean;
  /** Limited Login (iOS): its OIDC-style tokens are verified against these keys and this issuer. */
  jwksUrl: string;
  issuer: string;
}

type FacebookSettings = BuiltInSettings<OAuth2ProviderConfig, FacebookOptions>;

/** Graph ids are strings (https://developers.facebook.com/docs/graph-api/reference/user/), and so is Limited Login's `sub`. */
const FACEBOOK_CLAIMS: ClaimRules = { provider: 'facebook' };

const FIELDS = 'id,name,email,first_name,last_name,picture';

class FacebookIdentityProvider extends BuiltInIdentityProvider<FacebookSettings> {
  readonly flows = ['token', 'id_token'] as const;
  /** Long-lived tokens last about 60 days; renewing in their last week keeps a returning user's token alive. */
  readonly extendWithinMs = 7 * 86_400_000;
  // Facebook separates scopes with commas: https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
  readonly codeFlow = this.codeFlowOf(this.config.clients[0], (grant) => this.exchangeCode(grant), { scopeSeparator: ',' });

  /**
   * https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow#exchangecode: a GET with the
   * app secret (server to Facebook only). The token is then checked like any other, which also fetches the profile.
   * A refused code is Graph's `400 OAuthException` with code 100.
   */
  private async exchangeCode({ code, redirectUri, codeVerifier }: CodeGrant): Promise<{ identity: VerifiedIdentity; nonce: undefined }> {
    const app = this.config.clients[0];
    const params: Record<string, string> = { client_id: app.id, client_secret: app.secret ?? '', redirect_uri: redirectUri, code };
    if (codeVerifier !== undefined) params.code_verifier = codeVerifier;
    const answer = await this.graph('oauth/access_token', params);
    const error = (answer.json as { error?: { type?: string; code?: number } } | undefined)?.error;
    if (answer.status === 400 && error?.type === 'OAuthException' && error.code === 100) {
      throw new AppError('invalid_authorization_code', 'Facebook refused the authorization code');
    }
    const accessToken = tokenString((answer.json as { access_token?: unknown } | null)?.access_token);
    if (answer.status !== 200 || !accessToken)
      throw new AppError('provider_unavailable', `Facebook refused the code exchange (HTTP ${answer.status})`);
    return { identity: await this.verifyAccessToken(accessToken), nonce: undefined };
  }

  /** A GET of the Graph API. Tokens and secrets ride in its query: our HTTP client logs only host and path. */
  private graph(path: string, params: Record<string, string>, headers?: Record<string, string>) {
    const url = new URL(`${this.config.graphUrl}/${path}`);
    url.search = new URLSearchParams(params).toString();
    return this.http.send(this.id, { url: url.toString(), headers });
  }

  async verifyAccessToken(accessToken: string): Promise<VerifiedIdentity> {
    const primary = this.config.clients[0];
    const checked = await this.graph('debug_token', { input_token: accessToken, access_token: `${primary.id}|${primary.secret}` });
    if (checked.status !== 200) {
      // debug_token answers 200 for a bad *user* token; a 4xx means Facebook refused our app credentials.
      throw new AppError('provider_unavailable', `Facebook refused our app credentials at debug_token (HTTP ${checked.status})`);
    }
    const data = atPath(checked.json, 'data') as Json | undefined;
    if (data?.is_valid !== true || data.user_id === undefined)
      throw new AppError('invalid_provider_token', 'Facebook says the access token is not valid');
    const userId = claimId(FACEBOOK_CLAIMS, 'user_id', data.user_id);
    const app = this.config.clients.find((c) => c.id === data.app_id);
    if (!app) throw new AppError('provider_token_audience_mismatch', 'The Facebook access token was issued to another app');

    const appsecret_proof = createHmac('sha256', app.secret ?? '')
      .update(accessToken)
      .digest('hex');
    const answer = await this.graph('me', { fields: FIELDS, appsecret_proof }, { authorization: `Bearer ${accessToken}` });
    if (answer.status !== 200)
      throw new AppError('invalid_provider_token', `Facebook refused the access token at /me (HTTP ${answer.status})`);
    const graph = (answer.json ?? {}) as Json;
    const picture = atPath(graph, 'picture.data.is_silhouette') === true ? undefined : atPath(graph, 'picture.data.url');
    const profile = this.profile({
      uid: graph.id,
      email: graph.email,
      name: graph.name,
      firstName: graph.first_name,
      lastName: graph.last_name,
      picture,
    });
    if (profile.uid !== userId) throw new AppError('provider_unavailable', 'Facebook /me answered for another user than debug_token');

    return {
      provider: this.id,
      profile,
      tokens: { accessToken, expiresAt: dateFromEpochSeconds(data.expires_at) },
      extraData: { appId: app.id, scopes: claimStrings(data.scopes) },
    };
  }

  /**
   * Limited Login token: RS256, `iss` https://www.facebook.com, `aud` our app id. Its `sub` is the app-scoped
   * user id, the same id Graph's /me answers for that app, so both flows land on one social account.
   */
  async verifyIdToken(idToken: string): Promise<{ identity: VerifiedIdentity; nonce: string | undefined }> {
    const claims = await this.verifiedIdToken(idToken, [this.config.issuer]);
    const profile = this.profile({
      uid: claims.sub,
      email: claims.email,
      name: claims.name,
      firstName: claims.given_name,
      lastName: claims.family_name,
      picture: claims.picture,
    });
    // No access token: a Limited Login token cannot call the Graph API.
    const identity = { provider: this.id, profile, tokens: {}, extraData: { appId: String([claims.aud].flat()[0]), limitedLogin: true } };
    return { identity, nonce: claimNonce(FACEBOOK_CLAIMS, claims.nonce) };
  }

  /**
   * Facebook has no refresh tokens: a still-valid token is exchanged for a long-lived one; once expired, the
   * user must log in again. https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
   */
  async extendAccessToken(accessToken: string, extraData: Record<string, unknown>): Promise<ProviderTokens> {
    const app = this.config.clients.find((c) => c.id === extraData.appId) ?? this.config.clients[0];
    const params = { client_id: app.id, client_secret: app.secret ?? '', fb_exchange_token: accessToken };
    const answer = await this.graph('oauth/access_token', { grant_type: 'fb_exchange_token', ...params });
    const body = (answer.json ?? {}) as { access_token?: unknown; expires_in?: unknown; error?: { code?: unknown } };
    // Graph error 190 (OAuthException): the token is expired or was invalidated (password change, logout).
    if (answer.status === 400 && body.error?.code === 190) {
      throw new AppError('provider_reauthentication_required', 'Facebook no longer honours the stored token; log in with Facebook again');
    }
    const extended = tokenString(body.access_token);
    if (answer.status !== 200 || !extended) {
      throw new AppError('provider_unavailable', `Facebook refused the token exchange (HTTP ${answer.status})`);
    }
    return providerTokensFrom({ access_token: extended, expires_in: lifetimeSeconds(body.expires_in) });
  }

  /** Facebook does not tell whether an address was confirmed: trust it only when the deployment says so. */
  private profile(raw: Omit<RawProfile, 'emailVerified'>): NormalizedProfile {
    const profile = checkedProfile(raw, FACEBOOK_CLAIMS);
    const trusted = profile.email !== undefined && this.config.trustEmail;
    return { ...profile, emailVerified: trusted, emailTrustedForLinking: trusted };
  }
}

export const facebook = definePreset<FacebookOptions, OAuth2ProviderConfig>({
  type: 'oauth2',
  docs: 'https://developers.facebook.com/docs/facebook-login/guides/access-tokens/debugging',
  fields: { graphUrl: 'text', jwksUrl: 'text', issuer: 'text', trustEmail: 'flag' },
  // Every call goes to the Graph API (`graphUrl`), with Facebook's own checks rather than a generic userinfo mapping.
  locked: ['tokenUrl', 'userinfoUrl', 'profile', 'scopeSeparator', 'tokenAuthMethod', 'acknowledgeMutableSubject'],
  parse(raw, { report }) {
    const defaults = aliasDefaults('facebook');
    const urls = endpoints<Pick<FacebookOptions, 'graphUrl' | 'jwksUrl'>>(raw, defaults, ['graphUrl', 'jwksUrl'], [], report);
    const issuer = raw.issuer ?? defaults.issuer;
    if (typeof issuer !== 'string' || issuer.trim() === '') report('issuer', 'must be a non-empty string');
    if (raw.trustEmail !== undefined && typeof raw.trustEmail !== 'boolean') report('trustEmail', 'must be true or false');
    return urls && typeof issuer === 'string' ? { ...urls, issuer, trustEmail: raw.trustEmail === true } : undefined;
  },
  defaults: ({ graphUrl }) => ({
    displayName: 'Facebook',
    authorizationUrl: aliasDefaults('facebook').authorizationUrl,
    tokenUrl: `${graphUrl}/oauth/access_token`,
    userinfoUrl: `${graphUrl}/me`,
    scopes: aliasDefaults('facebook').scopes,
    scopeSeparator: ',',
    profile: { uid: 'id', email: 'email', name: 'name' },
  }),
  create: (config, options, http, cache) => new FacebookIdentityProvider(builtInSettings(config, options), http, cache),
});
