/**
 * A preset: a well-known provider as a declaration of the generic `oidc` or `oauth2` type plus only its quirks.
 * `{ "id": "ms", "preset": "microsoft", "clientIds": [...], "tenant": "common" }` in PROVIDERS_FILE; the preset
 * fills in what the provider documents (issuer, endpoints, mapping, email rule), the operator's own generic
 * fields override that (endpoint base URLs for tests and egress proxies), and `create` builds the definition.
 */
import type { ProviderHttpClient } from '../http/provider-http.client.js';
import { httpsUrl, type CustomProviderConfig, type FieldKind, type Report } from '../../config/custom-provider-config.js';
import type { IdentityProvider } from '../identity-provider.types.js';
import type { JwksCachePolicy } from '../oidc/remote-jwks.js';

export interface PresetContext {
  id: string;
  report: Report;
  /** `PROVIDER_<ID>_<suffix>` from the environment: key material never sits in the file. */
  env(suffix: string): string | undefined;
  /** A problem with that variable, reported under its name. */
  envProblem(suffix: string, message: string): void;
}

/** Method syntax on purpose: a table of presets with different options and config types is one `ProviderPreset`. */
export interface ProviderPreset<Options = unknown, Config extends CustomProviderConfig = CustomProviderConfig> {
  readonly type: Config['type'];
  /** The provider's documentation of what the preset encodes. */
  readonly docs: string;
  /** Fields a declaration may add for this preset, with how `PROVIDER_<ID>_*` spells them. */
  readonly fields: Readonly<Record<string, FieldKind>>;
  /** Generic fields the preset derives itself (from its own fields), which a declaration may not set. */
  readonly locked?: readonly string[];
  /** It can tie an access token to our client without our secret (Discord): the secret is then optional. */
  readonly verifiesAccessTokens?: boolean;
  /** Reads the preset's own fields; problems go to `ctx.report`. */
  parse(raw: Record<string, unknown>, ctx: PresetContext): Options | undefined;
  /** The generic declaration it stands for; the operator's generic fields are laid over it. */
  defaults(options: Options): Record<string, unknown>;
  create(config: Config, options: Options, http: ProviderHttpClient, cache: JwksCachePolicy): IdentityProvider;
}

export const definePreset = <Options, Config extends CustomProviderConfig>(preset: ProviderPreset<Options, Config>) => preset;

/** The provider sometimes says yes as a string (Apple's `"true"`). */
export const isTrue = (value: unknown) => value === true || value === 'true';

/** A base URL field of a preset (`apiUrl`, `instance`): https (http on loopback, for fakes), without a trailing slash. */
export function baseUrl(value: unknown, fallback: string, field: string, report: Report): string | undefined {
  return httpsUrl(value ?? fallback, field, report)?.replace(/\/+$/, '');
}
