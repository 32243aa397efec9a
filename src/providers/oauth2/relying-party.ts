/**
 * Our relying party, on openid-client (ADR 0033): authorization URLs, the code and refresh grants with client
 * authentication, userinfo with its `sub` check, and introspection. Every request goes through `providerFetch`,
 * so our ProviderHttpClient keeps its timeouts, metrics, size cap and failure mapping; what openid-client throws is
 * mapped to our error codes here and nowhere else. ID tokens stay ours to verify (id-token.verifier.ts, jose).
 */
import * as oidc from 'openid-client';
import { AppError } from '../../common/errors/app-error.js';
import type { ErrorCode } from '../../common/errors/error-codes.js';
import type { ProviderHttpClient } from '../http/provider-http.client.js';
import { optionalString, type AuthorizationRequest, type CodeGrant, type IdentityProvider } from '../identity-provider.types.js';
import { providerError } from '../provider-error.js';
import { oauthErrorName } from './oauth-error.js';
import { lifetimeSeconds, MAX_TOKEN_LENGTH, tokenString } from './token-values.js';

export type RelyingPartyOf = Pick<IdentityProvider, 'id' | 'displayName'>;

/** RFC 6749 5.1, plus the OIDC `id_token`: what the grants return, each member checked (`tokenGrant`). */
export type TokenEndpointResponse = Awaited<ReturnType<typeof tokenGrant>>;

/** The endpoints a relying party may call: a validated discovery document's (oidc/discovery.ts) or a declaration's. */
export type Endpoints = Partial<
  Pick<oidc.ServerMetadata, 'issuer' | 'authorization_endpoint' | 'token_endpoint' | 'userinfo_endpoint' | 'introspection_endpoint'>
>;

export interface ConfidentialClient {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** RFC 6749 2.3.1: Basic is the one servers must support; some providers only read the form. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
}

/**
 * openid-client's `customFetch`, answered by our ProviderHttpClient: a provider that is down, slow, huge or not
 * JSON fails there with our codes (openid-client wraps them; `appErrorIn` finds them again), and only a JSON answer
 * below 500 reaches openid-client, rebuilt as a `Response`. `read` may change the JSON before openid-client reads it.
 */
