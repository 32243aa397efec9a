import type { OidcClient } from './oidc-provider.types.js';

/** What the policy reads of oidc-provider's context for an authorization request: its parameters, as parsed. */
export interface AuthorizationRequestContext {
  oidc?: { params?: Record<string, unknown> };
}

/**
 * oidc-provider's `pkce.required`, asked when an authorization request for a code comes without `code_challenge`:
 * OAuth 2.1's rule (draft-ietf-oauth-v2-1, "Authorization Code Injection"). PKCE is required, and enforced here,
 * unless the client is confidential and the request is an OpenID Connect one with a `nonce`: the ID token then
 * carries that nonce back, which lets such a client detect an injected code. A public client (no secret) needs PKCE
 * always, as RFC 9700 §2.1.1 says; so does a confidential client asking for a code without both `openid` and a nonce,
 * which oidc-provider's own default (public clients only) let through.
 *
 * A `code_verifier` at the token endpoint for a code issued without a challenge is refused by oidc-provider itself
 * (PKCE downgrade, RFC 9700 §2.1.1), and only S256 is accepted.
 */
export function pkceRequired(ctx: AuthorizationRequestContext, client: Pick<OidcClient, 'clientAuthMethod'>): boolean {
  if (client.clientAuthMethod === 'none') return true;
  const params = ctx.oidc?.params ?? {};
  const openid = typeof params.scope === 'string' && params.scope.split(' ').includes('openid');
  const nonce = typeof params.nonce === 'string' && params.nonce.length > 0;
  return !(openid && nonce);
}
