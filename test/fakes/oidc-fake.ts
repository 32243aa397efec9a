/**
 * Base of the OpenID Connect provider fakes (Microsoft, Apple, GitLab, LinkedIn): a discovery document, a JWKS,
 * a token endpoint that redeems `AuthorizationCodes` once into RS256 ID tokens (OIDC Core 3.1.3.3) and access
 * tokens, refresh tokens, and userinfo (5.3). Subclasses give the paths and their provider's own answers:
 * how it authenticates our client, how it refuses, which claims it puts where.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { AuthorizationCodes, type CodeRequest } from './authorization-codes.js';
import { FakeProviderServer, type RecordedRequest, type Responder, type RouteHandler, type RouteRequest } from './fake-provider-server.js';

export interface FakeClient {
  id: string;
  secret?: string;
}

/** The signed-in user as the provider knows them: `sub` plus whatever claims it releases. */
export type OidcAccount = { sub: string } & Record<string, unknown>;

/** Paths on the fake's base URL; RegExps for per-tenant paths (the subclass then writes its own discovery document). */
export interface OidcPaths {
  discovery: string | RegExp;
  authorize: string | RegExp;
  token: string | RegExp;
  jwks: string | RegExp;
  userinfo?: string;
}

const now = () => Math.floor(Date.now() / 1000);

export abstract class FakeOidcServer extends FakeProviderServer {
  readonly codes = new AuthorizationCodes<OidcAccount>();
  readonly kid = `k-${randomBytes(6).toString('hex')}`;
  private readonly key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly accessTokens = new Map<string, OidcAccount>();
  private readonly refreshTokens = new Map<string, { clientId: string; account: OidcAccount }>();

  constructor(
    protected readonly clients: FakeClient[],
    protected readonly paths: OidcPaths,
  ) {
    super();
    this.route('GET', paths.discovery, (req, res) => res.json(200, this.discovery(req)));
    this.route('GET', paths.jwks, (_req, res) =>
      res.json(200, { keys: [{ ...this.key.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }] }),
    );
    this.route('GET', paths.authorize, this.authorizeHandler());
    this.route('POST', paths.token, (req, res) => this.token(req, res));
    if (paths.userinfo) this.route('GET', paths.userinfo, (req, res) => this.userinfo(req, res));
  }

  /** What its ID tokens carry as `iss` for this account. */
  abstract issuerFor(account: OidcAccount): string;

  /** The discovery document (OIDC Discovery 3); `req` for providers that serve one per tenant. */
  protected discovery(_req: RouteRequest): Record<string, unknown> {
    return {
      issuer: this.issuerFor({ sub: '' }),
      authorization_endpoint: `${this.baseUrl}${String(this.paths.authorize)}`,
      token_endpoint: `${this.baseUrl}${String(this.paths.token)}`,
      jwks_uri: `${this.baseUrl}${String(this.paths.jwks)}`,
      ...(this.paths.userinfo ? { userinfo_endpoint: `${this.baseUrl}${this.paths.userinfo}` } : {}),
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
    };
  }

  /** The user "signs in" as `codes.nextAccount` and is sent back with a code in the query. */
  protected authorizeHandler(): RouteHandler {
    return this.codes.authorizeHandler(() => this.clients.map((c) => c.id));
  }

  /** Our client's id when the request authenticates it (Basic or the form, RFC 6749 2.3.1), else undefined. */
  protected async authenticateClient(req: RecordedRequest, form: URLSearchParams): Promise<string | undefined> {
    const basic = this.authToken(req, ['basic']);
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64')
          .toString()
          .split(':')
          .map((v) => decodeURIComponent(v.replace(/\+/g, ' ')))
      : [form.get('client_id'), form.get('client_secret')];
    return this.clients.some((c) => c.id === id && c.secret !== undefined && c.secret === secret) ? (id ?? undefined) : undefined;
  }

  /** RFC 6749 5.2. */
  protected refuseClient(res: Responder): void {
    res.json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
  }

  /** A code or refresh token it does not honour (RFC 6749 5.2). */
  protected refuseGrant(res: Responder, _reason: string): void {
    res.json(400, {
      error: 'invalid_grant',
      error_description: 'The provided authorization grant is invalid, expired, revoked, or was issued to another client.',
    });
  }

  /** The claims of an ID token issued to `clientId`; `nonce` when the authorization request had one. */
  protected idTokenClaims(account: OidcAccount, clientId: string, nonce: string | undefined): JWTPayload {
    return { ...account, iss: this.issuerFor(account), aud: clientId, ...(nonce ? { nonce } : {}) };
  }

  /** Hands out a code as if the user had just signed in at the provider and been sent back to `redirectUri`. */
  issueCode(account: OidcAccount, request: Omit<CodeRequest<OidcAccount>, 'account'>): string {
    return this.codes.issue({ ...request, account });
  }

  /** An ID token signed with the provider's key, as its SDKs hand them to apps (`iat`/`exp` added). */
  signIdToken(claims: JWTPayload): Promise<string> {
    return new SignJWT({ iat: now(), exp: now() + 3600, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .sign(this.key.privateKey);
  }

  override reset(): void {
    super.reset();
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  private async token(req: RouteRequest, res: Responder): Promise<void> {
    const form = new URLSearchParams(req.body);
    const clientId = await this.authenticateClient(req, form);
    if (!clientId) return this.refuseClient(res);
    if (form.get('grant_type') === 'refresh_token') {
      const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!grant || grant.clientId !== clientId) return this.refuseGrant(res, 'unknown_refresh_token');
      return res.json(200, { access_token: this.accessToken(grant.account), token_type: 'Bearer', expires_in: 3600 });
    }
    if (form.get('grant_type') !== 'authorization_code') return res.json(400, { error: 'unsupported_grant_type' });
    const redeemed = this.codes.redeem(form.get('code') ?? '', clientId, form.get('redirect_uri'), form.get('code_verifier'));
    if (!redeemed.ok) return this.refuseGrant(res, redeemed.reason);
    const { account, nonce } = redeemed.grant;
    const refreshToken = `rt-${randomBytes(16).toString('hex')}`;
    this.refreshTokens.set(refreshToken, { clientId, account });
    res.json(200, {
      access_token: this.accessToken(account),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: refreshToken,
      id_token: await this.signIdToken(this.idTokenClaims(account, clientId, nonce)),
    });
  }

  private accessToken(account: OidcAccount): string {
    const token = `at-${randomBytes(16).toString('hex')}`;
    this.accessTokens.set(token, account);
    return token;
  }

  private userinfo(req: RecordedRequest, res: Responder): void {
    const account = this.accessTokens.get(this.authToken(req) ?? '');
    if (!account) return res.json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    res.json(200, this.userinfoClaims(account));
  }

  /** What userinfo releases of the account (OIDC Core 5.3.2). */
  protected userinfoClaims(account: OidcAccount): Record<string, unknown> {
    return account;
  }
}