export function providerFetch(
  http: ProviderHttpClient,
  provider: string,
  read: (json: unknown) => unknown = (json) => json,
): oidc.CustomFetch {
  return async (url, { method, headers, body }) => {
    const answer = await http.send(provider, {
      method: method === 'POST' ? 'POST' : 'GET',
      url,
      headers,
      body: body == null ? undefined : String(body),
    });
    return new Response(JSON.stringify(read(answer.json)), { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
}

/**
 * A Configuration for these endpoints only (never a whole discovery document: only what our rules checked). Our
 * https rule (https, or http on loopback outside production) already admitted every URL here, so openid-client's
 * own https-only check is lifted exactly for the http URLs that rule let through (loopback fakes).
 */
export function configurationOf(
  endpoints: Endpoints,
  clientId: string,
  auth: oidc.ClientAuth = oidc.None(),
  fetch?: oidc.CustomFetch,
): oidc.Configuration {
  const urls = Object.values(endpoints).filter((url): url is string => typeof url === 'string');
  const config = new oidc.Configuration({ ...endpoints, issuer: endpoints.issuer ?? new URL(urls[0]).origin }, clientId, undefined, auth);
  if (fetch) config[oidc.customFetch] = fetch;
  if (urls.some((url) => url.startsWith('http:'))) oidc.allowInsecureRequests(config);
  return config;
}

/** The authorization request (RFC 6749 4.1.1, RFC 7636 S256, OIDC Core 3.1.2.1); `extra`: a provider's own parameters. */
export function buildAuthorizationUrl(
  endpoint: string,
  client: { clientId: string; scopes: readonly string[]; scopeSeparator?: string },
  request: AuthorizationRequest,
  extra: Record<string, string> = {},
): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    redirect_uri: request.redirectUri,
    scope: client.scopes.join(client.scopeSeparator ?? ' '),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    nonce: request.nonce,
    ...extra,
  };
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  return oidc.buildAuthorizationUrl(configurationOf({ authorization_endpoint: endpoint }, client.clientId), Object.fromEntries(defined))
    .href;
}

/**
 * The authorization-code grant with the exact redirect URI and the PKCE verifier. `authorizationCodeGrant` is not
 * used: it rebuilds `redirect_uri` from a callback URL without its query (which RFC 6749 3.1.2 allows), and its
 * state and nonce checks are plain comparisons, where ours are against one-time stores (ADR 0033). A code the
 * provider refuses (wrong, used, expired, verifier mismatch) is 400 `invalid_authorization_code`.
 */
export function redeemAuthorizationCode(
  http: ProviderHttpClient,
  provider: RelyingPartyOf,
  client: ConfidentialClient,
  grant: CodeGrant,
): Promise<TokenEndpointResponse> {
  const params: Record<string, string> = { code: grant.code, redirect_uri: grant.redirectUri };
  if (grant.codeVerifier !== undefined) params.code_verifier = grant.codeVerifier;
  return tokenGrant(http, provider, client, (config) => oidc.genericGrantRequest(config, 'authorization_code', params), {
    // Google answers a redirect_uri that differs from the authorization request's with its own error name.
    errors: ['invalid_grant', 'redirect_uri_mismatch'],
    code: 'invalid_authorization_code',
    message: `${provider.displayName} refused the authorization code (wrong, used, expired, or the code_verifier does not match)`,
  });
}

/** The refresh grant (RFC 6749 6). A refused grant means the user must sign in with the provider again. */
export function redeemRefreshToken(
  http: ProviderHttpClient,
  provider: RelyingPartyOf,
  client: ConfidentialClient,
  refreshToken: string,
): Promise<TokenEndpointResponse> {
  return tokenGrant(http, provider, client, (config) => oidc.refreshTokenGrant(config, refreshToken), {
    errors: ['invalid_grant'],
    code: 'provider_reauthentication_required',
    message: `${provider.displayName} no longer honours the stored grant; sign in with ${provider.displayName} again`,
  });
}

/**
 * Before openid-client reads a token answer, the ID token is taken aside for our verifier (signature against our key
 * cache, each provider's issuer rule: openid-client would only compare its claims with one issuer), and an
 * `expires_in` that is no usable lifetime is dropped: it is an annotation, never a reason to refuse a login.
 */
async function tokenGrant(
  http: ProviderHttpClient,
  provider: RelyingPartyOf,
  client: ConfidentialClient,
  grant: (config: oidc.Configuration) => Promise<oidc.TokenEndpointResponse>,
  /** The 400 `error`s that mean the grant itself was refused, and what the user is told then. */
  refusal: { errors: string[]; code: ErrorCode; message: string },
) {
  let idToken: unknown;
  const read = (json: unknown) => {
    if (!isObject(json)) return json;
    const { id_token, expires_in, refresh_token, ...rest } = json;
    idToken = id_token;
    return {
      ...rest,
      ...(refresh_token == null ? {} : { refresh_token }),
      ...(lifetimeSeconds(expires_in) === undefined ? {} : { expires_in: lifetimeSeconds(expires_in) }),
    };
  };
  const auth =
    client.authMethod === 'client_secret_post'
      ? oidc.ClientSecretPost(client.clientSecret)
      : clientSecretBasic(client.clientId, client.clientSecret);
  const config = configurationOf({ token_endpoint: client.tokenUrl }, client.clientId, auth, providerFetch(http, provider.id, read));
  // invalid_client, unauthorized_client, a missing token: our configuration or the provider, not the user's input.
  // What the provider said is for the operator's log; the client learns only that the provider failed us.
  const answer = await mapped(provider, () => grant(config), {
    where: 'token endpoint',
    malformed: 'token endpoint answered malformed tokens',
    refused: (status, body) => {
      if (body && status === 400 && refusal.errors.includes(body.error)) throw new AppError(refusal.code, refusal.message);
      throw providerError(
        'provider_unavailable',
        `${provider.displayName} token endpoint refused the request`,
        `${provider.id} token endpoint answered HTTP ${status}${body ? `, ${oauthErrorName(body.error)}` : ''}`,
      );
    },
  });
  // RFC 6749 5.1: the tokens are strings; ours must also be printable and bounded, since they are stored.
  const malformed = (member: string) =>
    providerError(
      'provider_unavailable',
      `${provider.displayName} token endpoint answered malformed tokens`,
      `${provider.id} token endpoint: "${member}" is not a string of 1-${MAX_TOKEN_LENGTH} printable characters`,
    );
  const accessToken = tokenString(answer.access_token);
  if (accessToken === undefined) throw malformed('access_token');
  const refreshToken = tokenString(answer.refresh_token);
  if (refreshToken === undefined && answer.refresh_token !== undefined) throw malformed('refresh_token');
  const checkedIdToken = tokenString(idToken);
  if (checkedIdToken === undefined && idToken != null) throw malformed('id_token');
  return {
    access_token: accessToken,
    token_type: shortString(answer.token_type),
    expires_in: answer.expires_in,
    refresh_token: refreshToken,
    id_token: checkedIdToken,
    scope: shortString(answer.scope),
  };
}

/**
 * OIDC Core 5.3: the userinfo of the access token's user, whose `sub` must be `expectedSubject` (5.3.2; `against`
 * names where that came from). Undefined when the endpoint refuses the token: whether that matters is the caller's call.
 */
export async function fetchUserinfo(
  http: ProviderHttpClient,
  provider: RelyingPartyOf,
  endpoints: Endpoints & { userinfo_endpoint: string },
  clientId: string,
  accessToken: string,
  expected: { subject?: string; against: string },
): Promise<Record<string, unknown> | undefined> {
  const config = configurationOf(endpoints, clientId, undefined, providerFetch(http, provider.id));
  const call = () =>
    oidc.fetchUserInfo(config, accessToken, expected.subject ?? oidc.skipSubjectCheck).catch((error: unknown) => {
      if (codeOf(error) !== 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') throw error;
      throw new AppError('provider_unavailable', `${provider.id} userinfo answered for another subject than ${expected.against}`);
    });
  return mapped(provider, call, { where: 'userinfo', malformed: 'answered malformed userinfo', refused: () => undefined });
}

/** RFC 7662 with our client's credentials (client_secret_basic, the method RFC 8414 assumes for introspection). */
export async function introspect(
  http: ProviderHttpClient,
  provider: RelyingPartyOf,
  endpoints: Endpoints & { introspection_endpoint: string },
  client: { clientId: string; clientSecret: string },
  token: string,
): Promise<oidc.IntrospectionResponse> {
  const auth = clientSecretBasic(client.clientId, client.clientSecret);
  const config = configurationOf(endpoints, client.clientId, auth, providerFetch(http, provider.id));
  return mapped(provider, () => oidc.tokenIntrospection(config, token, { token_type_hint: 'access_token' }), {
    where: 'introspection',
    malformed: 'answered a malformed introspection',
    refused: (status) => {
      throw new AppError(
        'provider_unavailable',
        `${provider.id} refused our client credentials at its introspection endpoint (HTTP ${status})`,
      );
    },
  });
}

/**
 * RFC 6749 2.3.1 Basic, id and secret form-encoded as we always did: openid-client's `ClientSecretBasic` also escapes
 * `-`, `_`, `.`, `!`, `~`, `*`, `'`, `(`, `)`, which servers that forget to form-decode (common) then refuse.
 */
function clientSecretBasic(clientId: string, clientSecret: string): oidc.ClientAuth {
  const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return (_as, _client, _body, headers) =>
    headers.set('authorization', `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`);
}

// What openid-client throws, in our codes ------------------------------------------------------------------------

/** A failure of our HTTP client (timeout, down, too large, not JSON), which openid-client wrapped on its way out. */
export function appErrorIn(error: unknown): AppError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof AppError) return e;
  return undefined;
}

