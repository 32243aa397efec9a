import { describe, expect, it } from '@jest/globals';
import { pkceRequired } from './pkce-policy.js';

const request = (params: Record<string, unknown>) => ({ oidc: { params } });
const confidential = { clientAuthMethod: 'client_secret_basic' };
const publicClient = { clientAuthMethod: 'none' };

describe('pkceRequired (OAuth 2.1: PKCE unless a confidential client sends an OpenID Connect request with a nonce)', () => {
  it('should require PKCE of a public client, whatever the request', () => {
    expect(pkceRequired(request({ scope: 'openid profile', nonce: 'n-0S6_WzA2Mj' }), publicClient)).toBe(true);
    expect(pkceRequired(request({ scope: 'profile:read' }), publicClient)).toBe(true);
  });

  it('should require PKCE of a confidential client asking without openid, or without a nonce', () => {
    expect(pkceRequired(request({ scope: 'profile:read offline_access' }), confidential)).toBe(true);
    expect(pkceRequired(request({ scope: 'openid profile' }), confidential)).toBe(true);
    expect(pkceRequired(request({ scope: 'openid', nonce: '' }), confidential)).toBe(true);
    expect(pkceRequired(request({ scope: 'profile:read', nonce: 'n-0S6_WzA2Mj' }), confidential)).toBe(true);
    // A scope that merely contains the word is not the openid scope.
    expect(pkceRequired(request({ scope: 'openidx', nonce: 'n-0S6_WzA2Mj' }), confidential)).toBe(true);
  });

  it("should leave PKCE to a confidential client's OpenID Connect request with a nonce", () => {
    expect(pkceRequired(request({ scope: 'openid profile:read', nonce: 'n-0S6_WzA2Mj' }), confidential)).toBe(false);
    expect(pkceRequired(request({ scope: 'openid', nonce: 'n-0S6_WzA2Mj' }), { clientAuthMethod: 'client_secret_post' })).toBe(false);
  });

  it('should require PKCE when the request has no parameters to read', () => {
    expect(pkceRequired({}, confidential)).toBe(true);
  });
});
