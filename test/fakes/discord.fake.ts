/**
 * Fake Discord OAuth2 and REST API: the authorization page, the token endpoint (Basic or form credentials),
 * `GET /users/@me` and `GET /oauth2/@me` (which names the application a token was issued to), with Discord's
 * error answers. https://discord.com/developers/docs/topics/oauth2
 * https://discord.com/developers/docs/resources/user#get-current-user
 */
import { randomBytes } from 'node:crypto';
import { AuthorizationCodes } from './authorization-codes.js';
import { FakeProviderServer, type RecordedRequest, type Responder } from './fake-provider-server.js';
import type { FakeClient } from './oidc-fake.js';

export interface DiscordUser {
  id: string;
  username: string;
  global_name?: string | null;
  avatar?: string | null;
  email?: string | null;
  verified?: boolean;
}

interface DiscordToken {
  clientId: string;
  user: DiscordUser;
  scopes: string[];
  expires: Date;
}

const UNAUTHORIZED = { message: '401: Unauthorized', code: 0 };
const WEEK_SECONDS = 604_800;

export class FakeDiscord extends FakeProviderServer {
  readonly codes = new AuthorizationCodes<DiscordUser>();
  private readonly tokens = new Map<string, DiscordToken>();

  constructor(private readonly clients: FakeClient[]) {
    super();
    this.route(
      'GET',
      '/oauth2/authorize',
      this.codes.authorizeHandler(() => this.clients.map((c) => c.id)),
    );
    this.route('POST', '/api/oauth2/token', (req, res) => this.token(req, res));
    this.route('GET', '/api/users/@me', (req, res) => {
      const t = this.tokens.get(this.authToken(req) ?? '');
      if (!t || t.expires.getTime() < Date.now()) return res.json(401, UNAUTHORIZED);
      // `email` and `verified` only with the email scope.
      const { email, verified, ...user } = t.user;
      res.json(200, {
        discriminator: '0',
        public_flags: 0,
        flags: 0,
        locale: 'en-US',
        mfa_enabled: false,
        ...user,
        ...(t.scopes.includes('email') ? { email: email ?? null, verified: verified ?? false } : {}),
      });
    });
    this.route('GET', '/api/oauth2/@me', (req, res) => {
      const t = this.tokens.get(this.authToken(req) ?? '');
      if (!t) return res.json(401, UNAUTHORIZED);
      res.json(200, {
        application: {
          id: t.clientId,
          name: 'Fake App',
          icon: null,
          description: '',
          bot_public: true,
          bot_require_code_grant: false,
          verify_key: 'f'.repeat(64),
        },
        scopes: t.scopes,
        expires: t.expires.toISOString(),
        ...(t.scopes.includes('identify') ? { user: { id: t.user.id, username: t.user.username, avatar: t.user.avatar ?? null } } : {}),
      });
    });
  }

  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  /** A token as the app `clientId` would hold it after the user authorized it (e.g. another app's, for the audience check). */
  issueAccessToken(clientId: string, user: DiscordUser, scopes = ['identify', 'email']): string {
    const token = randomBytes(22).toString('base64url');
    this.tokens.set(token, { clientId, user, scopes, expires: new Date(Date.now() + WEEK_SECONDS * 1000) });
    return token;
  }

  override reset(): void {
    super.reset();
    this.codes.clear();
    this.tokens.clear();
  }

  private clientOf(req: RecordedRequest, form: URLSearchParams): string | undefined {
    const basic = this.authToken(req, ['basic']);
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [form.get('client_id'), form.get('client_secret')];
    return this.clients.some((c) => c.id === id && c.secret === secret) ? (id ?? undefined) : undefined;
  }

  private token(req: RecordedRequest, res: Responder): void {
    const form = new URLSearchParams(req.body);
    const clientId = this.clientOf(req, form);
    if (!clientId) return res.json(401, { error: 'invalid_client' });
    if (form.get('grant_type') !== 'authorization_code') return res.json(400, { error: 'unsupported_grant_type' });
    const redeemed = this.codes.redeem(form.get('code') ?? '', clientId, form.get('redirect_uri'), form.get('code_verifier'));
    if (!redeemed.ok) return res.json(400, { error: 'invalid_grant', error_description: 'Invalid "code" in request.' });
    const scopes = redeemed.grant.scope?.split(' ') ?? ['identify', 'email'];
    res.json(200, {
      token_type: 'Bearer',
      access_token: this.issueAccessToken(clientId, redeemed.grant.account, scopes),
      expires_in: WEEK_SECONDS,
      refresh_token: randomBytes(22).toString('base64url'),
      scope: scopes.join(' '),
    });
  }
}
