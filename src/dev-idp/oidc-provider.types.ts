/**
 * The parts of `oidc-provider` (v9) the dev IdP uses. The package ships no types, and the one `declare module`
 * the tests have (test/support/oidc-provider.d.ts) is not part of the build, so src/ types the module here and
 * imports it by a non-literal specifier (see dev-idp.provider.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface InteractionDetails {
  uid: string;
  prompt: { name: string; reasons: string[] };
  params: Record<string, unknown>;
}

/** The koa context oidc-provider hands to configuration functions, as far as they read it. */
export interface OidcContext {
  oidc: {
    provider: OidcProvider;
    client: { clientId: string };
    account: { accountId: string };
    session: { grantIdFor(clientId: string): string | undefined };
    result?: { login?: unknown; consent?: { grantId?: string } };
    requestParamOIDCScopes: Set<string>;
    requestParamClaims: Set<string>;
  };
  type: string;
  body: unknown;
}

export interface OidcGrant {
  accountId: string;
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}

export interface OidcProvider {
  proxy: boolean;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  /** Records the interaction's outcome and answers the URL that resumes the authorization request. */
  interactionResult(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<string>;
  on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): void;
  Grant: { new (init: { accountId: string; clientId: string }): OidcGrant; find(id: string): Promise<OidcGrant | undefined> };
}

export interface InteractionCheck {
  reason: string;
}

export interface OidcProviderModule {
  default: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  interactionPolicy: {
    base(): Array<{ name: string; checks: InteractionCheck[] }>;
    Check: new (reason: string, description: string, error: string, check: (ctx: OidcContext) => boolean) => InteractionCheck;
  };
}
