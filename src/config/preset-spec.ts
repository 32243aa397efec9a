/**
 * What configuration needs from a preset (src/providers/presets/), as an interface: config parses declarations
 * and lets each preset check its own fields, without importing anything from src/providers/. The preset table
 * is handed to `loadConfig` by whoever starts the app (src/providers/presets/index.ts exports it): ADR 0034.
 */
import type { FieldKind, Report } from './custom-provider-config.js';

/** Method syntax on purpose: a table of presets with different options is one `PresetSpec`. */
export interface PresetSpec<Options = unknown> {
  readonly type: 'oidc' | 'oauth2';
  /** The provider's documentation of what the preset encodes. */
  readonly docs: string;
  /** Fields a declaration may add for this preset, with how `PROVIDER_<ID>_*` spells them. */
  readonly fields: Readonly<Record<string, FieldKind>>;
  /** Generic fields the preset derives itself (from its own fields), which a declaration may not set. */
  readonly locked?: readonly string[];
  /** It can tie an access token to our client without our secret (Discord): the secret is then optional. */
  readonly verifiesAccessTokens?: boolean;
  /**
   * Reads the preset's own fields; problems go to `ctx.report`. `ctx.env(suffix)` is `PROVIDER_<ID>_<suffix>` from the
   * environment (key material never sits in the file), `ctx.envProblem` a problem with that variable, under its name.
   */
  parse(
    raw: Record<string, unknown>,
    ctx: { id: string; report: Report; env: (suffix: string) => string | undefined; envProblem: (suffix: string, message: string) => void },
  ): Options | undefined;
  /** The generic declaration it stands for; the operator's generic fields are laid over it. */
  defaults(options: Options): Record<string, unknown>;
}

/** The presets a declaration may name, by name. */
export type PresetCatalog = Readonly<Record<string, PresetSpec>>;

export function presetNamed(catalog: PresetCatalog, name: unknown): PresetSpec | undefined {
  return typeof name === 'string' && Object.hasOwn(catalog, name) ? catalog[name] : undefined;
}
