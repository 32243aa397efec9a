/**
 * The parts of `oidc-provider` (v9) our authorization server uses, beyond the dev IdP's
 * (src/dev-idp/oidc-provider.types.ts; the package ships no types).
 */
import type { InteractionDetails, OidcGrant, OidcProvider, OidcProviderModule } from '../dev-idp/oidc-provider.types.js';

export interface OidcClient {
  clientId: string;
  clientName?: string;
  clientAuthMethod: string;
  redirectUris: string[];
  grantTypeAllowed(type: string): boolean;
  [metadata: string]: unknown;
}

export interface ServerGrant extends OidcGrant {
  clientId: string;
  addResourceScope(resource: string, scope: string): void;
}

export interface ServerInteractionDetails extends InteractionDetails {
  session?: { accountId?: string };
  grantId?: string;
  prompt: InteractionDetails['prompt'] & {
    details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  };
}

export interface ServerProvider extends Omit<OidcProvider, 'Grant' | 'interactionDetails' | 'on'> {
  interactionDetails(...args: Parameters<OidcProvider['interactionDetails']>): Promise<ServerInteractionDetails>;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  Client: {
    prototype: { compareClientSecret(this: { clientSecret?: string }, actual: string): Promise<boolean> | boolean };
    find(id: string): Promise<OidcClient | undefined>;
  };
  Grant: { new (init: { accountId: string; clientId: string }): ServerGrant; find(id: string): Promise<ServerGrant | undefined> };
  AccessToken: new (init: Record<string, unknown>) => { resourceServer?: unknown; expiration: number; save(): Promise<string> };
  ResourceServer: new (identifier: string, info: Record<string, unknown>) => unknown;
  on(event: string, listener: (...args: unknown[]) => void): void;
  registerGrantType(name: string, handler: (ctx: never) => Promise<void>, parameters: string[]): void;
}

export interface KoaContext {
  body: unknown;
  type: string;
  oidc?: { route?: string };
}

export interface ServerProviderModule extends Omit<OidcProviderModule, 'default'> {
  default: new (issuer: string, configuration: Record<string, unknown>) => ServerProvider;
  /** oidc-provider's OAuth errors: a description, and for `InvalidScope` the scope refused. */
  errors: Record<
    'InvalidRequest' | 'InvalidClientMetadata' | 'InvalidGrant' | 'InvalidTarget' | 'InvalidScope',
    new (description: string, detail?: string) => Error
  >;
}
