/**
 * `DEV_IDP_CLIENTS`: apps registered at the development identity provider besides our own `dev` client, so a
 * provider declared in `PROVIDERS_FILE` can point its `issuer` at the dev IdP and be tried end to end without an
 * account anywhere (docs/adding-a-provider.md, "Try it locally"). A JSON list in the client metadata names of
 * OpenID Connect Dynamic Registration, the same a real IdP's console asks for:
 * `[{"client_id":"acme-web","client_secret":"…","redirect_uris":["http://localhost:3000/auth/acme/callback"]}]`.
 */
import type { EnvReader } from './env-reader.js';
import { redirectUriProblem } from './redirect-uri.js';
import { variable, type Report } from './settings/setting.js';

export const DEV_IDP_RESPONSE_TYPES = ['code', 'id_token', 'code id_token'] as const;
export type DevIdpResponseType = (typeof DEV_IDP_RESPONSE_TYPES)[number];
const GRANT_TYPES = ['authorization_code', 'refresh_token', 'implicit'];
/** Our own client, for the `dev` provider (src/dev-idp/dev-idp.client.ts). */
export const DEV_IDP_CLIENT_ID = 'nest-social-auth-dev';
const FIELDS = ['client_id', 'client_secret', 'redirect_uris', 'response_types', 'grant_types'];

export interface DevIdpClient {
  clientId: string;
  /** Absent: a public client (a SPA or a native app), which redeems its codes with PKCE alone. */
  clientSecret: string | undefined;
  redirectUris: string[];
  responseTypes: DevIdpResponseType[];
  grantTypes: string[];
}

/** What the response types need (OIDC Registration 2): a code needs authorization_code, an ID token from the authorization endpoint implicit. */
function grantTypesFor(responseTypes: string[]): string[] {
  const code = responseTypes.some((type) => type.split(' ').includes('code'));
  const implicit = responseTypes.some((type) => type.split(' ').includes('id_token'));
  return [...(code ? ['authorization_code', 'refresh_token'] : []), ...(implicit ? ['implicit'] : [])];
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function parseClient(entry: unknown, at: string, problem: Report): DevIdpClient | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return void problem(`${at} must be an object`);
  const fields = entry as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) problem(`${at} has unknown fields: ${unknown.join(', ')} (known: ${FIELDS.join(', ')})`);
  const {
    client_id: clientId,
    client_secret: secret,
    redirect_uris: uris,
    response_types: responseTypes = ['code'],
    grant_types: grantTypes,
  } = fields;
  if (typeof clientId !== 'string' || !/^[\w.:-]{1,100}$/.test(clientId))
    return void problem(`${at} client_id must be letters, digits, ".", ":", "_" or "-", got ${JSON.stringify(clientId ?? null)}`);
  const named = `${at} ("${clientId}")`;
  // The secret's value is never repeated in a message: only that it is wrong.
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < 8))
    problem(`${named} client_secret must be a string of at least 8 characters, or left out for a public client`);
  if (!isStringList(uris) || uris.length === 0) problem(`${named} redirect_uris must be a non-empty list of URLs`);
  else
    for (const uri of uris) {
      const bad = redirectUriProblem(uri);
      if (bad) problem(`${named} redirect_uris ${bad}`);
    }
  if (
    !isStringList(responseTypes) ||
    responseTypes.length === 0 ||
    responseTypes.some((type) => !(DEV_IDP_RESPONSE_TYPES as readonly string[]).includes(type))
  ) {
    problem(
      `${named} response_types must be a list of ${DEV_IDP_RESPONSE_TYPES.map((type) => `"${type}"`).join(', ')}, got ${JSON.stringify(responseTypes)}`,
    );
    return undefined;
  }
  const needed = grantTypesFor(responseTypes);
  if (grantTypes !== undefined && (!isStringList(grantTypes) || grantTypes.some((type) => !GRANT_TYPES.includes(type)))) {
    problem(`${named} grant_types must be a list of ${GRANT_TYPES.join(', ')}, got ${JSON.stringify(grantTypes)}`);
  } else if (grantTypes !== undefined && needed.filter((type) => type !== 'refresh_token').some((type) => !grantTypes.includes(type))) {
    problem(
      `${named} grant_types must include ${needed.filter((type) => type !== 'refresh_token').join(' and ')} for response_types ${JSON.stringify(responseTypes)}`,
    );
  }
  if (
    needed.includes('implicit') &&
    isStringList(uris) &&
    uris.some((uri) => !uri.startsWith('https:') || new URL(uri).hostname === 'localhost')
  ) {
    // oidc-provider's rule for web clients (an ID token in a URL fragment): a local SPA uses "code" with PKCE as a public client instead.
    problem(
      `${named} response_types ${JSON.stringify(responseTypes)} put the ID token in the redirect, which needs https redirect_uris not on localhost; locally use ["code"] without a client_secret (PKCE)`,
    );
  }
  if (secret === undefined && responseTypes.includes('code id_token'))
    problem(`${named} response_types "code id_token" needs a client_secret`);
  return {
    clientId,
    clientSecret: typeof secret === 'string' ? secret : undefined,
    redirectUris: isStringList(uris) ? uris : [],
    responseTypes: responseTypes as DevIdpResponseType[],
    grantTypes: isStringList(grantTypes) ? grantTypes : needed,
  };
}

/** The JSON list, each client checked; whether the dev IdP is on is `readDevIdpClients`'s question. */
export const devIdpClients = variable<DevIdpClient[]>([], (value, problem: Report) => {
  const reservedIds = [DEV_IDP_CLIENT_ID];
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be a secret.
    return (problem('must be JSON: a list of clients, [{"client_id": …, "redirect_uris": […]}], and it does not parse'), []);
  }
  if (!Array.isArray(list)) return (problem('must be a JSON list of clients, [{"client_id": …, "redirect_uris": […]}]'), []);
  const clients = list.map((entry, i) => parseClient(entry, `[${i}]`, problem)).filter((client) => client !== undefined);
  const ids = [...reservedIds, ...clients.map((client) => client.clientId)];
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) {
    problem(
      `names client_id "${id}" twice${reservedIds.includes(id) ? ' (it is the dev IdP\'s own client for the "dev" provider)' : ''}; ids must be unique`,
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
