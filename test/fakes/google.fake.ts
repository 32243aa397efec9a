/**
 * Fake Google: tokeninfo (https://oauth2.googleapis.com/tokeninfo), the OIDC userinfo endpoint
 * (https://openidconnect.googleapis.com/v1/userinfo) and the ID-token JWKS (https://www.googleapis.com/oauth2/v3/certs).
 * https://developers.google.com/identity/sign-in/web/backend-auth, https://developers.google.com/identity/openid-connect/openid-connect
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { AuthorizationCodes } from './authorization-codes.js';
import { FakeProviderServer, type Responder, type RouteRequest } from './fake-provider-server.js';
import { GoogleRefreshTokens } from './google-refresh-tokens.js';

export interface GoogleTokenOptions {
  sub: string;
  aud: string;
  azp?: string;
  email?: string;
  emailVerified?: boolean;
  hd?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  picture?: string;
  /** Seconds from now; zero or negative issues an already expired token. Default 3599, as Google does. */
  expiresIn?: number;
}

export interface SignIdTokenOptions {
  /** Header `kid`; defaults to the current key's (pass an unknown one to test a kid miss). */
  kid?: string;
  /** `none` gives an unsigned token; `HS*` signs with the public key PEM as secret (algorithm confusion). */
  alg?: string;
  /** Sign with this private key instead of the current one. */
  key?: KeyObject;
  /** Extra protected-header members. */
  header?: Record<string, unknown>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const ISSUER = 'https://accounts.google.com';
const SCOPE = 'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile';
const now = (): number => Math.floor(Date.now() / 1000);

export class FakeGoogle extends FakeProviderServer {
  readonly issuer = ISSUER;
  /** Google answers its certs with `Cache-Control: public, max-age=...` (hours); clients must honour it. */
  jwksMaxAgeSeconds = 21600;
  private tokens = new Map<string, GoogleTokenOptions & { exp: number }>();
  private keys: SigningKey[] = [newKey()];
  private foreignKey: SigningKey | undefined;
  private jwksFetches = 0;
  /** `POST /token`: `refreshTokens.issue(opts)` hands out a refresh token, `revoke` withdraws it. */
  readonly refreshTokens = new GoogleRefreshTokens((opts) => this.issueAccessToken(opts));
  /** The code flow: `GET /o/oauth2/v2/auth` and the authorization_code grant of `POST /token`. */
  readonly codes = new AuthorizationCodes<Omit<GoogleTokenOptions, 'aud'>>();
  /** Client ids `GET /o/oauth2/v2/auth` knows. */
  clientIds: string[] = [];

