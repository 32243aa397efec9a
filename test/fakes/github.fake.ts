/**
 * Fake GitHub REST API: "Check a token" (POST /applications/{client_id}/token, Basic auth with the OAuth
 * app's client id and secret), GET /user and GET /user/emails.
 * https://docs.github.com/en/rest/apps/oauth-applications#check-a-token
 * https://docs.github.com/en/rest/users/users#get-the-authenticated-user
 * https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
 */
import { createHash, randomBytes } from 'node:crypto';
import { AuthorizationCodes } from './authorization-codes.js';
import { FakeProviderServer, type Responder, type RouteRequest } from './fake-provider-server.js';

export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility?: 'public' | 'private' | null;
}

export interface GitHubTokenOptions {
  clientId: string;
  id: number;
  login: string;
  name?: string | null;
  avatarUrl?: string;
  emails?: GitHubEmail[];
  /** Default `['read:user', 'user:email']`. */
  scopes?: string[];
}

type GitHubToken = GitHubTokenOptions & { tokenId: number; createdAt: string; scopes: string[] };

const DOCS = 'https://docs.github.com/rest';
const REQUIRES_AUTH = { message: 'Requires authentication', documentation_url: DOCS };
const BAD_CREDENTIALS = { message: 'Bad credentials', documentation_url: DOCS };
const CHECK_DOCS = `${DOCS}/apps/oauth-applications#check-a-token`;

export class FakeGitHub extends FakeProviderServer {
  private readonly clients: Array<{ clientId: string; clientSecret: string }>;
  private tokens = new Map<string, GitHubToken>();
  private nextTokenId = 1;
  /** The web flow: `GET /login/oauth/authorize` and `POST /login/oauth/access_token` (on github.com, here on this fake). */
  readonly codes = new AuthorizationCodes<Omit<GitHubTokenOptions, 'clientId'>>();

  constructor(opts: { clients: Array<{ clientId: string; clientSecret: string }> }) {
    super();
    this.clients = opts.clients;
    this.route('POST', /^\/applications\/([^/]+)\/token$/, (req, res) => {
      const clientId = decodeURIComponent(req.params[0]);
      const [user, secret] = Buffer.from(this.authToken(req, ['basic']) ?? '', 'base64')
        .toString()
        .split(':');
      if (user !== clientId || !this.clients.some((c) => c.clientId === clientId && c.clientSecret === secret)) {
        return res.json(401, REQUIRES_AUTH);
      }
      let body: { access_token?: unknown };
      try {
        body = JSON.parse(req.body || '{}') as { access_token?: unknown };
      } catch {
        return res.json(400, { message: 'Problems parsing JSON', documentation_url: CHECK_DOCS });
      }
      if (typeof body.access_token !== 'string' || !body.access_token) {
        return res.json(422, { message: 'Invalid request.', errors: ['"access_token" wasn\'t supplied.'], documentation_url: CHECK_DOCS });
      }
      const t = this.tokens.get(body.access_token);
      // A token of another OAuth app is indistinguishable from an unknown one.
      if (!t || t.clientId !== clientId) return res.json(404, { message: 'Not Found', documentation_url: CHECK_DOCS });
      res.json(200, {
        id: t.tokenId,
        url: `${this.apiUrl}/authorizations/${t.tokenId}`,
        scopes: t.scopes,
        token: body.access_token,
        token_last_eight: body.access_token.slice(-8),
        hashed_token: createHash('sha256').update(body.access_token).digest('hex'),
        app: { client_id: clientId, name: 'Fake OAuth App', url: 'https://example.com' },
        note: null,
        note_url: null,
        created_at: t.createdAt,
        updated_at: t.createdAt,
        expires_at: null,
        fingerprint: null,
        user: this.simpleUser(t),
      });
    });
    this.route(
      'GET',
      '/login/oauth/authorize',
      this.codes.authorizeHandler(() => this.clients.map((c) => c.clientId)),
    );
    this.route('POST', '/login/oauth/access_token', (req, res) => this.redeemCode(req, res));
    this.route('GET', '/user', (req, res) =>
      this.withToken(req, res.json, (t) => {
        const publicEmail = t.emails?.find((e) => e.visibility === 'public')?.email ?? null;
        res.json(
          200,
          {
            ...this.simpleUser(t),
            name: t.name ?? null,
            company: null,
            blog: '',
            location: null,
            email: publicEmail,
            bio: null,
            public_repos: 0,
            followers: 0,
            following: 0,
            created_at: t.createdAt,
            updated_at: t.createdAt,
          },
          this.scopeHeaders(t),
        );
      }),
    );
    this.route('GET', '/user/emails', (req, res) =>
      this.withToken(req, res.json, (t) => {
        // Without `user:email` (or the broader `user`) GitHub hides the resource: 404, not 403.
        if (!t.scopes.some((s) => s === 'user:email' || s === 'user')) {
          return res.json(404, {
            message: 'Not Found',
            documentation_url: `${DOCS}/users/emails#list-email-addresses-for-the-authenticated-user`,
          });
        }
        const emails = (t.emails ?? []).map((e) => ({
          email: e.email,
          primary: e.primary,
          verified: e.verified,
          visibility: e.visibility ?? (e.primary ? 'private' : null),
        }));
        res.json(200, emails, this.scopeHeaders(t));
      }),
    );
  }

