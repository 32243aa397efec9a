/**
 * Discord, plain OAuth 2.0: https://discord.com/developers/docs/topics/oauth2
 * - Profile: `GET /users/@me` (https://discord.com/developers/docs/resources/user#get-current-user); `verified`
 *   says the email was verified; the avatar is a hash, its URL is built from id and hash
 *   (https://discord.com/developers/docs/reference#image-formatting).
 * - Unlike a plain OAuth 2.0 provider it can tell whom an access token was issued to: `GET /oauth2/@me`
 *   (https://discord.com/developers/docs/topics/oauth2#get-current-authorization-information) names the
 *   `application`, so a frontend's access token is accepted (`token` flow) once that is one of our client ids.
 */
import { AppError } from '../../common/errors/app-error.js';
import type { OAuth2ProviderConfig } from '../../config/custom-provider-config.js';
import { atPath, GenericOAuth2IdentityProvider, type Json } from '../definitions/generic-oauth2.js';
import type { LoginFlow, NormalizedProfile, VerifiedIdentity } from '../identity-provider.types.js';
import { claimStrings, type ClaimRules } from '../profile-claims.js';
import { baseUrl, definePreset } from './preset.js';

interface DiscordOptions {
  /** `https://discord.com/api`, or a fake / an egress proxy. */
  apiUrl: string;
}

const CDN = 'https://cdn.discordapp.com';

class DiscordIdentityProvider extends GenericOAuth2IdentityProvider {
  override readonly flows: readonly LoginFlow[] = ['token'];

  private get apiUrl(): string {
    return (this.config.preset!.options as DiscordOptions).apiUrl;
  }

  /** The audience check first: a token the user gave another Discord app must not sign in here. */
  async verifyAccessToken(accessToken: string): Promise<VerifiedIdentity> {
    const answer = await this.http.send(this.id, { url: `${this.apiUrl}/oauth2/@me`, headers: { authorization: `Bearer ${accessToken}` } });
    if (answer.status === 401) throw new AppError('invalid_provider_token', 'Discord says the access token is not valid');
    if (answer.status !== 200) throw new AppError('provider_unavailable', `Discord answered /oauth2/@me with HTTP ${answer.status}`);
    const authorization = (answer.json ?? {}) as Json;
    if (!this.config.clientIds.includes(String(atPath(authorization, 'application.id')))) {
      throw new AppError('provider_token_audience_mismatch', 'The Discord access token was issued to another application');
    }
    const userinfo = await this.userinfo(accessToken);
    const profile = this.profile(userinfo);
    const userId = atPath(authorization, 'user.id');
    if (userId !== undefined && String(userId) !== profile.uid) {
      throw new AppError('provider_unavailable', 'Discord /users/@me answered for another user than /oauth2/@me');
    }
    const expires = typeof authorization.expires === 'string' ? new Date(authorization.expires) : undefined;
    const scopes = claimStrings(authorization.scopes);
    return {
      provider: this.id,
      profile,
      tokens: { accessToken, expiresAt: expires && !Number.isNaN(expires.getTime()) ? expires : undefined },
      extraData: { scopes },
    };
  }

  /** https://discord.com/developers/docs/resources/user#user-object: `id` is a snowflake (a string), `verified` a boolean. */
  protected override get claimRules(): ClaimRules {
    return { provider: this.id, ids: 'string' };
  }

  protected override profile(json: Json): NormalizedProfile {
    const standard = super.profile(json);
    const avatar = typeof json.avatar === 'string' && json.avatar.length <= 100 ? json.avatar : undefined;
    return { ...standard, picture: avatar && /^(a_)?[0-9a-f]+$/.test(avatar) ? `${CDN}/avatars/${standard.uid}/${avatar}.png` : undefined };
  }
}

export const discord = definePreset<DiscordOptions, OAuth2ProviderConfig>({
  type: 'oauth2',
  docs: 'https://discord.com/developers/docs/topics/oauth2',
  fields: { apiUrl: 'text' },
  verifiesAccessTokens: true,
  parse(raw, { report }) {
    const apiUrl = baseUrl(raw.apiUrl, 'https://discord.com/api', 'apiUrl', report);
    return apiUrl ? { apiUrl } : undefined;
  },
  defaults: ({ apiUrl }) => ({
    displayName: 'Discord',
    authorizationUrl: 'https://discord.com/oauth2/authorize',
    tokenUrl: `${apiUrl}/oauth2/token`,
    userinfoUrl: `${apiUrl}/users/@me`,
    scopes: ['identify', 'email'],
    profile: { uid: 'id', email: 'email', emailVerified: 'verified', username: 'username', name: 'global_name' },
  }),
  create: (config, _options, http) => new DiscordIdentityProvider(config, http),
});