  constructor() {
    super();
    this.route('POST', '/token', (req, res) =>
      new URLSearchParams(req.body).get('grant_type') === 'authorization_code'
        ? this.redeemCode(req, res)
        : this.refreshTokens.handler(req, res),
    );
    this.route(
      'GET',
      '/o/oauth2/v2/auth',
      this.codes.authorizeHandler(() => this.clientIds),
    );
    this.route('GET', '/tokeninfo', (req, res) => {
      const t = this.liveToken(req.query.get('access_token'));
      if (!t) return res.json(400, { error: 'invalid_token', error_description: 'Invalid Value' });
      // tokeninfo answers numbers and booleans as strings.
      res.json(200, {
        azp: t.azp ?? t.aud,
        aud: t.aud,
        sub: t.sub,
        scope: SCOPE,
        exp: String(t.exp),
        expires_in: String(t.exp - now()),
        ...(t.email !== undefined && { email: t.email, email_verified: String(t.emailVerified ?? true) }),
        access_type: 'online',
      });
    });
    this.route('GET', '/v1/userinfo', (req, res) => {
      const t = this.liveToken(this.authToken(req));
      if (!t) {
        const challenge = { 'www-authenticate': 'Bearer error="invalid_token"' };
        return res.json(401, { error: 'invalid_request', error_description: 'Invalid Credentials' }, challenge);
      }
      res.json(200, {
        sub: t.sub,
        name: t.name,
        given_name: t.givenName,
        family_name: t.familyName,
        picture: t.picture,
        ...(t.email !== undefined && { email: t.email, email_verified: t.emailVerified ?? true }),
        hd: t.hd,
      }); // undefined members vanish in JSON, as Google omits absent claims
    });
    this.route('GET', '/oauth2/v3/certs', (_req, res) => {
      this.jwksFetches++;
      const keys = this.keys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: 'RS256' }));
      res.json(200, { keys }, { 'cache-control': `public, max-age=${this.jwksMaxAgeSeconds}, must-revalidate, no-transform` });
    });
  }

  get tokeninfoUrl(): string {
    return `${this.baseUrl}/tokeninfo`;
  }
  get userinfoUrl(): string {
    return `${this.baseUrl}/v1/userinfo`;
  }
  get jwksUrl(): string {
    return `${this.baseUrl}/oauth2/v3/certs`;
  }
  get tokenUrl(): string {
    return `${this.baseUrl}/token`;
  }
  get authorizationUrl(): string {
    return `${this.baseUrl}/o/oauth2/v2/auth`;
  }
  get jwksFetchCount(): number {
    return this.jwksFetches;
  }
  get currentKid(): string {
    return this.currentKey.kid;
  }

  issueAccessToken(opts: GoogleTokenOptions): string {
    const token = `ya29.${randomBytes(32).toString('base64url')}`;
    this.tokens.set(token, { ...opts, exp: now() + (opts.expiresIn ?? 3599) });
    return token;
  }

  /** New current key (new kid); the old one stays published unless `dropOld`, as during Google's rotations. */
  rotateKey(opts: { dropOld?: boolean } = {}): string {
    const key = newKey();
    this.keys = opts.dropOld ? [key] : [...this.keys, key];
    return key.kid;
  }

  async signIdToken(claims: Record<string, unknown>, opts: SignIdTokenOptions = {}): Promise<string> {
    const payload = { iss: ISSUER, iat: now(), exp: now() + 3600, ...claims } as JWTPayload;
    const alg = opts.alg ?? 'RS256';
    const header = { typ: 'JWT', kid: opts.kid ?? this.currentKid, ...opts.header, alg };
    if (alg === 'none') return `${b64(header)}.${b64(payload)}.`;
    const pem = this.currentKey.publicKey.export({ type: 'spki', format: 'pem' });
    const key = alg.startsWith('HS') ? new TextEncoder().encode(String(pem)) : (opts.key ?? this.currentKey.privateKey);
    return new SignJWT(payload).setProtectedHeader(header).sign(key);
  }

  /** Signed by a key Google never published, but under the current kid: only signature checks catch it. */
  signWithForeignKey(claims: Record<string, unknown>, opts: SignIdTokenOptions = {}): Promise<string> {
    this.foreignKey ??= newKey();
    return this.signIdToken(claims, { ...opts, key: this.foreignKey.privateKey });
  }

  /** `alg: "none"`: `base64url(header).base64url(payload).` with an empty signature. */
  makeUnsignedIdToken(claims: Record<string, unknown>): Promise<string> {
    return this.signIdToken(claims, { alg: 'none' });
  }

  /** HS256 keyed with the RS256 public key's PEM: the classic algorithm-confusion forgery. */
  signWithPublicKeyAsHmacSecret(claims: Record<string, unknown>): Promise<string> {
    return this.signIdToken(claims, { alg: 'HS256' });
  }

  /**
   * https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code, client
   * credentials in the form (client_secret_post) or Basic. Google's answers: 400 `invalid_grant` ("Malformed auth
   * code.", "Invalid code verifier."), 400 `redirect_uri_mismatch`, 401 `invalid_client`.
   */
  private async redeemCode(req: RouteRequest, res: Responder): Promise<void> {
    const form = new URLSearchParams(req.body);
    const basic = Buffer.from(this.authToken(req, ['basic']) ?? '', 'base64')
      .toString()
      .split(':')
      .map(decodeURIComponent);
    const [clientId, secret] = basic.length === 2 ? basic : [form.get('client_id') ?? '', form.get('client_secret') ?? ''];
    if (!this.clientIds.includes(clientId) || secret !== this.refreshTokens.clientSecret) {
      return res.json(401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }
    const redeemed = this.codes.redeem(form.get('code') ?? '', clientId, form.get('redirect_uri'), form.get('code_verifier'));
    if (!redeemed.ok) {
      if (redeemed.reason === 'redirect_uri_mismatch')
        return res.json(400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
      const description = redeemed.reason === 'pkce_mismatch' ? 'Invalid code verifier.' : 'Malformed auth code.';
      return res.json(400, { error: 'invalid_grant', error_description: description });
    }
    const { account, nonce } = redeemed.grant;
    const opts = { ...account, aud: clientId };
    const idToken = await this.signIdToken({
      sub: account.sub,
      aud: clientId,
      azp: clientId,
      nonce,
      hd: account.hd,
      name: account.name,
      picture: account.picture,
      given_name: account.givenName,
      family_name: account.familyName,
      ...(account.email !== undefined && { email: account.email, email_verified: account.emailVerified ?? true }),
    });
    res.json(200, {
      access_token: this.issueAccessToken(opts),
      expires_in: 3599,
      scope: SCOPE,
      token_type: 'Bearer',
      id_token: idToken,
      refresh_token: this.refreshTokens.issue(opts),
    });
  }

  /** Also forgets rotated keys (the first key stays) and the fetch count. */
  override reset(): void {
    super.reset();
    this.tokens.clear();
    this.refreshTokens.clear();
    this.codes.clear();
    this.keys = this.keys.slice(0, 1);
    this.jwksFetches = 0;
  }

  private get currentKey(): SigningKey {
    return this.keys[this.keys.length - 1];
  }

  private liveToken(token: string | null | undefined): (GoogleTokenOptions & { exp: number }) | undefined {
    const t = token ? this.tokens.get(token) : undefined;
    return t && t.exp > now() ? t : undefined;
  }
}

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomBytes(20).toString('hex'), privateKey, publicKey };
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
