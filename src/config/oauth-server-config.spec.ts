import { describe, expect, it } from '@jest/globals';
import { problemsOf as problemsOfAny } from '../../test/support/config-problems.js';
import { loadConfig as loadAnyConfig } from './app-config.js';

// Development settings, so each case sees only its own problems (unset NODE_ENV is production).
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
    expect(problemsOf({ JWT_ISSUER: 'https://api.example.com/?x=1' }).join('\n')).toMatch(/^JWT_ISSUER must be an http\(s\) URL with no query or fragment/m);
    expect(loadConfig({ JWT_ISSUER: 'not a url', OAUTH_SERVER_ENABLED: 'false' }).jwt.issuer).toBe('not a url');
  });

  it('should refuse out-of-range lifetimes', () => {
    expect(problemsOf({ OAUTH_ACCESS_TOKEN_TTL_SECONDS: '5', OAUTH_CLIENT_CACHE_MS: '-1' }).map((p) => p.split(' ')[0]).sort())
      .toEqual(['OAUTH_ACCESS_TOKEN_TTL_SECONDS', 'OAUTH_CLIENT_CACHE_MS']);
  });
});
