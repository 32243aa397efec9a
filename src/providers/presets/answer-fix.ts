import type { ProviderHttpClient, ProviderRequest, ProviderResponse } from '../http/provider-http.client.js';

/**
 * The provider HTTP client with the answers to some requests corrected first: how a preset makes one
 * non-standard answer standard before the shared code (discovery, token endpoint) reads it, instead of a second
 * copy of that code. Every other call passes through untouched, timeouts and error mapping included.
 */
export function withAnswerFix(
  http: ProviderHttpClient,
  appliesTo: (request: ProviderRequest) => boolean,
  fix: (response: ProviderResponse) => ProviderResponse,
): ProviderHttpClient {
  const view = Object.create(http) as ProviderHttpClient;
  view.send = async (provider, request) => {
    const response = await http.send(provider, request);
    return appliesTo(request) ? fix(response) : response;
  };
  return view;
}

/**
 * For providers that refuse a code or refresh token with `400 invalid_request` and a description, instead of
 * RFC 6749 5.2's `invalid_grant`: read as the latter, so the user gets our 400 `invalid_authorization_code` (or a
 * prompt to sign in again), not a 502 that blames the provider. Other `invalid_request`s stay what they are.
 */
export function refusedGrantAsInvalidGrant(description: RegExp): (response: ProviderResponse) => ProviderResponse {
  return (response) => {
    const body = response.json as { error?: unknown; error_description?: unknown } | null;
    const refused = response.status === 400 && body?.error === 'invalid_request' && description.test(String(body.error_description));
    return refused ? { ...response, json: { ...body, error: 'invalid_grant' } } : response;
  };
}
