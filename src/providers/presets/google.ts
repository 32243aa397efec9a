/**
 * Google, a preset: `{ "preset": "google" }` in PROVIDERS_FILE, or its alias variables `GOOGLE_*` (ADR 0034).
 * Access tokens are checked at tokeninfo (issued to one of our client ids?) before the userinfo is
 * trusted; ID tokens (Google Identity Services, One Tap, mobile SDKs) are verified locally against Google's JWKS.
 * https://developers.google.com/identity/gsi/web/guides/verify-google-id-token
 */
import { AppError } from '../../common/errors/app-error.js';
import type { OidcProviderConfig } from '../../config/custom-provider-config.js';
import { aliasDefaults, type ProviderClient } from '../../config/providers-config.js';
import {
  optionalString,
  type CodeGrant,
  type NormalizedProfile,
  type ProviderTokens,
  type VerifiedIdentity,
} from '../identity-provider.types.js';
import { redeemAuthorizationCode, redeemRefreshToken, type ConfidentialClient } from '../oauth2/relying-party.js';
import { dateFromEpochSeconds, providerTokensFrom } from '../oauth2/token-values.js';
import { claimNonce, checkedProfile, claimText, type ClaimRules } from '../profile-claims.js';
import { providerError } from '../provider-error.js';
import { BuiltInIdentityProvider, builtInSettings, definePreset, endpoints, type BuiltInSettings } from './preset.js';

/** Google's own fields: its endpoints and the two spellings of its issuer. */
interface GoogleOptions {
  authorizationUrl: string;
  tokeninfoUrl: string;
  userinfoUrl: string;
  jwksUrl: string;
  /** Refresh-token grant; needs the web client's secret. */
  tokenUrl: string;
  issuers: string[];
}

/** Google documents `email_verified` as a boolean, and as "true"/"false" in older tokens and tokeninfo. */
const GOOGLE_CLAIMS: ClaimRules = { provider: 'google', verifiedAsString: true };

class GoogleIdentityProvider extends BuiltInIdentityProvider<BuiltInSettings<OidcProviderConfig, GoogleOptions>> {
  readonly flows = ['token', 'id_token'] as const;
  private readonly web = this.config.clients.find((c) => c.secret !== undefined);
  /** With the web client's secret: codes from frontends, native apps and our redirect flow. */
  readonly codeFlow =
    this.web &&
    // access_type=offline: a refresh token, so ProviderTokenService can act for the user later.
    this.codeFlowOf(this.web, (grant) => this.exchangeCode(this.web!, grant), { returnsIdToken: true, extra: { access_type: 'offline' } });

  async verifyAccessToken(accessToken: string): Promise<VerifiedIdentity> {
    const url = new URL(this.config.tokeninfoUrl);
    url.searchParams.set('access_token', accessToken);
    const info = await this.http.send(this.id, { url: url.toString() });
    if (info.status !== 200) throw new AppError('invalid_provider_token', 'Google rejected the access token');
    const tokeninfo = (info.json ?? {}) as { aud?: unknown; azp?: unknown; sub?: unknown; exp?: unknown; scope?: unknown };
    // The audience check that passport-google-token skips: a token minted for someone else's app must not log in here.
    if (!this.config.clients.some(({ id }) => id === tokeninfo.aud || id === tokeninfo.azp)) {
      throw new AppError('provider_token_audience_mismatch', 'The Google access token was issued to another application');
    }
    const userinfo = await this.http.send(this.id, { url: this.config.userinfoUrl, headers: { authorization: `Bearer ${accessToken}` } });
    if (userinfo.status !== 200) throw new AppError('invalid_provider_token', 'Google rejected the access token at userinfo');
    const claims = (userinfo.json ?? {}) as Record<string, unknown>;
    const profile = this.profile(claims);
    if (profile.uid !== tokeninfo.sub) {
      throw new AppError('provider_unavailable', 'Google userinfo answered for another subject than tokeninfo');
    }
    return {
      provider: this.id,
      profile,
      tokens: { accessToken, expiresAt: dateFromEpochSeconds(tokeninfo.exp) },
      extraData: { hd: this.hostedDomain(claims), scope: optionalString(tokeninfo.scope) },
    };
  }

