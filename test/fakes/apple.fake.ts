/**
 * Fake Sign in with Apple (https://appleid.apple.com): discovery, keys, and the token endpoint, which
 * authenticates our client by the ES256 client-secret JWT we sign with the team's key (it holds the public half)
 * and answers Apple's `ErrorResponse`s. `GET /auth/authorize` with `response_mode=form_post` answers the page that
 * POSTs `code`, `state` and, on the first authorization only, `user` (JSON with the name) to the redirect URI.
 * https://developer.apple.com/documentation/signinwithapplerestapi/generate-and-validate-tokens
 * https://developer.apple.com/documentation/signinwithapplerestapi/errorresponse
 * https://developer.apple.com/documentation/signinwithapple/incorporating-sign-in-with-apple-into-other-platforms
 */
import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import type { RecordedRequest, Responder, RouteHandler, RouteRequest } from './fake-provider-server.js';
import { FakeOidcServer, type OidcAccount } from './oidc-fake.js';

export const APPLE_TEAM_ID = 'TEAM123456';
export const APPLE_KEY_ID = 'KEY1234567';

/** Apple says yes and no as strings in its ID tokens. */
const yesNo = (value: unknown) => (value === undefined ? undefined : String(value === true || value === 'true'));

export class FakeApple extends FakeOidcServer {
  /** The team's Sign in with Apple key: the private half is what the operator downloads as a .p8 file. */
  readonly teamKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  /** The client secrets it was sent, decoded, newest last. */
  readonly clientSecrets: JWTPayload[] = [];
  private readonly authorizedBefore = new Set<string>();

  /** `clientIds`: the Services ID (web) and the apps' bundle ids. */
  constructor(clientIds: string[]) {
    super(
      clientIds.map((id) => ({ id })),
      { discovery: '/.well-known/openid-configuration', authorize: '/auth/authorize', token: '/auth/token', jwks: '/auth/keys' },
    );
  }

  get teamKeyPem(): string {
    return this.teamKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  issuerFor(): string {
    return this.baseUrl;
  }

  protected override discovery(req: RouteRequest): Record<string, unknown> {
    return {
      ...super.discovery(req),
      response_modes_supported: ['query', 'fragment', 'form_post'],
      scopes_supported: ['openid', 'email', 'name'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    };
  }

  /** `client_secret` must be a live ES256 JWT of our team for this client, signed with the team's key. */
  protected override async authenticateClient(_req: RecordedRequest, form: URLSearchParams): Promise<string | undefined> {
    const clientId = form.get('client_id') ?? '';
    if (!this.clients.some((c) => c.id === clientId)) return undefined;
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get('client_secret') ?? '', this.teamKey.publicKey, {
        algorithms: ['ES256'],
        issuer: APPLE_TEAM_ID,
        audience: 'https://appleid.apple.com',
        subject: clientId,
        requiredClaims: ['iat', 'exp'],
      });
      this.clientSecrets.push(payload);
      return protectedHeader.kid === APPLE_KEY_ID ? clientId : undefined;
    } catch {
      return undefined;
    }
  }

  protected override refuseClient(res: Responder): void {
    res.json(400, { error: 'invalid_client' });
  }

  protected override refuseGrant(res: Responder): void {
    res.json(400, { error: 'invalid_grant', error_description: 'The code has expired or has been revoked.' });
  }

  protected override idTokenClaims(account: OidcAccount, clientId: string, nonce: string | undefined): JWTPayload {
    const claims = super.idTokenClaims(account, clientId, nonce);
    return {
      ...claims,
      email_verified: yesNo(account.email_verified ?? (account.email ? true : undefined)),
      is_private_email: yesNo(account.is_private_email),
      nonce_supported: true,
    };
  }

  /** The form_post page: what the browser POSTs to our callback. `user` only the first time this user authorizes this client. */
  protected override authorizeHandler(): RouteHandler {
    return (req, res) => {
      const q = req.query;
      const account = this.codes.nextAccount;
      const clientId = q.get('client_id') ?? '';
      if (!account || q.get('response_mode') !== 'form_post' || !this.clients.some((c) => c.id === clientId))
        return res.text(400, 'invalid_request', 'text/plain');
      const code = this.codes.issue({
        clientId,
        redirectUri: q.get('redirect_uri') ?? '',
        codeChallenge: q.get('code_challenge') ?? undefined,
        nonce: q.get('nonce') ?? undefined,
        account,
      });
      const first = !this.authorizedBefore.has(`${account.sub}:${clientId}`);
      this.authorizedBefore.add(`${account.sub}:${clientId}`);
      const fields: Record<string, string> = { code, state: q.get('state') ?? '' };
      if (first)
        fields.user = JSON.stringify({ name: { firstName: account.given_name, lastName: account.family_name }, email: account.email });
      const inputs = Object.entries(fields)
        .map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`)
        .join('');
      res.text(200, `<form method="post" action="${q.get('redirect_uri')}">${inputs}</form>`, 'text/html; charset=utf-8');
    };
  }

  /** The form fields the page above would POST, for tests that play the browser. */
  static formFields(html: string): { action: string; fields: Record<string, string> } {
    const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const fields = Object.fromEntries([...html.matchAll(/name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1], unescape(m[2])]));
    return { action: /action="([^"]+)"/.exec(html)?.[1] ?? '', fields };
  }

  override reset(): void {
    super.reset();
    this.clientSecrets.length = 0;
    this.authorizedBefore.clear();
  }
}
