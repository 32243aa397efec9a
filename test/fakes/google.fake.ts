/**
 * Fake Google: tokeninfo (https://oauth2.googleapis.com/tokeninfo), the OIDC userinfo endpoint
 * (https://openidconnect.googleapis.com/v1/userinfo) and the ID-token JWKS (https://www.googleapis.com/oauth2/v3/certs).
 * https://developers.google.com/identity/sign-in/web/backend-auth, https://developers.google.com/identity/openid-connect/openid-connect
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { FakeProviderServer } from './fake-provider-server.js';
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

  constructor() {
    super();
    this.route('POST', '/token', this.refreshTokens.handler);
    this.route('GET', '/tokeninfo', (req, res) => {
      const t = this.liveToken(req.query.get('access_token'));
      if (!t) return res.json(400, { error: 'invalid_token', error_description: 'Invalid Value' });
      // tokeninfo answers numbers and booleans as strings.
      res.json(200, {
        azp: t.azp ?? t.aud, aud: t.aud, sub: t.sub, scope: SCOPE,
        exp: String(t.exp), expires_in: String(t.exp - now()),
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
        sub: t.sub, name: t.name, given_name: t.givenName, family_name: t.familyName, picture: t.picture,
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

  get tokeninfoUrl(): string { return `${this.baseUrl}/tokeninfo`; }
  get userinfoUrl(): string { return `${this.baseUrl}/v1/userinfo`; }
  get jwksUrl(): string { return `${this.baseUrl}/oauth2/v3/certs`; }
  get tokenUrl(): string { return `${this.baseUrl}/token`; }
  get jwksFetchCount(): number { return this.jwksFetches; }
  get currentKid(): string { return this.currentKey.kid; }

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

  /** Also forgets rotated keys (the first key stays) and the fetch count. */
  override reset(): void {
    super.reset();
    this.tokens.clear();
    this.refreshTokens.clear();
    this.keys = this.keys.slice(0, 1);
    this.jwksFetches = 0;
  }

  private get currentKey(): SigningKey {
    return this.keys[this.keys.length - 1]!;
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