/** The HTTP status of an answer openid-client refused for its status alone (`OAUTH_RESPONSE_IS_NOT_CONFORM`). */
function statusOf(error: unknown): number | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return codeOf(error) === 'OAUTH_RESPONSE_IS_NOT_CONFORM' && cause instanceof Response ? cause.status : undefined;
}

const codeOf = (error: unknown) => (error instanceof oidc.ClientError ? error.code : undefined);

/** openid-client's own words (never a token: it names members, not values), for the operator's log. */
const described = (error: unknown) => `${codeOf(error) ?? (error as Error).name}: ${(error as Error).message}`;

/**
 * An openid-client call with what it throws in our codes: our HTTP client's failure as it was; an answer refused for
 * its status (with its error body, if it had one) as `on.refused` says; anything else is a malformed answer of `on.where`.
 */
async function mapped<T>(
  provider: RelyingPartyOf,
  call: () => Promise<T>,
  on: { where: string; malformed: string; refused: (status: number, body?: oidc.ResponseBodyError) => T },
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const ours = appErrorIn(error);
    if (ours) throw ours;
    if (error instanceof oidc.ResponseBodyError) return on.refused(error.status, error);
    const status = statusOf(error);
    if (status !== undefined) return on.refused(status);
    throw providerError(
      'provider_unavailable',
      `${provider.displayName} ${on.malformed}`,
      `${provider.id} ${on.where}: ${described(error)}`,
      {
        cause: error,
      },
    );
  }
}

function isObject(json: unknown): json is Record<string, unknown> {
  return json !== null && typeof json === 'object' && !Array.isArray(json);
}

function shortString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 2000 && !/[\u0000-\u001f\u007f-\u009f]/.test(value)
    ? optionalString(value)
    : undefined;
}
