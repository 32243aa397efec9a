/**
 * Fake Microsoft identity platform, v2.0 endpoint: a discovery document per tenant (`common` and `organizations`
 * publish the issuer template `{base}/{tenantid}/v2.0`), one key set signing every tenant's tokens, the token
 * endpoint with its AADSTS errors, and Microsoft Graph's OIDC userinfo.
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
 * https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
 */
import type { JWTPayload } from 'jose';
import type { Responder, RouteRequest } from './fake-provider-server.js';
import { FakeOidcServer, type FakeClient, type OidcAccount } from './oidc-fake.js';

export const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const ALIASES = ['common', 'organizations'];

export class FakeMicrosoft extends FakeOidcServer {
  constructor(clients: FakeClient[]) {
    super(clients, {
      discovery: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
      authorize: /^\/[^/]+\/oauth2\/v2\.0\/authorize$/,
      token: /^\/[^/]+\/oauth2\/v2\.0\/token$/,
      jwks: /^\/[^/]+\/discovery\/v2\.0\/keys$/,
      userinfo: '/oidc/userinfo',
    });
  }

  /** The per-tenant issuer: `tid` is the tenant the user signed in to. */
  issuerFor(account: OidcAccount): string {
    return `${this.baseUrl}/${String(account.tid)}/v2.0`;
  }

  protected override discovery(req: RouteRequest): Record<string, unknown> {
    const tenant = req.params[0];
    const issuerTenant = tenant === 'consumers' ? CONSUMERS_TENANT : ALIASES.includes(tenant) ? '{tenantid}' : tenant;
    return {
      ...super.discovery(req),
      issuer: `${this.baseUrl}/${issuerTenant}/v2.0`,
      authorization_endpoint: `${this.baseUrl}/${tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${this.baseUrl}/${tenant}/oauth2/v2.0/token`,
      jwks_uri: `${this.baseUrl}/${tenant}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'oid', 'tid', 'email', 'preferred_username', 'name'],
    };
  }

  protected override idTokenClaims(account: OidcAccount, clientId: string, nonce: string | undefined): JWTPayload {
    return { ...super.idTokenClaims(account, clientId, nonce), ver: '2.0' };
  }

  /** Graph's OIDC userinfo releases the standard claims only, none of the tenant ones. */
  protected override userinfoClaims({ sub, name, email }: OidcAccount): Record<string, unknown> {
    return { sub, name, email };
  }

  protected override refuseClient(res: Responder): void {
    res.json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
  }

  protected override refuseGrant(res: Responder): void {
    res.json(400, {
      error: 'invalid_grant',
      error_description: 'AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.',
      error_codes: [70008],
    });
  }
}
