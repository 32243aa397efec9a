/**
 * Fake X API OAuth 2.0 (Authorization Code with PKCE): the authorization page, the token endpoint, which wants a
 * confidential client's credentials in Basic and refuses codes and tokens with `invalid_request`, and
 * `GET /2/users/me` (fields in `data`; no email). https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
 * https://docs.x.com/x-api/users/user-lookup-me
 */
import { randomBytes } from 'node:crypto';
import { AuthorizationCodes } from './authorization-codes.js';
import { FakeProviderServer, type RecordedRequest, type Responder } from './fake-provider-server.js';
import type { FakeClient } from './oidc-fake.js';

export interface XUser {
  id: string;
  name: string;
  username: string;
  profile_image_url?: string;
}

const REFUSED = {
  unknown_code: 'Value passed for the authorization code was invalid.',
  client_mismatch: 'Value passed for the authorization code was invalid.',
  redirect_uri_mismatch: 'Value passed for the redirect uri did not match the uri of the authorization code.',
  pkce_mismatch: 'Value passed for the code verifier did not match the code challenge.',
};

export class FakeX extends FakeProviderServer {
  readonly codes = new AuthorizationCodes<XUser>();
  /** Two hours, as X documents; a test sets less to make a stored token due for renewal. */
  accessTokenLifetimeSeconds = 7200;
  private readonly accessTokens = new Map<string, XUser>();
  private readonly refreshTokens = new Map<string, { clientId: string; user: XUser }>();

  constructor(private readonly clients: FakeClient[]) {
    super();
    this.route(
      'GET',
      '/i/oauth2/authorize',
      this.codes.authorizeHandler(() => this.clients.map((c) => c.id)),
    );
    this.route('POST', '/2/oauth2/token', (req, res) => this.token(req, res));
    this.route('GET', '/2/users/me', (req, res) => {
      const user = this.accessTokens.get(this.authToken(req) ?? '');
      if (!user) return res.json(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      const { profile_image_url, ...data } = user;
      const fields = req.query.get('user.fields')?.split(',') ?? [];
      res.json(200, { data: { ...data, ...(fields.includes('profile_image_url') ? { profile_image_url } : {}) } });
    });
  }

  override reset(): void {
    super.reset();
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.accessTokenLifetimeSeconds = 7200;
  }

  private token(req: RecordedRequest, res: Responder): void {
    const [id, secret] = Buffer.from(this.authToken(req, ['basic']) ?? '', 'base64')
      .toString()
      .split(':');
    if (!this.clients.some((c) => c.id === id && c.secret === secret)) {
      return res.json(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    }
    const form = new URLSearchParams(req.body);
    let grant: { user: XUser; scope: string };
    if (form.get('grant_type') === 'refresh_token') {
      const stored = this.refreshTokens.get(form.get('refresh_token') ?? '');
      // Rotated: a refresh token works once.
      this.refreshTokens.delete(form.get('refresh_token') ?? '');
      if (!stored || stored.clientId !== id)
        return res.json(400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
      grant = { user: stored.user, scope: 'users.read tweet.read offline.access' };
    } else {
      const redeemed = this.codes.redeem(form.get('code') ?? '', id, form.get('redirect_uri'), form.get('code_verifier'));
      if (!redeemed.ok) return res.json(400, { error: 'invalid_request', error_description: REFUSED[redeemed.reason] });
      grant = { user: redeemed.grant.account, scope: redeemed.grant.scope ?? 'users.read tweet.read offline.access' };
    }
    const accessToken = randomBytes(24).toString('base64url');
    this.accessTokens.set(accessToken, grant.user);
    const refreshToken = grant.scope.split(' ').includes('offline.access') ? randomBytes(24).toString('base64url') : undefined;
    if (refreshToken) this.refreshTokens.set(refreshToken, { clientId: id, user: grant.user });
    res.json(200, {
      token_type: 'bearer',
      expires_in: this.accessTokenLifetimeSeconds,
      access_token: accessToken,
      scope: grant.scope,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    });
  }
}
