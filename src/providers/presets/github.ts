/**
 * GitHub, a preset: `{ "preset": "github" }` in PROVIDERS_FILE, or its alias variables `GITHUB_*` (ADR 0034).
 * OAuth tokens carry no audience, so each one is checked against our OAuth app(s) with
 * "Check a token" (POST /applications/{client_id}/token, Basic auth with the app's credentials); the email
 * is the primary one *and* verified, from /user/emails. https://docs.github.com/en/rest/apps/oauth-applications#check-a-token
 */
import { AppError } from '../../common/errors/app-error.js';
import type { OAuth2ProviderConfig } from '../../config/custom-provider-config.js';
import { aliasDefaults, type ProviderClient } from '../../config/providers-config.js';
import { atPath, type Json } from '../definitions/generic-oauth2.js';
import { optionalString, type CodeGrant, type VerifiedIdentity } from '../identity-provider.types.js';
import { MAX_TOKEN_LENGTH } from '../oauth2/token-values.js';
import { checkedProfile, claimId, claimStrings, type ClaimRules } from '../profile-claims.js';
import { providerError, quoted } from '../provider-error.js';
import { BuiltInIdentityProvider, builtInSettings, definePreset, endpoints, type BuiltInSettings } from './preset.js';

/** GitHub's own fields. */
interface GitHubOptions {
  /** The REST API (GitHub Enterprise Server: `https://HOST/api/v3`). */
  apiUrl: string;
}

const GITHUB_CLAIMS: ClaimRules = { provider: 'github', ids: 'number' };
const API_VERSION = { 'x-github-api-version': '2022-11-28' };

class GitHubIdentityProvider extends BuiltInIdentityProvider<BuiltInSettings<OAuth2ProviderConfig, GitHubOptions>> {
  readonly flows = ['token'] as const;
  // Every configured GitHub client has its secret (config requires it); the first one redeems codes.
  readonly codeFlow = this.codeFlowOf(this.config.clients[0], (grant) => this.exchangeCode(grant));

  async verifyAccessToken(accessToken: string): Promise<VerifiedIdentity> {
    return this.identityOf(accessToken, await this.checkToken(accessToken));
  }

