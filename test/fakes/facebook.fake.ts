/**
 * Fake Facebook Graph API: `debug_token` (inspect a user token with the app token `app_id|app_secret`) and
 * `/me` (requires `appsecret_proof` = hex HMAC-SHA256(access_token, app_secret)).
 * https://developers.facebook.com/docs/graph-api/reference/debug_token
 * https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof
 * https://developers.facebook.com/docs/graph-api/guides/error-handling
 * Also the long-lived token exchange (`/oauth/access_token?grant_type=fb_exchange_token`) and Limited Login's JWKS.
 * https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthorizationCodes } from './authorization-codes.js';
import { FacebookLimitedLogin, type LimitedLoginSignOptions } from './facebook-limited-login.js';
import { FakeProviderServer, type RouteRequest } from './fake-provider-server.js';

export interface FacebookTokenOptions {
  userId: string;
  /** App the token was issued to; defaults to this fake's app (another id tests the audience check). */
  appId?: string;
  name?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  pictureUrl?: string;
  /** Unix seconds; defaults to 60 days from now (a long-lived token). */
  expiresAt?: number;
  /** `false` issues a token Facebook has invalidated (e.g. the user logged out). */
  valid?: boolean;
}

type FacebookToken = FacebookTokenOptions & { appId: string; expiresAt: number };

const now = (): number => Math.floor(Date.now() / 1000);
const FIELDS = ['id', 'name', 'email', 'first_name', 'last_name', 'picture'];

/** Graph's error envelope; every error carries an opaque `fbtrace_id`. */
function graphError(message: string, type: string, code: number, extra: Record<string, unknown> = {}) {
  return { error: { message, type, code, ...extra, fbtrace_id: randomBytes(8).toString('base64url') } };
}

export class FakeFacebook extends FakeProviderServer {
  readonly appId: string;
  readonly graphVersion: string;
  private readonly appSecret: string;
  private tokens = new Map<string, FacebookToken>();
  private readonly limitedLogin: FacebookLimitedLogin;
  /** The manual login flow's codes: https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow */
  readonly codes = new AuthorizationCodes<Omit<FacebookTokenOptions, 'appId'>>();

  constructor(opts: { appId: string; appSecret: string; graphVersion?: string }) {
    super();
    this.appId = opts.appId;
    this.appSecret = opts.appSecret;
    this.graphVersion = opts.graphVersion ?? 'v21.0';
    // Graph answers with or without the version prefix (unversioned = the app's default version).
    this.route('GET', /^(?:\/v\d+\.\d+)?\/debug_token$/, (req, res) => this.debugToken(req, res.json));
    this.route('GET', /^(?:\/v\d+\.\d+)?\/me$/, (req, res) => this.me(req, res.json));
    this.route('GET', /^(?:\/v\d+\.\d+)?\/oauth\/access_token$/, (req, res) =>
      req.query.has('code') ? this.redeemCode(req, res.json) : this.exchange(req, res.json),
    );
    this.limitedLogin = new FacebookLimitedLogin(this.appId);
    this.route('GET', '/.well-known/oauth/openid/jwks/', (_req, res) => res.json(200, this.limitedLogin.jwks()));
  }

  get jwksUrl(): string {
    return `${this.baseUrl}/.well-known/oauth/openid/jwks/`;
  }

  /** A Limited Login token of this app: `{ sub, nonce?, name?, email?, ... }`, overriding iss/aud/exp/iat as needed. */
  signLimitedLoginToken(claims: Record<string, unknown>, opts?: LimitedLoginSignOptions): Promise<string> {
    return this.limitedLogin.sign(claims, opts);
  }

  get graphUrl(): string {
    return `${this.baseUrl}/${this.graphVersion}`;
  }

  issueAccessToken(opts: FacebookTokenOptions): string {
    const token = `EAA${randomBytes(48).toString('base64url')}`;
    this.tokens.set(token, { ...opts, appId: opts.appId ?? this.appId, expiresAt: opts.expiresAt ?? now() + 60 * 86400 });
    return token;
  }

  override reset(): void {
    super.reset();
    this.tokens.clear();
  }

