/**
 * The parts of `oidc-provider` (v9) our authorization server uses, beyond the dev IdP's
 * (src/dev-idp/oidc-provider.types.ts; the package ships no types).
 */
import type { InteractionDetails, OidcProvider, OidcProviderModule } from '../dev-idp/oidc-provider.types.js';

export interface OidcClient {
  clientId: string;
  clientName?: string;
  clientAuthMethod: string;
  redirectUris: string[];
  scope?: string;
  grantTypeAllowed(type: string): boolean;
  [metadata: string]: unknown;
}

export interface ServerGrant {
  jti: string;
  accountId: string;
  clientId: string;
  openid?: { scope?: string; claims?: string[] };
  resources?: Record<string, string>;
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(resource: string, scope: string): void;
  getOIDCScope(): string;
  getResourceScope(resource: string): string;
  save(): Promise<string>;
  destroy(): Promise<void>;
}

export interface ServerInteractionDetails extends InteractionDetails {
  session?: { accountId?: string };
  grantId?: string;
  lastSubmission?: Record<string, unknown>;
  prompt: {
    name: string;
    reasons: string[];
    details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  };
}

export interface ServerProvider extends Omit<OidcProvider, 'Grant' | 'interactionDetails' | 'on'> {
  issuer: string;
  interactionDetails(...args: Parameters<OidcProvider['interactionDetails']>): Promise<ServerInteractionDetails>;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  Client: {
    prototype: { compareClientSecret(this: { clientSecret?: string }, actual: string): Promise<boolean> | boolean };
    find(id: string): Promise<OidcClient | undefined>;
  };
  Grant: { new (init: { accountId: string; clientId: string }): ServerGrant; find(id: string): Promise<ServerGrant | undefined> };
  on(event: string, listener: (...args: unknown[]) => void): void;
  registerGrantType(name: string, handler: (ctx: never) => Promise<void>, parameters: string[]): void;
}

export interface KoaContext {
  path: string;
  method: string;
  status: number;
  body: unknown;
  type: string;
  oidc?: { route?: string };
}

export interface ServerProviderModule extends Omit<OidcProviderModule, 'default'> {
  default: new (issuer: string, configuration: Record<string, unknown>) => ServerProvider;
  errors: {
    InvalidRequest: new (description?: string) => Error;
    InvalidClientMetadata: new (description: string) => Error;
    InvalidGrant: new (description?: string) => Error;
    InvalidTarget: new (description?: string) => Error;
    InvalidScope: new (description: string, scope: string) => Error;
  };
}
