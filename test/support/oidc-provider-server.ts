/**
 * A real OpenID Provider (the `oidc-provider` package, certified) on 127.0.0.1 for end-to-end tests: two
 * registered confidential clients, PKCE required, introspection on, any login name accepted (its dev login form).
 * `signIn` walks the authorization-code flow as a browser would and returns the provider's tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type Provider from 'oidc-provider';
import { BrowserSession } from '../../src/cli/browser-session.js';

export interface OidcTestClient {
  id: string;
  secret: string;
  redirectUri: string;
}

export type ProviderTokens = Record<'id_token' | 'access_token' | 'refresh_token', string>;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `k-${randomBytes(6).toString('hex')}`;
  return { kid, privateKey, jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** oidc-provider prints its development-mode warnings and notices on the console; a test run does not need them. */
async function quietly<T>(make: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  const keep =
    (log: typeof warn) =>
    (...args: unknown[]) => {
      if (!String(args[0]).startsWith('oidc-provider ')) log(...args);
    };
  [console.warn, console.info] = [keep(warn), keep(info)];
  try {
    return await make();
  } finally {
    [console.warn, console.info] = [warn, info];
  }
}

export class OidcProviderServer {
  readonly web: OidcTestClient = { id: 'web-app', secret: 'web-app-secret', redirectUri: 'http://127.0.0.1:8080/callback' };
  readonly other: OidcTestClient = { id: 'other-app', secret: 'other-app-secret', redirectUri: 'http://127.0.0.1:9090/callback' };
  /** Requests for the discovery document, the JWKS and userinfo (counted by path), since start. */
  readonly requests = { discovery: 0, jwks: 0, userinfo: 0 };
  private static readonly COUNTED: Record<string, 'discovery' | 'jwks' | 'userinfo'> = {
    '/.well-known/openid-configuration': 'discovery',
    '/jwks': 'jwks',
    '/me': 'userinfo',
  };
  issuer = '';
  private keys: SigningKey[] = [];
  private provider: Provider | undefined;
  private readonly server: Server = createServer((req, res) => {
    const counted = OidcProviderServer.COUNTED[req.url ?? ''];
    if (counted) this.requests[counted]++;
    this.provider!.callback()(req, res);
  });

  /** `introspection: false` gives a provider that cannot tell whom an access token was issued to. */
  constructor(private readonly options: { introspection?: boolean } = {}) {}

  /** The `kid` the provider signs ID tokens with now. */
  get kid(): string {
    return this.keys[0].kid;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.keys = [await newSigningKey()];
    this.provider = await this.createProvider();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** A key rotation as providers do it: a restarted provider signs with a new key and still publishes the old one. */
  async rotateKeys(): Promise<void> {
    this.keys = [await newSigningKey(), ...this.keys];
    this.provider = await this.createProvider();
  }

  /** For what the provider will not issue (several audiences): a token signed with its current key. */
  mint(claims: JWTPayload): Promise<string> {
    const key = this.keys[0];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(this.issuer)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
  }

  /** Authorization code flow with PKCE (RFC 7636) and a nonce, through the provider's login and consent pages. */
  async signIn(client: OidcTestClient, options: { login?: string; nonce?: string } = {}): Promise<ProviderTokens> {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(8).toString('hex');
    const authorize = new URL('/auth', this.issuer);
    authorize.search = new URLSearchParams({
      client_id: client.id,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      state,
      // offline_access (for a refresh token) needs prompt=consent (OIDC Core 11).
      scope: 'openid email profile offline_access',
      prompt: 'consent',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(options.nonce ? { nonce: options.nonce } : {}),
    }).toString();
    const browser = new BrowserSession();
    let [url, res] = [authorize, await browser.get(authorize)];
    // Redirects are followed; pages (login, then consent) are answered by submitting their form. Bounded: a loop is a bug.
    for (let step = 0; !res.headers.get('location')?.startsWith(client.redirectUri); step++) {
      const location = res.headers.get('location');
      if (step > 10) throw new Error(`no authorization code after ${step} steps; last at ${url}`);
      if (location) {
        [url, res] = [new URL(location, url), await browser.get(new URL(location, url))];
        continue;
      }
      const page = await res.text();
      const action = /<form[^>]* action="([^"]+)"/.exec(page)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      if (!action || !prompt) throw new Error(`unexpected page from the provider (HTTP ${res.status}): ${page.slice(0, 300)}`);
      const form: Record<string, string> = prompt === 'login' ? { prompt, login: options.login ?? 'ada', password: 'any' } : { prompt };
      res = await browser.post(new URL(action, url), form);
    }
    const callback = new URL(res.headers.get('location')!).searchParams;
    if (callback.get('state') !== state || callback.get('iss') !== this.issuer) throw new Error(`bad callback: ${callback}`);
    const token = await fetch(new URL('/token', this.issuer), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.get('code')!,
        redirect_uri: client.redirectUri,
        code_verifier: verifier,
      }),
    });
    if (token.status !== 200) throw new Error(`token endpoint answered ${token.status}: ${await token.text()}`);
    return (await token.json()) as ProviderTokens;
  }

  private createProvider(): Promise<Provider> {
    const client = (c: OidcTestClient) => ({
      client_id: c.id,
      client_secret: c.secret,
      redirect_uris: [c.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    return quietly(
      async () =>
        new (await import('oidc-provider')).default(this.issuer, {
          clients: [client(this.web), client(this.other)],
          jwks: { keys: this.keys.map((k) => k.jwk) },
          findAccount: async (_ctx: unknown, sub: string) => ({
            accountId: sub,
            claims: async () => ({
              sub,
              email: `${sub}@Acme.example`,
              email_verified: true,
              name: 'Ada Lovelace',
              given_name: 'Ada',
              family_name: 'Lovelace',
              preferred_username: sub,
              picture: `https://acme.example/${sub}.png`,
            }),
          }),
          claims: {
            openid: ['sub'],
            email: ['email', 'email_verified'],
            profile: ['name', 'given_name', 'family_name', 'preferred_username', 'picture'],
          },
          // Put the granted claims in the ID token too, as Google and most providers do, not only at userinfo.
          conformIdTokenClaims: false,
          pkce: { required: () => true },
          features: { introspection: { enabled: this.options.introspection ?? true, allowedPolicy: async () => true } },
          cookies: { keys: ['oidc-provider-server cookie key'] },
          ttl: {
            AccessToken: 3600,
            AuthorizationCode: 60,
            IdToken: 3600,
            RefreshToken: 86_400,
            Interaction: 600,
            Session: 3600,
            Grant: 3600,
          },
        }),
    );
  }
}