  get apiUrl(): string {
    return this.baseUrl;
  }

  issueAccessToken(opts: GitHubTokenOptions): string {
    const token = `gho_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
    const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.tokens.set(token, { ...opts, scopes: opts.scopes ?? ['read:user', 'user:email'], tokenId: this.nextTokenId++, createdAt });
    return token;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/login/oauth/access_token`;
  }

  override reset(): void {
    super.reset();
    this.tokens.clear();
    this.codes.clear();
  }

  /**
   * https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github
   * and its troubleshooting page: errors come back as HTTP 200 with an `error` member.
   */
  private redeemCode(req: RouteRequest, res: Responder): void {
    const form = new URLSearchParams(req.body);
    const clientId = form.get('client_id') ?? '';
    const troubleshooting = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';
    if (!this.clients.some((c) => c.clientId === clientId && c.clientSecret === form.get('client_secret'))) {
      return res.json(200, {
        error: 'incorrect_client_credentials',
        error_description: 'The client_id and/or client_secret passed are incorrect.',
        error_uri: `${troubleshooting}/#incorrect-client-credentials`,
      });
    }
    const redeemed = this.codes.redeem(form.get('code') ?? '', clientId, form.get('redirect_uri'), form.get('code_verifier'));
    if (!redeemed.ok) {
      if (redeemed.reason === 'redirect_uri_mismatch') {
        return res.json(200, {
          error: 'redirect_uri_mismatch',
          error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
          error_uri: `${troubleshooting}/#redirect-uri-mismatch2`,
        });
      }
      return res.json(200, {
        error: 'bad_verification_code',
        error_description: 'The code passed is incorrect or expired.',
        error_uri: `${troubleshooting}/#bad-verification-code`,
      });
    }
    const scopes = ['read:user', 'user:email'];
    const token = this.issueAccessToken({ ...redeemed.grant.account, clientId, scopes });
    res.json(200, { access_token: token, token_type: 'bearer', scope: scopes.join(',') });
  }

  /** The API takes `Bearer <t>` and the older `token <t>`; no header at all is a different 401 message. */
  private withToken(req: RouteRequest, json: (status: number, body: unknown) => void, answer: (t: GitHubToken) => void): void {
    if (!req.headers.authorization) return json(401, REQUIRES_AUTH);
    const t = this.tokens.get(this.authToken(req, ['bearer', 'token']) ?? '');
    if (!t) return json(401, BAD_CREDENTIALS);
    answer(t);
  }

  /** GitHub reports a token's scopes on every authenticated answer. */
  private scopeHeaders(t: GitHubToken): Record<string, string> {
    return { 'x-oauth-scopes': t.scopes.join(', '), 'x-accepted-oauth-scopes': '' };
  }

  private simpleUser(t: GitHubToken) {
    return {
      login: t.login,
      id: t.id,
      node_id: Buffer.from(`04:User${t.id}`).toString('base64'),
      avatar_url: t.avatarUrl ?? `https://avatars.githubusercontent.com/u/${t.id}?v=4`,
      gravatar_id: '',
      url: `${this.apiUrl}/users/${t.login}`,
      html_url: `https://github.com/${t.login}`,
      type: 'User',
      site_admin: false,
    };
  }
}