  /**
   * https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github
   * GitHub's quirk: a refused code is HTTP 200 with an `error` member (`bad_verification_code`, `incorrect_client_credentials`).
   * A token we redeemed ourselves needs no "check a token": it is ours by construction.
   */
  private async exchangeCode(grant: CodeGrant): Promise<{ identity: VerifiedIdentity; nonce: undefined }> {
    const client = this.config.clients[0];
    const form = new URLSearchParams({
      client_id: client.id,
      client_secret: client.secret ?? '',
      code: grant.code,
      redirect_uri: grant.redirectUri,
    });
    if (grant.codeVerifier !== undefined) form.set('code_verifier', grant.codeVerifier);
    const answer = await this.http.send(this.id, {
      method: 'POST',
      url: this.config.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const body = (answer.json ?? {}) as { access_token?: unknown; scope?: unknown; error?: unknown; error_description?: unknown };
    // The provider's own words (error, error_description) go to the log only: they are GitHub's, not our API.
    const said = `error ${quoted(body.error)}, error_description ${quoted(body.error_description)}`;
    if (body.error === 'bad_verification_code' || body.error === 'redirect_uri_mismatch') {
      throw providerError('invalid_authorization_code', 'GitHub refused the authorization code', `github refused the code: ${said}`);
    }
    const accessToken =
      typeof body.access_token === 'string' && body.access_token !== '' && body.access_token.length <= MAX_TOKEN_LENGTH
        ? body.access_token
        : undefined;
    if (answer.status !== 200 || !accessToken) {
      throw providerError(
        'provider_unavailable',
        'GitHub refused the code exchange',
        `github code exchange answered HTTP ${answer.status} without a usable access_token: ${said}`,
      );
    }
    const scopes = claimStrings((optionalString(body.scope) ?? '').split(',').filter(Boolean));
    return { identity: await this.identityOf(accessToken, { scopes, clientId: client.id }), nonce: undefined };
  }

  /** `check.userId`: whom "check a token" said the token is for; /user must agree. */
  private async identityOf(accessToken: string, check: { userId?: number; scopes: string[]; clientId: string }): Promise<VerifiedIdentity> {
    const bearer = { authorization: `Bearer ${accessToken}`, ...API_VERSION };
    const [user, emails] = await Promise.all([
      this.http.send(this.id, { url: `${this.config.apiUrl}/user`, headers: bearer }),
      this.http.send(this.id, { url: `${this.config.apiUrl}/user/emails`, headers: bearer }),
    ]);
    if (user.status !== 200) throw new AppError('invalid_provider_token', `GitHub refused the access token at /user (HTTP ${user.status})`);
    const json = (user.json ?? {}) as Json;
    // Without the user:email scope the list is 404: the user simply has no email for us.
    const list: unknown[] = emails.status === 200 && Array.isArray(emails.json) ? emails.json : [];
    const primary = list.find((e) => atPath(e, 'primary') === true && atPath(e, 'verified') === true);
    // https://docs.github.com/en/rest/users/users#get-the-authenticated-user: `id` is an integer, `login` a string.
    const profile = checkedProfile(
      {
        uid: json.id,
        email: atPath(primary, 'email'),
        emailVerified: primary !== undefined,
        username: json.login,
        name: json.name,
        picture: json.avatar_url,
      },
      GITHUB_CLAIMS,
    );
    if (check.userId !== undefined && json.id !== check.userId) {
      throw new AppError('provider_unavailable', 'GitHub /user answered for another user than the token check');
    }
    return {
      provider: this.id,
      profile: { ...profile, emailTrustedForLinking: profile.emailVerified },
      tokens: { accessToken },
      extraData: { login: profile.username, scopes: check.scopes, clientId: check.clientId },
    };
  }

  /** Tries each configured OAuth app: 404 means "not a live token of this app". */
  private async checkToken(accessToken: string): Promise<{ userId: number; scopes: string[]; clientId: string }> {
    for (const client of this.config.clients) {
      const answer = await this.http.send(this.id, {
        method: 'POST',
        url: `${this.config.apiUrl}/applications/${encodeURIComponent(client.id)}/token`,
        headers: { authorization: basicAuth(client), ...API_VERSION },
        body: { access_token: accessToken },
      });
      if (answer.status === 404 || answer.status === 422) continue;
      if (answer.status !== 200) {
        throw new AppError('provider_unavailable', `GitHub refused our OAuth app credentials (HTTP ${answer.status})`);
      }
      const body = (answer.json ?? {}) as { user?: Json; scopes?: unknown; app?: Json };
      if (body.app?.client_id !== client.id) {
        throw new AppError('provider_token_audience_mismatch', 'The GitHub token belongs to another OAuth app');
      }
      return { userId: Number(claimId(GITHUB_CLAIMS, 'user.id', body.user?.id)), scopes: claimStrings(body.scopes), clientId: client.id };
    }
    throw new AppError('invalid_provider_token', 'GitHub says the token is not a live token of our OAuth app');
  }
}

function basicAuth(client: ProviderClient): string {
  return `Basic ${Buffer.from(`${client.id}:${client.secret ?? ''}`).toString('base64')}`;
}

export const github = definePreset<GitHubOptions, OAuth2ProviderConfig>({
  type: 'oauth2',
  docs: 'https://docs.github.com/en/rest/apps/oauth-applications#check-a-token',
  fields: { apiUrl: 'text' },
  // The profile comes from /user and /user/emails (verified primary only), not from a generic mapping.
  locked: ['userinfoUrl', 'profile', 'scopeSeparator', 'tokenAuthMethod', 'acknowledgeMutableSubject'],
  parse: (raw, { report }) => endpoints<GitHubOptions>(raw, aliasDefaults('github'), ['apiUrl'], [], report),
  defaults: ({ apiUrl }) => {
    const { authorizationUrl, tokenUrl, scopes } = aliasDefaults('github');
    return {
      displayName: 'GitHub',
      authorizationUrl,
      tokenUrl,
      userinfoUrl: `${apiUrl}/user`,
      scopes,
      tokenAuthMethod: 'client_secret_post',
      profile: { uid: 'id', username: 'login' },
    };
  },
  create: (config, options, http, cache) => new GitHubIdentityProvider(builtInSettings(config, options), http, cache),
});
