import type { AuthorizationRequest } from '../identity-provider.types.js';

/**
 * The authorization request every provider shares (RFC 6749 4.1.1, RFC 7636 4.3, OIDC Core 3.1.2.1);
 * `extra` carries a provider's own parameters (Google's `access_type`, Apple's `response_mode`).
 */
export function buildAuthorizationUrl(
  endpoint: string,
  client: { clientId: string; scopes: readonly string[]; scopeSeparator?: string },
  request: AuthorizationRequest,
  extra: Record<string, string> = {},
): string {
  const url = new URL(endpoint);
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: request.redirectUri,
    scope: client.scopes.join(client.scopeSeparator ?? ' '),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    nonce: request.nonce,
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') url.searchParams.set(name, value);
  return url.toString();
}
