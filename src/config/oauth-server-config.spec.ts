import { describe, expect, it } from '@jest/globals';
import { problemsOf as problemsOfAny } from '../../test/support/config-problems.js';
import { loadConfig as loadAnyConfig } from './app-config.js';

// Development, so each case sees only the settings it is about (unset NODE_ENV is production, ADR 0014).
const loadConfig = (env: NodeJS.ProcessEnv) => loadAnyConfig({ NODE_ENV: 'development', ...env });
const problemsOf = (env: NodeJS.ProcessEnv) => problemsOfAny({ NODE_ENV: 'development', ...env });

describe('OAuth server configuration', () => {
  it('should be on by default, with nobody admin and 60-second codes', () => {
    const sut = loadConfig({}).oauthServer;
    expect(sut).toMatchObject({ enabled: true, path: '/oauth', codeTtlSeconds: 60, adminUserIds: [], accessTokenTtlSeconds: 900 });
  });

  it('should be removed with OAUTH_SERVER_ENABLED=false, and read ADMIN_USER_IDS as a list', () => {
    expect(loadConfig({ OAUTH_SERVER_ENABLED: 'false' }).oauthServer.enabled).toBe(false);
    expect(loadConfig({ ADMIN_USER_IDS: 'a, b' }).oauthServer.adminUserIds).toEqual(['a', 'b']);
  });

  it('should refuse a JWT_ISSUER that cannot be an issuer while the server is on, and accept it when off', () => {
    expect(problemsOf({ JWT_ISSUER: 'not a url' }).join('\n')).toMatch(/^JWT_ISSUER must be a URL/m);
    expect(problemsOf({ JWT_ISSUER: 'https://api.example.com/?x=1' }).join('\n')).toMatch(
      /^JWT_ISSUER must be an http\(s\) URL with no query or fragment/m,
    );
    expect(loadConfig({ JWT_ISSUER: 'not a url', OAUTH_SERVER_ENABLED: 'false' }).jwt.issuer).toBe('not a url');
  });

  it('should refuse out-of-range lifetimes', () => {
    expect(
      problemsOf({ OAUTH_ACCESS_TOKEN_TTL_SECONDS: '5', OAUTH_CLIENT_CACHE_MS: '-1' })
        .map((p) => p.split(' ')[0])
        .sort(),
    ).toEqual(['OAUTH_ACCESS_TOKEN_TTL_SECONDS', 'OAUTH_CLIENT_CACHE_MS']);
  });

  it('should keep dynamic client registration off by default, and refuse it on without an initial access token (fail closed)', () => {
    expect(loadConfig({}).oauthServer.dynamicRegistration).toEqual({ enabled: false, initialAccessTokenHashes: [] });
    expect(problemsOf({ OAUTH_DYNAMIC_REGISTRATION_ENABLED: 'true' }).join('\n')).toMatch(
      /^OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS is required/m,
    );
    const hash = `sha256:${'A'.repeat(43)}`;
    expect(
      loadConfig({ OAUTH_DYNAMIC_REGISTRATION_ENABLED: 'true', OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS: hash }).oauthServer
        .dynamicRegistration,
    ).toEqual({ enabled: true, initialAccessTokenHashes: [hash] });
  });

  it('should refuse an initial access token listed in clear instead of its hash', () => {
    expect(
      problemsOf({ OAUTH_DYNAMIC_REGISTRATION_ENABLED: 'true', OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS: 'my-token' }).join('\n'),
    ).toMatch(/^OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS must list sha256:<base64url> hashes/m);
  });

  it('should read the refresh-token reuse grace window, off by default and at most 60 s', () => {
    expect(loadConfig({}).oauthServer.refreshReuseGraceSeconds).toBe(0);
    expect(loadConfig({ OAUTH_REFRESH_REUSE_GRACE_SECONDS: '10' }).oauthServer.refreshReuseGraceSeconds).toBe(10);
    expect(problemsOf({ OAUTH_REFRESH_REUSE_GRACE_SECONDS: '61' }).join('\n')).toMatch(
      /^OAUTH_REFRESH_REUSE_GRACE_SECONDS must be between 0 and 60/m,
    );
  });
});
