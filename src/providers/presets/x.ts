/**
 * X (Twitter), OAuth 2.0 Authorization Code Flow with PKCE:
 * https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
 * https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
 * Quirks: a confidential client authenticates with Basic at https://api.x.com/2/oauth2/token; refresh tokens only
 * with the `offline.access` scope; the profile is `GET /2/users/me`, inside `data`
 * (https://docs.x.com/x-api/users/user-lookup-me). X gives no email address: users from X have none unless they
 * type one (`require_email`), and such a typed address never links accounts. A refused code or refresh token is
 * `400 invalid_request` ("Value passed for the authorization code was invalid."), not RFC 6749's `invalid_grant`;
 * it is read as the latter, so a reused code is our 400 `invalid_authorization_code`, not a 502.
 * No `token` flow: X cannot tell us which app an access token was issued to.
 */
import type { OAuth2ProviderConfig } from '../../config/custom-provider-config.js';
import { GenericOAuth2IdentityProvider } from '../definitions/generic-oauth2.js';
import { refusedGrantAsInvalidGrant, withAnswerFix } from './answer-fix.js';
import { baseUrl, definePreset } from './preset.js';

interface XOptions {
  /** `https://api.x.com`, or a fake / an egress proxy. */
  apiUrl: string;
}

export const x = definePreset<XOptions, OAuth2ProviderConfig>({
  type: 'oauth2',
  docs: 'https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token',
  fields: { apiUrl: 'text' },
  parse(raw, { report }) {
    const apiUrl = baseUrl(raw.apiUrl, 'https://api.x.com', 'apiUrl', report);
    return apiUrl ? { apiUrl } : undefined;
  },
  defaults: ({ apiUrl }) => ({
    displayName: 'X',
    authorizationUrl: 'https://x.com/i/oauth2/authorize',
    tokenUrl: `${apiUrl}/2/oauth2/token`,
    userinfoUrl: `${apiUrl}/2/users/me?user.fields=profile_image_url`,
    scopes: ['users.read', 'tweet.read', 'offline.access'],
    tokenAuthMethod: 'client_secret_basic',
    profile: { uid: 'data.id', username: 'data.username', name: 'data.name', picture: 'data.profile_image_url' },
  }),
  create: (config, _options, http) => {
    const refused = refusedGrantAsInvalidGrant(/authorization code was invalid|code verifier did not match|token was invalid/i);
    return new GenericOAuth2IdentityProvider(
      config,
      withAnswerFix(http, (request) => request.url === config.tokenUrl, refused),
    );
  },
});
