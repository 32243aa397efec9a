/**
 * Google's token endpoint (https://oauth2.googleapis.com/token), refresh-token grant only:
 * https://developers.google.com/identity/protocols/oauth2/web-server#offline. A refresh token Google does not
 * know, or one the user revoked, is `400 invalid_grant` ("Token has been expired or revoked.").
 */
import { randomBytes } from 'node:crypto';
import type { RouteHandler } from './fake-provider-server.js';
import type { GoogleTokenOptions } from './google.fake.js';

export class GoogleRefreshTokens {
  /** Checked on every grant when set, with the token's client id (`aud`). */
  clientSecret: string | undefined = 'google-client-secret';
  private readonly grants = new Map<string, GoogleTokenOptions>();

  constructor(private readonly issueAccessToken: (opts: GoogleTokenOptions) => string) {}

  /** A refresh token for this account and client; redeeming it issues access tokens with `opts`. */
  issue(opts: GoogleTokenOptions): string {
    const token = `1//0${randomBytes(48).toString('base64url')}`;
    this.grants.set(token, opts);
    return token;
  }

  /** As when the user removes our app at myaccount.google.com/permissions. */
  revoke(token: string): void {
    this.grants.delete(token);
  }

  clear(): void {
    this.grants.clear();
  }

  readonly handler: RouteHandler = (req, res) => {
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'refresh_token') {
      return res.json(400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.get('grant_type') ?? ''}` });
    }
    const grant = this.grants.get(form.get('refresh_token') ?? '');
    if (!grant) return res.json(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    if (form.get('client_id') !== grant.aud || (this.clientSecret !== undefined && form.get('client_secret') !== this.clientSecret)) {
      return res.json(401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }
    const expiresIn = 3599;
    const scope = 'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile';
    res.json(200, { access_token: this.issueAccessToken({ ...grant, expiresIn }), expires_in: expiresIn, scope, token_type: 'Bearer' });
  };
}
