/**
 * A preset: a well-known provider as a declaration of the generic `oidc` or `oauth2` type plus only its quirks.
 * `{ "id": "ms", "preset": "microsoft", "clientIds": [...], "tenant": "common" }` in PROVIDERS_FILE; the preset
 * fills in what the provider documents (issuer, endpoints, mapping, email rule), the operator's own generic
 * fields override that (endpoint base URLs for tests and egress proxies), and `create` builds the definition.
 */
import type { JWTPayload } from 'jose';
import { httpsUrl, strings, type CustomProviderConfig, type Report } from '../../config/custom-provider-config.js';
import type { PresetSpec } from '../../config/preset-spec.js';
import type { ProviderClient } from '../../config/providers-config.js';
import type { ProviderHttpClient } from '../http/provider-http.client.js';
import type { CodeFlow, IdentityProvider, LoginFlow, ProviderDescription } from '../identity-provider.types.js';
import { buildAuthorizationUrl } from '../oauth2/relying-party.js';
import { verifyIdToken } from '../oidc/id-token.verifier.js';
import { RemoteJwks, type JwksCachePolicy } from '../oidc/remote-jwks.js';

/** A preset: what configuration reads (src/config/preset-spec.ts), and how the provider is built from it. */
export interface ProviderPreset<Options = unknown, Config extends CustomProviderConfig = CustomProviderConfig> extends PresetSpec<Options> {
  readonly type: Config['type'];
  create(config: Config, options: Options, http: ProviderHttpClient, cache: JwksCachePolicy): IdentityProvider;
}

export const definePreset = <Options, Config extends CustomProviderConfig>(preset: ProviderPreset<Options, Config>) => preset;

/** The provider sometimes says yes as a string (Apple's `"true"`). */
export const isTrue = (value: unknown) => value === true || value === 'true';

/** A base URL field of a preset (`apiUrl`, `instance`): https (http on loopback, for fakes), without a trailing slash. */
export function baseUrl(value: unknown, fallback: string, field: string, report: Report): string | undefined {
  return httpsUrl(value ?? fallback, field, report)?.replace(/\/+$/, '');
}

/** What the classes of the three oldest presets read: their declaration, their own fields over it, and their clients. */
export type BuiltInSettings<Config extends CustomProviderConfig, Options> = Config & Options & { clients: ProviderClient[] };

/**
 * A declaration's clients: the alias's own list (`GOOGLE_CLIENT_SECRETS`, `GITHUB_CLIENT_SECRETS`: each client with
 * its secret), or the declared ids with `PROVIDER_<ID>_CLIENT_SECRET` on the first, the confidential one. For an
 * alias, the declaration's generic fields and its options hold the same values.
 */
export function builtInSettings<Config extends CustomProviderConfig, Options>(
  config: Config,
  options: Options & { clients?: ProviderClient[] },
): BuiltInSettings<Config, Options> {
  const clients = options.clients ?? config.clientIds.map((id, i) => ({ id, secret: i === 0 ? config.clientSecret : undefined }));
  return { ...config, ...options, clients };
}

/** The classes of the three oldest presets (google.ts, facebook.ts, github.ts): what they share. */
export abstract class BuiltInIdentityProvider<
  Settings extends BuiltInSettings<CustomProviderConfig, { authorizationUrl: string; jwksUrl?: string }>,
> implements IdentityProvider {
  abstract readonly flows: readonly LoginFlow[];
  readonly id: string;
  readonly displayName: string;
  /** Where Google and Facebook (Limited Login) publish the keys of their ID tokens. */
  private readonly jwks: RemoteJwks | undefined;

  constructor(
    protected readonly config: Settings,
    protected readonly http: ProviderHttpClient,
    cache: JwksCachePolicy,
  ) {
    this.id = config.id;
    this.displayName = config.displayName;
    this.jwks = config.jwksUrl === undefined ? undefined : new RemoteJwks(config.id, config.jwksUrl, http, cache);
  }

  /** Their ID tokens are RS256-signed, with the issuer(s) they document, and issued to one of our clients. */
  protected verifiedIdToken(idToken: string, issuers: string[]): Promise<JWTPayload> {
    const clientIds = this.config.clients.map((c) => c.id);
    return verifyIdToken(idToken, { provider: this.id, jwks: this.jwks!, issuers, clientIds, algorithms: ['RS256'] });
  }

  async describe(): Promise<ProviderDescription> {
    const { clients, scopes, authorizationUrl } = this.config;
    return { type: 'built-in', clientIds: clients.map((c) => c.id), scopes, authorizationEndpoint: authorizationUrl };
  }

  /** The code flow of our confidential `client`; `extra`: the provider's own authorization parameters. */
  protected codeFlowOf(
    client: ProviderClient,
    exchangeCode: CodeFlow['exchangeCode'],
    { returnsIdToken = false, scopeSeparator = ' ', extra = {} } = {},
  ): CodeFlow {
    const { authorizationUrl, scopes, redirectUris } = this.config;
    return {
      redirectUris,
      returnsIdToken,
      authorizationUrl: async (request) =>
        buildAuthorizationUrl(authorizationUrl, { clientId: client.id, scopes, scopeSeparator }, request, extra),
      exchangeCode,
    };
  }
}

/** A preset's own URL and list fields, each defaulting to the documented default of its alias variable (`GOOGLE_JWKS_URL`). */
export function endpoints<T>(
  raw: Record<string, unknown>,
  defaults: Record<string, unknown>,
  urls: string[],
  lists: string[],
  report: Report,
): T | undefined {
  const fields = [
    ...urls.map((field) => [field, httpsUrl(raw[field] ?? defaults[field], field, report)] as const),
    ...lists.map(
      (field) => [field, raw[field] === undefined ? defaults[field] : strings(raw[field], field, report, { required: true })] as const,
    ),
  ];
  return fields.every(([, value]) => value !== undefined) ? (Object.fromEntries(fields) as T) : undefined;
}
