/**
 * The authorization-code half of an OAuth 2.0 provider, shared by the fakes: `GET /authorize` signs in whoever
 * the test put in `nextAccount` (as if the user clicked through) and redirects back with a code; the token
 * endpoint redeems a code once, for the same client and redirect URI, with the PKCE verifier when a challenge was
 * sent (RFC 6749 4.1, RFC 7636 4.6). Each fake turns a refusal into its provider's own error answer.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RouteHandler } from './fake-provider-server.js';

export interface CodeRequest<Account> {
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  nonce?: string;
  scope?: string;
  account: Account;
}

export type Redeemed<Account> =
  | { ok: true; grant: CodeRequest<Account> }
  | { ok: false; reason: 'unknown_code' | 'client_mismatch' | 'redirect_uri_mismatch' | 'pkce_mismatch' };

/** Codes live 10 minutes at most (RFC 6749 4.1.2); ours a minute. */
const CODE_LIFETIME_MS = 60_000;

export class AuthorizationCodes<Account> {
  /** Who the next `GET /authorize` signs in; `undefined` makes the user press "Cancel" (`error=access_denied`). */
  nextAccount: Account | undefined;
  /** What each `GET /authorize` asked for, newest last. */
  readonly authorizeRequests: URLSearchParams[] = [];
  private readonly codes = new Map<string, CodeRequest<Account> & { expires: number }>();

  issue(request: CodeRequest<Account>): string {
    const code = `code-${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { ...request, expires: Date.now() + CODE_LIFETIME_MS });
    return code;
  }

  /** Spends the code whatever the outcome, as providers do when a redemption fails. */
  redeem(code: string, clientId: string, redirectUri: string | null, codeVerifier: string | null): Redeemed<Account> {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || grant.expires < Date.now()) return { ok: false, reason: 'unknown_code' };
    if (grant.clientId !== clientId) return { ok: false, reason: 'client_mismatch' };
    if (grant.redirectUri !== redirectUri) return { ok: false, reason: 'redirect_uri_mismatch' };
    if (grant.codeChallenge !== undefined && (codeVerifier === null || s256(codeVerifier) !== grant.codeChallenge))
      return { ok: false, reason: 'pkce_mismatch' };
    return { ok: true, grant };
  }

  /** `GET /authorize`: checks what every provider checks, then redirects with `code` (or `error`) and `state`. */
  authorizeHandler(knownClientIds: () => string[]): RouteHandler {
    return (req, res) => {
      const q = req.query;
      this.authorizeRequests.push(q);
      const clientId = q.get('client_id') ?? '';
      const redirectUri = q.get('redirect_uri');
      if (!knownClientIds().includes(clientId) || !redirectUri)
        return res.text(400, 'invalid_client or missing redirect_uri', 'text/plain');
      const back = new URL(redirectUri);
      const state = q.get('state');
      if (q.get('response_type') !== 'code') back.searchParams.set('error', 'unsupported_response_type');
      else if (q.get('code_challenge') && q.get('code_challenge_method') !== 'S256') back.searchParams.set('error', 'invalid_request');
      else if (this.nextAccount === undefined) back.searchParams.set('error', 'access_denied');
      else {
        const code = this.issue({
          clientId,
          redirectUri,
          account: this.nextAccount,
          codeChallenge: q.get('code_challenge') ?? undefined,
          nonce: q.get('nonce') ?? undefined,
          scope: q.get('scope') ?? undefined,
        });
        back.searchParams.set('code', code);
      }
      if (state !== null) back.searchParams.set('state', state);
      res.text(302, '', 'text/plain', { location: back.toString() });
    };
  }

  clear(): void {
    this.codes.clear();
    this.authorizeRequests.length = 0;
    this.nextAccount = undefined;
  }
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