  private debugToken(req: RouteRequest, json: (status: number, body: unknown) => void): void {
    if (this.accessToken(req) !== `${this.appId}|${this.appSecret}`) {
      return json(400, graphError('Invalid OAuth access token signature.', 'OAuthException', 190));
    }
    const input = req.query.get('input_token');
    if (!input) return json(400, graphError('(#100) The parameter input_token is required', 'OAuthException', 100));
    const t = this.tokens.get(input);
    // A bad *user* token is not an error of the call: Graph answers 200 with is_valid=false.
    if (!t || t.valid === false) {
      return json(200, { data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.', subcode: 0 }, scopes: [] } });
    }
    if (t.expiresAt !== 0 && t.expiresAt <= now()) {
      const error = { code: 190, message: 'Error validating access token: Session has expired.', subcode: 463 };
      return json(200, {
        data: { app_id: t.appId, type: 'USER', expires_at: t.expiresAt, is_valid: false, error, scopes: [], user_id: t.userId },
      });
    }
    json(200, {
      data: {
        app_id: t.appId,
        type: 'USER',
        application: 'Fake App',
        data_access_expires_at: now() + 90 * 86400,
        expires_at: t.expiresAt,
        is_valid: true,
        scopes: ['email', 'public_profile'],
        user_id: t.userId,
      },
    });
  }

  private me(req: RouteRequest, json: (status: number, body: unknown) => void): void {
    const token = this.accessToken(req);
    if (!token)
      return json(
        400,
        graphError('An active access token must be used to query information about the current user.', 'OAuthException', 2500),
      );
    const t = this.tokens.get(token);
    if (!t) return json(400, graphError('Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190));
    if (t.valid === false || (t.expiresAt !== 0 && t.expiresAt <= now())) {
      return json(400, graphError('Error validating access token: Session has expired.', 'OAuthException', 190, { error_subcode: 463 }));
    }
    const proof = req.query.get('appsecret_proof');
    if (!proof) return json(400, graphError('API calls from the server require an appsecret_proof argument', 'GraphMethodException', 100));
    const expected = createHmac('sha256', this.appSecret).update(token).digest();
    const given = Buffer.from(proof, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return json(400, graphError('Invalid appsecret_proof provided in the API argument', 'GraphMethodException', 100));
    }
    // Without `fields` Graph returns id and name only.
    const fields = (req.query.get('fields') ?? 'id,name')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const unknown = fields.find((f) => !FIELDS.includes(f));
    if (unknown)
      return json(400, graphError(`(#100) Tried accessing nonexisting field (${unknown}) on node type (User)`, 'OAuthException', 100));
    const all: Record<string, unknown> = {
      id: t.userId,
      name: t.name,
      email: t.email,
      first_name: t.firstName,
      last_name: t.lastName,
      picture: {
        data: t.pictureUrl
          ? { height: 50, is_silhouette: false, url: t.pictureUrl, width: 50 }
          : { height: 50, is_silhouette: true, url: `https://static.xx.fbcdn.net/rsrc.php/silhouette-${t.userId}.jpg`, width: 50 },
      },
    };
    json(200, Object.fromEntries(fields.filter((f) => all[f] !== undefined).map((f) => [f, all[f]])));
  }

  /** Code → user access token, with the app secret in the query (as Facebook documents it). */
  private redeemCode(req: RouteRequest, json: (status: number, body: unknown) => void): void {
    const q = req.query;
    if (q.get('client_id') !== this.appId || q.get('client_secret') !== this.appSecret) {
      return json(400, graphError('Error validating client secret.', 'OAuthException', 1));
    }
    const redeemed = this.codes.redeem(q.get('code') ?? '', this.appId, q.get('redirect_uri'), q.get('code_verifier'));
    if (!redeemed.ok) {
      const message =
        redeemed.reason === 'redirect_uri_mismatch'
          ? 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request'
          : 'Invalid verification code format.';
      return json(400, graphError(message, 'OAuthException', 100));
    }
    const expiresIn = 60 * 86400;
    json(200, {
      access_token: this.issueAccessToken({ ...redeemed.grant.account, expiresAt: now() + expiresIn }),
      token_type: 'bearer',
      expires_in: expiresIn,
    });
  }

  /** A still-valid token of this app becomes a new long-lived one (about 60 days), same user. */
  private exchange(req: RouteRequest, json: (status: number, body: unknown) => void): void {
    const q = req.query;
    if (q.get('grant_type') !== 'fb_exchange_token') return json(400, graphError('Unsupported grant_type', 'OAuthException', 100));
    if (q.get('client_id') !== this.appId || q.get('client_secret') !== this.appSecret) {
      return json(400, graphError('Error validating client secret.', 'OAuthException', 1));
    }
    const t = this.tokens.get(q.get('fb_exchange_token') ?? '');
    if (!t || t.valid === false || t.appId !== this.appId || (t.expiresAt !== 0 && t.expiresAt <= now())) {
      return json(400, graphError('Error validating access token: Session has expired.', 'OAuthException', 190, { error_subcode: 463 }));
    }
    const expiresIn = 60 * 86400;
    json(200, { access_token: this.issueAccessToken({ ...t, expiresAt: now() + expiresIn }), token_type: 'bearer', expires_in: expiresIn });
  }

  /** Graph takes the token as `access_token` or as `Authorization: Bearer`. */
  private accessToken(req: RouteRequest): string | undefined {
    return req.query.get('access_token') ?? this.authToken(req, ['bearer', 'oauth']);
  }
}
