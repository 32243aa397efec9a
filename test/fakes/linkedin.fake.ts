/**
 * Fake Sign In with LinkedIn using OpenID Connect: issuer https://www.linkedin.com/oauth, the token endpoint that
 * only reads client credentials from the form and refuses a bad code with `invalid_request`, ID tokens without
 * a nonce, and userinfo at the API host (https://api.linkedin.com/v2/userinfo).
 * https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
 * https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
 */
import type { JWTPayload } from 'jose';
import type { RecordedRequest, Responder } from './fake-provider-server.js';
import { FakeOidcServer, type FakeClient, type OidcAccount } from './oidc-fake.js';

export class FakeLinkedIn extends FakeOidcServer {
  constructor(clients: FakeClient[]) {
    super(clients, {
      discovery: '/oauth/.well-known/openid-configuration',
      authorize: '/oauth/v2/authorization',
      token: '/oauth/v2/accessToken',
      jwks: '/oauth/openid/jwks',
      userinfo: '/v2/userinfo',
    });
  }

  issuerFor(): string {
    return `${this.baseUrl}/oauth`;
  }

  /** Credentials in the form only: a Basic header is not looked at. */
  protected override authenticateClient(req: RecordedRequest, form: URLSearchParams): Promise<string | undefined> {
    return super.authenticateClient({ ...req, headers: { ...req.headers, authorization: undefined } }, form);
  }

  protected override refuseClient(res: Responder): void {
    res.json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
  }

  protected override refuseGrant(res: Responder): void {
    res.json(400, {
      error: 'invalid_request',
      error_description:
        'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists',
    });
  }

  /** Its ID tokens carry no nonce, whatever the authorization request said. */
  protected override idTokenClaims(account: OidcAccount, clientId: string): JWTPayload {
    return super.idTokenClaims(account, clientId, undefined);
  }
}
