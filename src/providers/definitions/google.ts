/**
 * Google: access tokens are checked at tokeninfo (issued to one of our client ids?) before the userinfo is
 * trusted; ID tokens (Google Identity Services, One Tap, mobile SDKs) are verified locally against Google's JWKS.
 * https://developers.google.com/identity/gsi/web/guides/verify-google-id-token
 */
import type { JWTPayload } from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderHttpClient } from '../../common/http/provider-http.client.js';
import type { GoogleConfig } from '../../config/providers-config.js';
import { verifyIdToken } from '../oidc/id-token.verifier.js';
import type { RemoteJwks } from '../oidc/remote-jwks.js';
import { optionalString, type IdentityProvider, type ProviderDescription, type NormalizedProfile, type ProviderTokens, type VerifiedIdentity } from '../identity-provider.types.js';

interface GoogleClaims {
  sub?: unknown;
  email?: unknown;
  email_verified?: unknown;
  hd?: unknown;
  name?: unknown;
  given_name?: unknown;
  family_name?: unknown;
  picture?: unknown;
}

export class GoogleIdentityProvider implements IdentityProvider {
  readonly id = 'google';
  readonly displayName = 'Google';
  readonly flows = ['token', 'id_token'] as const;
  private readonly clientIds: string[];

  constructor(
    private readonly config: GoogleConfig,
    private readonly http: ProviderHttpClient,
    private readonly jwks: RemoteJwks,
  ) {
    this.clientIds = config.clients.map((c) => c.id);
  }

  async describe(): Promise<ProviderDescription> {
    const { clients, scopes, authorizationUrl } = this.config;
    return { type: 'built-in', clientIds: clients.map((c) => c.id), scopes, authorizationEndpoint: authorizationUrl };
  }

  async verifyAccessToken(accessToken: string): Promise<VerifiedIdentity> {
    const url = new URL(this.config.tokeninfoUrl);
    url.searchParams.set('access_token', accessToken);
    const info = await this.http.send(this.id, { url: url.toString() });
    if (info.status !== 200) throw new AppError('invalid_provider_token', 'Google rejected the access token');
    const tokeninfo = info.json as { aud?: string; azp?: string; sub?: string; exp?: string; scope?: string };
    // The audience check that passport-google-token skips: a token minted for someone else's app must not log in here.
    if (!this.clientIds.includes(tokeninfo.aud ?? '') && !this.clientIds.includes(tokeninfo.azp ?? '')) {
      throw new AppError('provider_token_audience_mismatch', 'The Google access token was issued to another application');
    }
    const userinfo = await this.http.send(this.id, { url: this.config.userinfoUrl, headers: { authorization: `Bearer ${accessToken}` } });
    if (userinfo.status !== 200) throw new AppError('invalid_provider_token', 'Google rejected the access token at userinfo');
    const claims = userinfo.json as GoogleClaims;
    if (!optionalString(claims.sub) || claims.sub !== tokeninfo.sub) {
      throw new AppError('provider_unavailable', 'Google userinfo answered for another subject than tokeninfo');
    }
    const exp = Number(tokeninfo.exp);
    return {
      provider: this.id,
      profile: this.profile(claims),
      tokens: { accessToken, expiresAt: Number.isFinite(exp) ? new Date(exp * 1000) : undefined },
      extraData: { hd: optionalString(claims.hd), scope: tokeninfo.scope },
    };
  }

  async verifyIdToken(idToken: string): Promise<{ identity: VerifiedIdentity; nonce: string | undefined }> {
    const claims: JWTPayload & GoogleClaims = await verifyIdToken(idToken, {
      provider: this.id,
      jwks: this.jwks,
      issuers: this.config.issuers,
      clientIds: this.clientIds,
      algorithms: ['RS256'],
    });
    return {
      identity: { provider: this.id, profile: this.profile(claims), tokens: {}, extraData: { hd: optionalString(claims.hd) } },
      nonce: optionalString(claims.nonce),
    };
  }

  /**
   * Refresh-token grant: https://developers.google.com/identity/protocols/oauth2/web-server#offline
   * Google answers 400 `invalid_grant` for a revoked or expired refresh token; it usually sends no new refresh
   * token, so the caller keeps the old one. The client with a secret is the server-side one that got the grant.
   */
  async refreshAccessToken(refreshToken: string): Promise<ProviderTokens> {
    const client = this.config.clients.find((c) => c.secret !== undefined);
    if (!client) throw new AppError('provider_unavailable', 'Google refresh needs a client secret in GOOGLE_CLIENT_SECRETS');
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.id, client_secret: client.secret! });
    const answer = await this.http.send(this.id, {
      method: 'POST',
      url: this.config.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const body = answer.json as { access_token?: string; expires_in?: number; refresh_token?: string; error?: string };
    if (answer.status === 400 && body.error === 'invalid_grant') {
      throw new AppError('provider_reauthentication_required', 'Google no longer honours the stored grant; sign in with Google again');
    }
    if (answer.status !== 200 || !optionalString(body.access_token)) {
      // invalid_client / unauthorized_client: our configuration, not the user's grant.
      throw new AppError('provider_unavailable', `Google refused the refresh (HTTP ${answer.status}${body.error ? `, ${body.error}` : ''})`);
    }
    return {
      accessToken: body.access_token,
      refreshToken: optionalString(body.refresh_token),
      expiresAt: typeof body.expires_in === 'number' ? new Date(Date.now() + body.expires_in * 1000) : undefined,
    };
  }

  /**
   * Email trust: Google's `email_verified` is only authoritative for addresses Google owns. A verified
   * @gmail.com address, or any address of a Workspace domain (the `hd` claim), may link accounts; other
   * addresses Google merely saw once may not.
   */
  private profile(claims: GoogleClaims): NormalizedProfile {
    const email = optionalString(claims.email)?.toLowerCase();
    const emailVerified = claims.email_verified === true || claims.email_verified === 'true';
    const googleOwned = email !== undefined && (email.endsWith('@gmail.com') || optionalString(claims.hd) !== undefined);
    return {
      uid: String(claims.sub),
      email,
      emailVerified,
      emailTrustedForLinking: emailVerified && googleOwned,
      name: optionalString(claims.name),
      firstName: optionalString(claims.given_name),
      lastName: optionalString(claims.family_name),
      picture: optionalString(claims.picture),
    };
  }
}
