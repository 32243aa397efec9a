/**
 * GitHub: OAuth tokens carry no audience, so each one is checked against our OAuth app(s) with
 * "Check a token" (POST /applications/{client_id}/token, Basic auth with the app's credentials); the email
 * is the primary one *and* verified, from /user/emails. https://docs.github.com/en/rest/apps/oauth-applications#check-a-token
 */
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderHttpClient } from '../../common/http/provider-http.client.js';
import type { GitHubConfig, ProviderClient } from '../../config/providers-config.js';
import { optionalString, type IdentityProvider, type ProviderDescription, type VerifiedIdentity } from '../identity-provider.types.js';

interface GitHubUser {
  id?: number;
  login?: string;
  name?: string | null;
  avatar_url?: string;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

export class GitHubIdentityProvider implements IdentityProvider {
  readonly id = 'github';
  readonly displayName = 'GitHub';
  readonly flows = ['token'] as const;

  constructor(
    private readonly config: GitHubConfig,
    private readonly http: ProviderHttpClient,
  ) {}

  async describe(): Promise<ProviderDescription> {
    const { clients, scopes, authorizationUrl } = this.config;
    return { type: 'built-in', clientIds: clients.map((c) => c.id), scopes, authorizationEndpoint: authorizationUrl };
  }

  async verifyAccessToken(accessToken: string): Promise<VerifiedIdentity> {
    const check = await this.checkToken(accessToken);
    const bearer = { authorization: `Bearer ${accessToken}`, 'x-github-api-version': '2022-11-28' };
    const [user, emails] = await Promise.all([
      this.http.send(this.id, { url: `${this.config.apiUrl}/user`, headers: bearer }),
      this.http.send(this.id, { url: `${this.config.apiUrl}/user/emails`, headers: bearer }),
    ]);
    if (user.status !== 200) throw new AppError('invalid_provider_token', `GitHub refused the access token at /user (HTTP ${user.status})`);
    const profile = user.json as GitHubUser;
    if (typeof profile.id !== 'number' || profile.id !== check.userId) {
      throw new AppError('provider_unavailable', 'GitHub /user answered for another user than the token check');
    }
    // Without the user:email scope the list is 404: the user simply has no email for us.
    const list = emails.status === 200 && Array.isArray(emails.json) ? (emails.json as GitHubEmail[]) : [];
    const primary = list.find((e) => e.primary && e.verified);
    const email = optionalString(primary?.email)?.toLowerCase();
    return {
      provider: this.id,
      profile: {
        uid: String(profile.id),
        email,
        emailVerified: email !== undefined,
        emailTrustedForLinking: email !== undefined,
        username: optionalString(profile.login),
        name: optionalString(profile.name),
        picture: optionalString(profile.avatar_url),
      },
      tokens: { accessToken },
      extraData: { login: profile.login, scopes: check.scopes, clientId: check.clientId },
    };
  }

  /** Tries each configured OAuth app: 404 means "not a live token of this app". */
  private async checkToken(accessToken: string): Promise<{ userId: number; scopes: string[]; clientId: string }> {
    for (const client of this.config.clients) {
      const answer = await this.http.send(this.id, {
        method: 'POST',
        url: `${this.config.apiUrl}/applications/${encodeURIComponent(client.id)}/token`,
        headers: { authorization: basicAuth(client), 'x-github-api-version': '2022-11-28' },
        body: { access_token: accessToken },
      });
      if (answer.status === 404 || answer.status === 422) continue;
      if (answer.status !== 200) {
        throw new AppError('provider_unavailable', `GitHub refused our OAuth app credentials (HTTP ${answer.status})`);
      }
      const body = answer.json as { user?: GitHubUser; scopes?: string[]; app?: { client_id?: string } };
      if (body.app?.client_id !== client.id || typeof body.user?.id !== 'number') {
        throw new AppError('provider_token_audience_mismatch', 'The GitHub token belongs to another OAuth app');
      }
      return { userId: body.user.id, scopes: body.scopes ?? [], clientId: client.id };
    }
    throw new AppError('invalid_provider_token', 'GitHub says the token is not a live token of our OAuth app');
  }
}

function basicAuth(client: ProviderClient): string {
  return `Basic ${Buffer.from(`${client.id}:${client.secret ?? ''}`).toString('base64')}`;
}
