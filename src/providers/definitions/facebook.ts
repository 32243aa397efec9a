/**
 * Facebook: `debug_token` (with our app token) proves the user token is valid and was issued to one of our
 * apps; the Graph API is then called with `appsecret_proof`, so a stolen token is useless without our secret.
 * https://developers.facebook.com/docs/facebook-login/guides/access-tokens/debugging
 * https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof
 */
import { createHmac } from 'node:crypto';
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderHttpClient } from '../../common/http/provider-http.client.js';
import type { FacebookConfig } from '../../config/providers-config.js';
import { optionalString, type IdentityProvider, type VerifiedIdentity } from '../identity-provider.types.js';

interface DebugTokenData {
  app_id?: string;
  user_id?: string;
  is_valid?: boolean;
  expires_at?: number;
  scopes?: string[];
}

interface GraphMe {
  id?: string;
  name?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  picture?: { data?: { url?: string; is_silhouette?: boolean } };
}

const FIELDS = 'id,name,email,first_name,last_name,picture';

export class FacebookIdentityProvider implements IdentityProvider {
  readonly id = 'facebook';
  readonly displayName = 'Facebook';
  readonly flows = ['token'] as const;

  constructor(
    private readonly config: FacebookConfig,
    private readonly http: ProviderHttpClient,
  ) {}

  async verifyAccessToken(accessToken: string): Promise<VerifiedIdentity> {
    const primary = this.config.clients[0]!;
    const debug = new URL(`${this.config.graphUrl}/debug_token`);
    debug.searchParams.set('input_token', accessToken);
    debug.searchParams.set('access_token', `${primary.id}|${primary.secret}`);
    const checked = await this.http.send(this.id, { url: debug.toString() });
    if (checked.status !== 200) {
      // debug_token answers 200 for a bad *user* token; a 4xx means Facebook refused our app credentials.
      throw new AppError('provider_unavailable', `Facebook refused our app credentials at debug_token (HTTP ${checked.status})`);
    }
    const data = (checked.json as { data?: DebugTokenData }).data;
    if (!data?.is_valid || !data.user_id) throw new AppError('invalid_provider_token', 'Facebook says the access token is not valid');
    const app = this.config.clients.find((c) => c.id === data.app_id);
    if (!app) throw new AppError('provider_token_audience_mismatch', 'The Facebook access token was issued to another app');

    const me = new URL(`${this.config.graphUrl}/me`);
    me.searchParams.set('fields', FIELDS);
    me.searchParams.set('appsecret_proof', createHmac('sha256', app.secret ?? '').update(accessToken).digest('hex'));
    const answer = await this.http.send(this.id, { url: me.toString(), headers: { authorization: `Bearer ${accessToken}` } });
    if (answer.status !== 200) throw new AppError('invalid_provider_token', `Facebook refused the access token at /me (HTTP ${answer.status})`);
    const profile = answer.json as GraphMe;
    if (profile.id !== data.user_id) throw new AppError('provider_unavailable', 'Facebook /me answered for another user than debug_token');

    // Facebook does not tell whether an address was confirmed: trust it only when the deployment says so.
    const email = optionalString(profile.email)?.toLowerCase();
    const trusted = email !== undefined && this.config.trustEmail;
    return {
      provider: this.id,
      profile: {
        uid: profile.id,
        email,
        emailVerified: trusted,
        emailTrustedForLinking: trusted,
        name: optionalString(profile.name),
        firstName: optionalString(profile.first_name),
        lastName: optionalString(profile.last_name),
        picture: profile.picture?.data?.is_silhouette ? undefined : optionalString(profile.picture?.data?.url),
      },
      tokens: { accessToken, expiresAt: data.expires_at ? new Date(data.expires_at * 1000) : undefined },
      extraData: { appId: data.app_id, scopes: data.scopes ?? [] },
    };
  }
}
