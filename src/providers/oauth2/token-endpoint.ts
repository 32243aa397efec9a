/**
 * The token endpoint every OAuth 2.0 provider shares: the authorization-code grant (RFC 6749 4.1.3 with the
 * RFC 7636 verifier) and the refresh grant (section 6), with one reading of their answers. A provider's quirks
 * (GitHub's errors with HTTP 200, Facebook's GET) stay in its own definition.
 */
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderHttpClient } from '../http/provider-http.client.js';
import { optionalString, type CodeGrant, type ProviderTokens } from '../identity-provider.types.js';
import { providerError } from '../provider-error.js';
import { oauthErrorName } from './oauth-error.js';

/** The longest token we take from a provider (ID tokens with many claims stay far below). */
export const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_LIFETIME_SECONDS = 10 * 365 * 86_400;

export interface ConfidentialClient {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** RFC 6749 2.3.1: Basic is the one servers must support; some providers only read the form. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** RFC 6749 5.1, plus the OIDC `id_token`. */
export interface TokenEndpointResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
}

/** The authorization-code grant. A code the provider refuses (wrong, used, expired, verifier mismatch) is 400 `invalid_authorization_code`. */
export async function redeemAuthorizationCode(
  http: ProviderHttpClient,
  provider: { id: string; displayName: string },
  client: ConfidentialClient,
  grant: CodeGrant,
): Promise<TokenEndpointResponse> {
  const params: Record<string, string> = { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri };
  if (grant.codeVerifier !== undefined) params.code_verifier = grant.codeVerifier;
  const answer = await postForm(http, provider.id, client, params);
  const error = oauthError(answer.json);
  // Google answers a redirect_uri that differs from the authorization request's with its own error name.
  if (answer.status === 400 && (error === 'invalid_grant' || error === 'redirect_uri_mismatch')) {
    throw new AppError('invalid_authorization_code', `${provider.displayName} refused the authorization code (wrong, used, expired, or the code_verifier does not match)`);
  }
  return tokenResponse(provider, answer.status, answer.json, error);
}

/** The refresh grant. A refused grant means the user must sign in with the provider again. */
export async function redeemRefreshToken(
  http: ProviderHttpClient,
  provider: { id: string; displayName: string },
  client: ConfidentialClient,
  refreshToken: string,
): Promise<TokenEndpointResponse> {
  const answer = await postForm(http, provider.id, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
  const error = oauthError(answer.json);
  if (answer.status === 400 && error === 'invalid_grant') {
    throw new AppError('provider_reauthentication_required', `${provider.displayName} no longer honours the stored grant; sign in with ${provider.displayName} again`);
  }
  return tokenResponse(provider, answer.status, answer.json, error);
}

/** What we store from a token answer. Providers that send no new refresh token keep the old one (the caller's merge). */
export function providerTokensFrom(response: TokenEndpointResponse): ProviderTokens {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresAt: response.expires_in === undefined ? undefined : new Date(Date.now() + response.expires_in * 1000),
  };
}

async function postForm(http: ProviderHttpClient, providerId: string, client: ConfidentialClient, params: Record<string, string>) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = new URLSearchParams(params);
  if (client.authMethod === 'client_secret_post') {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  } else {
    // RFC 6749 2.3.1: id and secret are form-encoded before they are joined for Basic.
    headers.authorization = `Basic ${Buffer.from(`${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`).toString('base64')}`;
  }
  return http.send(providerId, { method: 'POST', url: client.tokenUrl, headers, body: form.toString() });
}

function tokenResponse(provider: { id: string; displayName: string }, status: number, json: unknown, error: string | undefined): TokenEndpointResponse {
  const body = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  // invalid_client, unauthorized_client, a missing token: our configuration or the provider, not the user's input.
  // What the provider said is for the operator's log; the client learns only that the provider failed us.
  if (status !== 200 || error !== undefined) {
    const named = error === undefined ? '' : `, ${oauthErrorName(error)}`;
    throw providerError('provider_unavailable', `${provider.displayName} token endpoint refused the request`, `${provider.id} token endpoint answered HTTP ${status}${named}`);
  }
  // RFC 6749 5.1: the tokens are strings. A provider answering anything else is broken; nothing of it is stored.
  const malformed = (member: string) =>
    providerError('provider_unavailable', `${provider.displayName} token endpoint answered malformed tokens`, `${provider.id} token endpoint: "${member}" is not a string of 1-${MAX_TOKEN_LENGTH} printable characters`);
  const accessToken = tokenString(body.access_token);
  if (accessToken === undefined) throw malformed('access_token');
  const refreshToken = tokenString(body.refresh_token);
  if (refreshToken === undefined && body.refresh_token !== undefined && body.refresh_token !== null) throw malformed('refresh_token');
  const idToken = tokenString(body.id_token);
  if (idToken === undefined && body.id_token !== undefined && body.id_token !== null) throw malformed('id_token');
  return {
    access_token: accessToken,
    token_type: shortString(body.token_type),
    expires_in: lifetimeSeconds(body.expires_in),
    refresh_token: refreshToken,
    id_token: idToken,
    scope: shortString(body.scope),
  };
}

/** RFC 6749 A.12: a token is printable ASCII (VSCHAR); bounded, since it is encrypted and stored. */
export function tokenString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH && /^[\x20-\x7e]+$/.test(value) ? value : undefined;
}

function shortString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 2000 && !/[\u0000-\u001f\u007f-\u009f]/.test(value) ? optionalString(value) : undefined;
}

/** Year 9999: any later "expiry" is garbage, and beyond what a JavaScript Date or a SQL timestamp holds. */
const LAST_EPOCH_SECOND = 253_402_300_799;

/**
 * A provider's expiry in Unix seconds (tokeninfo's `exp`, introspection's `exp`, debug_token's `expires_at`), as a
 * number or a numeric string; anything else, or a moment past year 9999, is no expiry rather than a date we cannot store.
 */
export function dateFromEpochSeconds(value: unknown): Date | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 && n <= LAST_EPOCH_SECOND ? new Date(n * 1000) : undefined;
}

/**
 * `expires_in` (RFC 6749 5.1: a number of seconds; some providers send it as a string). Only an annotation: a value
 * that is no positive whole number of at most ten years is ignored, never a date we cannot store.
 */
export function lifetimeSeconds(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 && n <= MAX_LIFETIME_SECONDS ? n : undefined;
}

function oauthError(json: unknown): string | undefined {
  return json !== null && typeof json === 'object' ? optionalString((json as { error?: unknown }).error) : undefined;
}

export const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
