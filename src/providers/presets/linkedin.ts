/**
 * Sign In with LinkedIn using OpenID Connect:
 * https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
 * Quirks: the issuer is https://www.linkedin.com/oauth; the token endpoint reads our credentials from the form
 * (client_secret_post), not from Basic, and refuses a bad or used code with `400 invalid_request` ("Unable to
 * retrieve access token: …"), read here as `invalid_grant`; its authorization request documents no `nonce`, so
 * the redirect flow does not send one (the code stays bound to the sign-in by `state` and our secret). `email_verified` is LinkedIn's
 * confirmation of the member's primary address, not an identity proof ("does not verify user identities"), so
 * linking by it stays the operator's call.
 */
import type { OidcProviderConfig } from '../../config/custom-provider-config.js';
import { GenericOidcIdentityProvider } from '../definitions/generic-oidc.js';
import { refusedGrantAsInvalidGrant, withAnswerFix } from './answer-fix.js';
import { definePreset } from './preset.js';

class LinkedInIdentityProvider extends GenericOidcIdentityProvider {
  protected override sendsNonce(): boolean {
    return false;
  }
}

export const linkedin = definePreset<Record<string, never>, OidcProviderConfig>({
  type: 'oidc',
  docs: 'https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2',
  fields: {},
  parse: () => ({}),
  defaults: () => ({
    displayName: 'LinkedIn',
    issuer: 'https://www.linkedin.com/oauth',
    scopes: ['openid', 'profile', 'email'],
    tokenAuthMethod: 'client_secret_post',
    // Its discovery document sends userinfo to the API host: https://www.linkedin.com/oauth/.well-known/openid-configuration
    trustedEndpointOrigins: ['https://api.linkedin.com'],
  }),
  create: (config, _options, http, cache) => {
    const refused = refusedGrantAsInvalidGrant(/^Unable to retrieve access token/);
    return new LinkedInIdentityProvider(
      config,
      withAnswerFix(http, (request) => request.method === 'POST', refused),
      cache,
    );
  },
});
