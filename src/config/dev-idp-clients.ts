/**
 * `DEV_IDP_CLIENTS`: apps registered at the development identity provider besides our own `dev` client, so a
 * provider declared in `PROVIDERS_FILE` can point its `issuer` at the dev IdP and be tried end to end without an
 * account anywhere (docs/adding-a-provider.md, "Try it locally"). A JSON list in the client metadata names of
 * OpenID Connect Dynamic Registration, the same a real IdP's console asks for:
 * `[{"client_id":"acme-web","client_secret":"…","redirect_uris":["http://localhost:3000/auth/acme/callback"]}]`.
 */
import { z } from 'zod';
import type { EnvReader } from './env-reader.js';
import { redirectUriProblem } from './redirect-uri.js';
import { variable, type Report } from './settings/setting.js';

export const DEV_IDP_RESPONSE_TYPES = ['code', 'id_token', 'code id_token'] as const;
const GRANT_TYPES = ['authorization_code', 'refresh_token', 'implicit'] as const;
/** Our own client, for the `dev` provider (src/dev-idp/dev-idp.client.ts). */
export const DEV_IDP_CLIENT_ID = 'nest-social-auth-dev';
const FIELDS = ['client_id', 'client_secret', 'redirect_uris', 'response_types', 'grant_types'];

/** What the response types need (OIDC Registration 2): a code needs authorization_code, an ID token from the authorization endpoint implicit. */
function grantTypesFor(responseTypes: string[]) {
  const code = responseTypes.some((type) => type.split(' ').includes('code'));
  const implicit = responseTypes.some((type) => type.split(' ').includes('id_token'));
  return [...(code ? (['authorization_code', 'refresh_token'] as const) : []), ...(implicit ? (['implicit'] as const) : [])];
}

const uriList = z.array(z.string()).min(1);
const responseTypeList = z.array(z.enum(DEV_IDP_RESPONSE_TYPES)).min(1);
const grantTypeList = z.array(z.enum(GRANT_TYPES)).optional();

function parseClient(entry: unknown, at: string, problem: Report) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return void problem(`${at} must be an object`);
  const fields = entry as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) problem(`${at} has unknown fields: ${unknown.join(', ')} (known: ${FIELDS.join(', ')})`);
  const { client_id: clientId, client_secret: secret, response_types: responseTypes = ['code'] } = fields;
  if (typeof clientId !== 'string' || !/^[\w.:-]{1,100}$/.test(clientId))
    return void problem(`${at} client_id must be letters, digits, ".", ":", "_" or "-", got ${JSON.stringify(clientId ?? null)}`);
  const named = `${at} ("${clientId}")`;
  // The secret's value is never repeated in a message: only that it is wrong.
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < 8))
    problem(`${named} client_secret must be a string of at least 8 characters, or left out for a public client`);
  const uris = uriList.safeParse(fields.redirect_uris);
  if (!uris.success) problem(`${named} redirect_uris must be a non-empty list of URLs`);
  for (const bad of (uris.data ?? []).map(redirectUriProblem)) if (bad) problem(`${named} redirect_uris ${bad}`);
  const response = responseTypeList.safeParse(responseTypes);
  if (!response.success) {
    const allowed = DEV_IDP_RESPONSE_TYPES.map((type) => `"${type}"`).join(', ');
    return void problem(`${named} response_types must be a list of ${allowed}, got ${JSON.stringify(responseTypes)}`);
  }
  const needed = grantTypesFor(response.data);
  const grants = grantTypeList.safeParse(fields.grant_types);
  if (!grants.success)
    problem(`${named} grant_types must be a list of ${GRANT_TYPES.join(', ')}, got ${JSON.stringify(fields.grant_types)}`);
  else if (grants.data && needed.some((type) => type !== 'refresh_token' && !grants.data!.includes(type))) {
    problem(
      `${named} grant_types must include ${needed.filter((type) => type !== 'refresh_token').join(' and ')} for response_types ${JSON.stringify(responseTypes)}`,
    );
  }
  if (needed.includes('implicit') && uris.data?.some((uri) => !uri.startsWith('https:') || new URL(uri).hostname === 'localhost')) {
    // oidc-provider's rule for web clients (an ID token in a URL fragment): a local SPA uses "code" with PKCE as a public client instead.
    problem(
      `${named} response_types ${JSON.stringify(responseTypes)} put the ID token in the redirect, which needs https redirect_uris not on localhost; locally use ["code"] without a client_secret (PKCE)`,
    );
  }
  if (secret === undefined && response.data.includes('code id_token'))
    problem(`${named} response_types "code id_token" needs a client_secret`);
  return {
    clientId,
    /** Absent: a public client (a SPA or a native app), which redeems its codes with PKCE alone. */
    clientSecret: typeof secret === 'string' ? secret : undefined,
    redirectUris: uris.data ?? [],
    responseTypes: response.data,
    grantTypes: grants.data ?? needed,
  };
}

export type DevIdpClient = NonNullable<ReturnType<typeof parseClient>>;

/** The JSON list, each client checked; whether the dev IdP is on is `readDevIdpClients`'s question. */
export const devIdpClients = variable<DevIdpClient[]>([], (value, problem: Report) => {
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be a secret.
    return (problem('must be JSON: a list of clients, [{"client_id": …, "redirect_uris": […]}], and it does not parse'), []);
  }
  if (!Array.isArray(list)) return (problem('must be a JSON list of clients, [{"client_id": …, "redirect_uris": […]}]'), []);
  const clients = list.map((entry, i) => parseClient(entry, `[${i}]`, problem)).filter((client) => client !== undefined);
  const ids = [DEV_IDP_CLIENT_ID, ...clients.map((client) => client.clientId)];
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) {
    problem(
      `names client_id "${id}" twice${id === DEV_IDP_CLIENT_ID ? ' (it is the dev IdP\'s own client for the "dev" provider)' : ''}; ids must be unique`,
    );
  }
  return clients;
});

/** Problems are reported on `r` under DEV_IDP_CLIENTS. */
export function readDevIdpClients(r: EnvReader, enabled: boolean): DevIdpClient[] {
  if (!enabled && r.raw('DEV_IDP_CLIENTS') !== undefined) {
    r.problem(
      'DEV_IDP_CLIENTS',
      'has no effect while the dev IdP is off: set DEV_IDP_ENABLED=true (it is on by default under `npm start`)',
    );
    return [];
  }
  return r.read('DEV_IDP_CLIENTS', devIdpClients);
}