  async verifyIdToken(idToken: string): Promise<{ identity: VerifiedIdentity; nonce: string | undefined }> {
    const claims = await this.verifiedIdToken(idToken, this.config.issuers);
    return {
      identity: { provider: this.id, profile: this.profile(claims), tokens: {}, extraData: { hd: this.hostedDomain(claims) } },
      nonce: claimNonce(GOOGLE_CLAIMS, claims.nonce),
    };
  }

  /** https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code: the ID token says who. */
  private async exchangeCode(client: ProviderClient, grant: CodeGrant): Promise<{ identity: VerifiedIdentity; nonce: string | undefined }> {
    const answer = await redeemAuthorizationCode(this.http, this, this.confidential(client), grant);
    if (!answer.id_token) {
      throw providerError(
        'provider_unavailable',
        'Google answered the code without an ID token',
        `${this.id} answered the code without an id_token (is "openid" in its scopes?)`,
      );
    }
    const { identity, nonce } = await this.verifyIdToken(answer.id_token);
    // The client that holds the grant: the one a later refresh must use.
    identity.extraData = { ...identity.extraData, scope: answer.scope, clientId: client.id };
    return { identity: { ...identity, tokens: providerTokensFrom(answer) }, nonce };
  }

  /**
   * Refresh-token grant: https://developers.google.com/identity/protocols/oauth2/web-server#offline
   * Google answers 400 `invalid_grant` for a revoked or expired refresh token; it usually sends no new refresh
   * token, so the caller keeps the old one. The grant belongs to the client that redeemed the code (`extraData.clientId`).
   */
  async refreshAccessToken(refreshToken: string, extraData: Record<string, unknown> = {}): Promise<ProviderTokens> {
    const withSecret = this.config.clients.filter((c) => c.secret !== undefined);
    const client = withSecret.find((c) => c.id === extraData.clientId) ?? withSecret[0];
    if (!client)
      throw providerError(
        'provider_unavailable',
        'Google tokens cannot be refreshed here',
        `${this.id} refresh needs a client secret (GOOGLE_CLIENT_SECRETS)`,
      );
    return providerTokensFrom(await redeemRefreshToken(this.http, this, this.confidential(client), refreshToken));
  }

  private confidential(client: ProviderClient): ConfidentialClient {
    return { tokenUrl: this.config.tokenUrl, clientId: client.id, clientSecret: client.secret!, authMethod: 'client_secret_post' };
  }

  /**
   * Email trust: Google's `email_verified` is only authoritative for addresses Google owns. A verified
   * @gmail.com address, or any address of a Workspace domain (the `hd` claim), may link accounts; other
   * addresses Google merely saw once may not.
   */
  private profile(claims: Record<string, unknown>): NormalizedProfile {
    const profile = checkedProfile(
      {
        uid: claims.sub,
        email: claims.email,
        emailVerified: claims.email_verified,
        name: claims.name,
        firstName: claims.given_name,
        lastName: claims.family_name,
        picture: claims.picture,
      },
      GOOGLE_CLAIMS,
    );
    const googleOwned = profile.email !== undefined && (profile.email.endsWith('@gmail.com') || this.hostedDomain(claims) !== undefined);
    return { ...profile, emailTrustedForLinking: profile.emailVerified && googleOwned };
  }

  /** `hd`: the Workspace domain of the account, absent for personal accounts. */
  private hostedDomain(claims: Record<string, unknown>): string | undefined {
    return claimText(GOOGLE_CLAIMS, 'hd', claims.hd);
  }
}

export const google = definePreset<GoogleOptions, OidcProviderConfig>({
  type: 'oidc',
  docs: 'https://developers.google.com/identity/gsi/web/guides/verify-google-id-token',
  fields: { authorizationUrl: 'text', tokeninfoUrl: 'text', userinfoUrl: 'text', jwksUrl: 'text', tokenUrl: 'text', issuers: 'list' },
  // Google is not read through discovery: its endpoints are its own fields.
  locked: ['issuer', 'tokenAuthMethod', 'trustedEndpointOrigins', 'emailVerifiedClaim'],
  parse: (raw, { report }) =>
    endpoints<GoogleOptions>(
      raw,
      aliasDefaults('google'),
      ['authorizationUrl', 'tokeninfoUrl', 'userinfoUrl', 'jwksUrl', 'tokenUrl'],
      ['issuers'],
      report,
    ),
  defaults: () => ({ displayName: 'Google', issuer: 'https://accounts.google.com', scopes: aliasDefaults('google').scopes }),
  create: (config, options, http, cache) => new GoogleIdentityProvider(builtInSettings(config, options), http, cache),
});
