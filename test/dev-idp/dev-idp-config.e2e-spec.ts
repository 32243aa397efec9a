import { afterAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/app-config.js';
import { devIdpProviderConfig } from '../../src/dev-idp/dev-idp.client.js';
import { problemsOf } from '../support/config-problems.js';
import { createTestApp, PRODUCTION_TEST_ENV, testEnv, type TestApp } from '../support/test-app.js';

/** Production needs its keys (testEnv has them), a guarded /metrics and an https PUBLIC_URL. */
const production = (env: Record<string, string> = {}) => testEnv({ ...PRODUCTION_TEST_ENV, ...env });

describe('the development identity provider switch', () => {
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
  });

  it('should be on by default in development only', () => {
    expect(loadConfig(testEnv({ NODE_ENV: 'development' })).browser.devIdp.enabled).toBe(true);
    expect(loadConfig(testEnv()).browser.devIdp.enabled).toBe(false);
    expect(loadConfig(production()).browser.devIdp.enabled).toBe(false);
  });

  it('should refuse to boot with DEV_IDP_ENABLED=true in production without DEV_IDP_FORCE', () => {
    expect(problemsOf(production({ DEV_IDP_ENABLED: 'true' }))).toEqual([
      expect.stringMatching(/^DEV_IDP_ENABLED is refused in production: .*DEV_IDP_FORCE=true/),
    ]);
  });

  it('should boot in production with DEV_IDP_FORCE=true, warning that anyone signs in as anyone', async () => {
    const lines: string[] = [];
    const env = production({ DEV_IDP_ENABLED: 'true', DEV_IDP_FORCE: 'true', LOG_LEVEL: 'warn', PUBLIC_URL: 'https://127.0.0.1:9' });

    app = await createTestApp(env, { logDestination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) } });

    const warnings = lines
      .map((line) => JSON.parse(line) as { level: string; context?: string; msg: string })
      .filter((e) => e.context === 'DevIdp');
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringMatching(
          /^DEV_IDP_FORCE is set: the development identity provider at https:\/\/127\.0\.0\.1:9\/dev-idp signs anyone in/,
        ),
      }),
    ]);
    expect((await app.http().get('/dev-idp/.well-known/openid-configuration').expect(200)).body.issuer).toBe('https://127.0.0.1:9/dev-idp');
  });

  it('should be absent when off: no routes under /dev-idp and no "dev" provider', async () => {
    const t = await createTestApp();
    try {
      await t.http().get('/dev-idp/.well-known/openid-configuration').expect(404);
      expect((await t.http().get('/auth/providers').expect(200)).body.providers).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('should make a declared provider called "dev" a boot error while the dev IdP is on, and allow it otherwise', () => {
    const declared = {
      PROVIDERS: 'dev',
      PROVIDER_DEV_TYPE: 'oidc',
      PROVIDER_DEV_ISSUER: 'https://idp.example',
      PROVIDER_DEV_CLIENT_IDS: 'app',
      PROVIDER_DEV_DISPLAY_NAME: 'Ours',
    };

    expect(problemsOf(testEnv({ ...declared, DEV_IDP_ENABLED: 'true' }))).toEqual([
      'PROVIDERS id "dev" is the development identity provider (DEV_IDP_ENABLED); choose another id or turn it off',
    ]);
    expect(problemsOf(testEnv({ ...declared, NODE_ENV: 'development' }))).toEqual([
      expect.stringMatching(/^PROVIDERS id "dev" is the development identity provider/),
    ]);
    expect(loadConfig(testEnv(declared)).providers.custom.map((p) => p.id)).toEqual(['dev']);
  });

  it('should declare the dev IdP to the registry as a confidential OIDC client that never links accounts by email', () => {
    const config = loadConfig(testEnv({ DEV_IDP_ENABLED: 'true', PUBLIC_URL: 'https://api.example.com/' }));

    expect(devIdpProviderConfig(config)).toEqual({
      id: 'dev',
      type: 'oidc',
      displayName: 'Dev IdP',
      issuer: 'https://api.example.com/dev-idp',
      clientIds: ['nest-social-auth-dev'],
      clientSecret: config.browser.devIdp.clientSecret,
      scopes: ['openid', 'email', 'profile'],
      redirectUris: ['https://api.example.com/demo'],
      enabled: true,
      emailVerifiedClaim: 'email_verified',
      trustEmailForLinking: false,
      insecureHttpAllowed: true,
      trustedEndpointOrigins: [],
    });
    expect(config.browser.devIdp.clientSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('should register the demo page as a redirect URI while DEMO_ENABLED, so it can connect another Dev IdP account', () => {
    const env = { DEV_IDP_ENABLED: 'true', PUBLIC_URL: 'https://api.example.com', DEV_IDP_REDIRECT_URIS: 'https://app.example.com/cb' };
    expect(devIdpProviderConfig(loadConfig(testEnv({ ...env, DEMO_ENABLED: 'true' }))).redirectUris).toEqual([
      'https://app.example.com/cb',
      'https://api.example.com/demo',
    ]);
    expect(devIdpProviderConfig(loadConfig(testEnv({ ...env, DEMO_ENABLED: 'false' }))).redirectUris).toEqual([
      'https://app.example.com/cb',
    ]);
  });

  it('should put DEV_IDP_REDIRECT_URIS on the allow-list of POST /auth/dev/code, refusing what a redirect URI cannot be', () => {
    const uris = 'http://localhost:5173/callback,com.example.app:/oauth2redirect';
    expect(
      devIdpProviderConfig(loadConfig(testEnv({ DEV_IDP_ENABLED: 'true', DEMO_ENABLED: 'false', DEV_IDP_REDIRECT_URIS: uris })))
        .redirectUris,
    ).toEqual(['http://localhost:5173/callback', 'com.example.app:/oauth2redirect']);
    expect(problemsOf(testEnv({ DEV_IDP_ENABLED: 'true', DEV_IDP_REDIRECT_URIS: 'http://app.example.com/cb' }))).toEqual([
      expect.stringMatching(/^DEV_IDP_REDIRECT_URIS has "http:\/\/app.example.com\/cb": each must be https/),
    ]);
  });
});
