/**
 * Dynamic client registration (RFC 7591) and management (RFC 7592) on oidc-provider, behind
 * OAUTH_DYNAMIC_REGISTRATION_ENABLED (off by default; docs/decisions/0024-oauth-dynamic-registration.md):
 * - initial access tokens are configured as hashes (OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS): the
 *   `InitialAccessToken` model's storage answers only a token whose hash is listed, and gives it our policy;
 * - that policy (inherited by the registration access token, so updates go through it too) holds a registered
 *   client to the rules of an admin-registered one: ApplicationsService's validation, never first-party, a scope
 *   ceiling of at most DEFAULT_SCOPES, no token exchange;
 * - the clients are stored as applications (the generated secret hashed), registration access tokens by the
 *   adapter (as SHA-256, like every token).
 */
import { AppError } from '../common/errors/app-error.js';
import { readOnlyAdapter, type AdapterPayload, type OidcAdapter } from './adapter.js';
import { hashClientSecret } from './applications/application-secrets.js';
import {
  DEFAULT_SCOPES,
  FIRST_PARTY,
  oidcScopeOf,
  SCOPE_CEILING,
  type ApplicationInput,
  type ApplicationsService,
} from './applications/applications.service.js';
import type { KoaContext } from './oidc-provider.types.js';

export const REGISTRATION_POLICY = 'nest-social-auth-rules';

/** The grants a client may register itself for: token exchange is an admin's decision. */
const SELF_SERVICE_GRANTS = new Set(['authorization_code', 'refresh_token', 'client_credentials']);
const AUTH_METHODS = new Set(['client_secret_basic', 'none']);

type InvalidClientMetadata = new (description: string) => Error;

/**
 * Storage of the `InitialAccessToken` model: the configured hashes (same `sha256:` form as client secrets).
 * Nothing is ever written: a token is added or withdrawn by changing the configuration.
 */
export function configuredInitialAccessTokens(hashes: string[]): OidcAdapter {
  const known = new Set(hashes);
  return readOnlyAdapter(
    async (id) =>
      known.has(hashClientSecret(id))
        ? { kind: 'InitialAccessToken', jti: id, iat: Math.floor(Date.now() / 1000), policies: [REGISTRATION_POLICY] }
        : undefined,
    'Initial access tokens are configured (OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS), not stored',
  );
}

/** A client's RFC 7591 metadata as our application. The ceiling is `scope` (the client's view) unless the policy set ours. */
export function registeredInput(metadata: AdapterPayload): ApplicationInput {
  const scope = typeof metadata[SCOPE_CEILING] === 'string' ? metadata[SCOPE_CEILING] : metadata.scope;
  return {
    name: typeof metadata.client_name === 'string' ? metadata.client_name : 'Unnamed application',
    type: metadata.token_endpoint_auth_method === 'none' ? 'public' : 'confidential',
    redirectUris: Array.isArray(metadata.redirect_uris) ? metadata.redirect_uris.map(String) : [],
    grantTypes: Array.isArray(metadata.grant_types) ? metadata.grant_types.map(String) : ['authorization_code'],
    scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : DEFAULT_SCOPES,
    firstParty: false,
  };
}

/** oidc-provider's `invalid_client_metadata` (or `invalid_redirect_uri`, when the first problem names redirect_uris). */
function refusal(problems: string[], Invalid: InvalidClientMetadata): Error {
  const sorted = [...problems].sort((a, b) => Number(b.startsWith('redirect_uris')) - Number(a.startsWith('redirect_uris')));
  return new Invalid(sorted.join('; '));
}

/** Our validation errors as oidc-provider's: a client gets 400 invalid_client_metadata, never a 500. */
export async function asClientMetadataError<T>(Invalid: InvalidClientMetadata, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation_failed') {
      const problems = (error.details as { problems?: string[] } | undefined)?.problems ?? [error.message];
      throw refusal(problems, Invalid);
    }
    throw error;
  }
}

/**
 * The registration policy (oidc-provider runs it on registration and, through the registration access token, on
 * every update, before the client is built): what the client sent is checked as the admin API checks it, then
 * turned into our metadata; whatever it said of our own properties is ignored.
 */
export function registrationPolicy(applications: ApplicationsService, Invalid: InvalidClientMetadata) {
  return async (_ctx: unknown, properties: AdapterPayload): Promise<void> => {
    delete properties[SCOPE_CEILING];
    delete properties[FIRST_PARTY];
    const input = registeredInput(properties);
    const problems: string[] = [];
    if (properties.token_endpoint_auth_method !== undefined && !AUTH_METHODS.has(String(properties.token_endpoint_auth_method))) {
      problems.push(`token_endpoint_auth_method must be one of ${[...AUTH_METHODS].join(', ')}`);
    }
    for (const grant of input.grantTypes ?? [])
      if (!SELF_SERVICE_GRANTS.has(grant))
        problems.push(`grant type "${grant}" cannot be registered here (${[...SELF_SERVICE_GRANTS].join(', ')})`);
    for (const scope of input.scopes ?? [])
      if (!DEFAULT_SCOPES.includes(scope))
        problems.push(`scope "${scope}" is over the ceiling of a registered client (${DEFAULT_SCOPES.join(' ')})`);
    await asClientMetadataError(Invalid, async () => applications.check(input, problems));
    properties[SCOPE_CEILING] = input.scopes!.join(' ');
    properties[FIRST_PARTY] = false;
    properties.scope = oidcScopeOf(input.scopes!);
  };
}

/**
 * What a registration (or read, or update) answer shows: `scope` as the client registered it (the whole ceiling),
 * none of our private properties, and no `client_secret` once it is only a hash (it is shown once, on registration).
 */
export function presentRegisteredClient(ctx: KoaContext): void {
  if (!['registration', 'client', 'client_update'].includes(ctx.oidc?.route ?? '') || !ctx.body || typeof ctx.body !== 'object') return;
  const body = ctx.body as Record<string, unknown>;
  if (typeof body[SCOPE_CEILING] === 'string') body.scope = body[SCOPE_CEILING];
  delete body[SCOPE_CEILING];
  delete body[FIRST_PARTY];
  if (typeof body.client_secret === 'string' && body.client_secret.startsWith('sha256:')) delete body.client_secret;
}
