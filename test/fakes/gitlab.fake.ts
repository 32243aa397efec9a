/**
 * Fake GitLab as an OpenID Connect provider (gitlab.com or self-managed, the same endpoints): discovery, keys,
 * Doorkeeper's token endpoint and its error answers, userinfo.
 * https://docs.gitlab.com/integration/openid_connect_provider/ https://docs.gitlab.com/api/oauth2/
 */
import type { Responder } from './fake-provider-server.js';
import { FakeOidcServer, type FakeClient } from './oidc-fake.js';

export class FakeGitLab extends FakeOidcServer {
  constructor(clients: FakeClient[]) {
    super(clients, {
      discovery: '/.well-known/openid-configuration',
      authorize: '/oauth/authorize',
      token: '/oauth/token',
      jwks: '/oauth/discovery/keys',
      userinfo: '/oauth/userinfo',
    });
  }

  issuerFor(): string {
    return this.baseUrl;
  }

  protected override refuseClient(res: Responder): void {
    res.json(401, {
      error: 'invalid_client',
      error_description:
        'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
    });
  }

  protected override refuseGrant(res: Responder): void {
    res.json(400, {
      error: 'invalid_grant',
      error_description:
        'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
    });
  }
}
