import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { keysNamed, PRODUCTION_ENV, problemsOf as problemsOfAny } from '../../test/support/config-problems.js';
import { PRESETS } from '../providers/presets/index.js';
import { loadConfig as loadAnyConfig } from './app-config.js';
import { parseCustomProviders } from './providers-file.js';

const dir = mkdtempSync(join(tmpdir(), 'providers-file-spec-'));
let files = 0;
const ACME = { id: 'acme', type: 'oidc', displayName: 'Acme ID', issuer: 'https://id.acme.example', clientIds: ['acme-web'] };

/** The environment for a PROVIDERS_FILE holding `content` (objects as JSON, strings as they are). */
function withFile(content: unknown, env: NodeJS.ProcessEnv = {}, extension = 'json'): NodeJS.ProcessEnv {
  const path = join(dir, `providers-${++files}.${extension}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return { PROVIDERS_FILE: path, ...env };
}

// Declarations are checked the same in every environment; production's extra rules have their own cases below.
const loadConfig = (env: NodeJS.ProcessEnv) => loadAnyConfig({ NODE_ENV: 'development', ...env }, PRESETS);
const problemsOf = (env: NodeJS.ProcessEnv) => problemsOfAny({ NODE_ENV: 'development', ...env });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(parseCustomProviders.name, () => {
  describe('with a valid declaration', () => {
    it('should fill the defaults and read the secret from the environment only', () => {
      const sut = loadConfig(withFile({ providers: [ACME] }, { PROVIDER_ACME_CLIENT_SECRET: 's3cret' }));

      expect(sut.providers.custom).toEqual([
        {
          ...ACME,
          clientSecret: 's3cret',
          scopes: ['openid', 'email', 'profile'],
          redirectUris: [],
          enabled: true,
          emailVerifiedClaim: 'email_verified',
          trustEmailForLinking: false,
          insecureHttpAllowed: true,
          trustedEndpointOrigins: [],
        },
      ]);
    });

    it('should leave the built-in providers parsed exactly as without it', () => {
      const env = { GOOGLE_CLIENT_IDS: 'g-web', GITHUB_CLIENT_IDS: 'gh', GITHUB_CLIENT_SECRETS: 'x' };
      const { custom, ...builtIns } = loadConfig(withFile({ providers: [ACME] }, env)).providers;
      const { custom: none, ...without } = loadConfig(env).providers;

      expect(builtIns).toEqual(without);
      expect([custom.length, none]).toEqual([1, []]);
    });

    it('should accept a declaration by environment variables alone', () => {
      const sut = loadConfig({
        PROVIDERS: 'acme',
        PROVIDER_ACME_TYPE: 'oidc',
        PROVIDER_ACME_ISSUER: 'http://127.0.0.1:9000',
        PROVIDER_ACME_DISPLAY_NAME: 'Acme',
        PROVIDER_ACME_CLIENT_IDS: 'web, ios',
        PROVIDER_ACME_SCOPES: 'openid email',
        PROVIDER_ACME_TRUST_EMAIL_FOR_LINKING: 'true',
      });

      expect(sut.providers.custom[0]).toMatchObject({
        id: 'acme',
        issuer: 'http://127.0.0.1:9000',
        clientIds: ['web', 'ios'],
        scopes: ['openid', 'email'],
        trustEmailForLinking: true,
      });
    });
  });

  describe('with a bad declaration', () => {
    const second = (entry: object) => withFile({ providers: [{ ...ACME, id: 'first' }, entry] });

    it.each([
      ['a missing issuer', { ...ACME, issuer: undefined }, 'providers[1] (id "acme"): issuer is required'],
      [
        'an http issuer on a non-loopback host',
        { ...ACME, issuer: 'http://id.acme.example' },
        'providers[1] (id "acme"): issuer must be an https URL',
      ],
      [
        'an issuer with a query',
        { ...ACME, issuer: 'https://id.acme.example/?tenant=1' },
        'providers[1] (id "acme"): issuer must have no query',
      ],
      ['an unknown field', { ...ACME, clientID: 'x' }, 'providers[1] (id "acme"): clientID is not a known field'],
      [
        'a client secret',
        { ...ACME, clientSecret: 'x' },
        'providers[1] (id "acme"): clientSecret must not be in the configuration file: set PROVIDER_ACME_CLIENT_SECRET',
      ],
      ['an unknown type', { ...ACME, type: 'saml' }, 'providers[1] (id "acme"): type must be one of "oidc", "oauth2", got "saml"'],
      ['a built-in id', { ...ACME, id: 'google' }, 'providers[1] (id "google"): id is a built-in provider'],
      ['an id our routes use', { ...ACME, id: 'link' }, 'providers[1] (id "link"): id is a path our routes use'],
      ['a duplicate id', { ...ACME, id: 'first' }, 'providers[1] (id "first"): id is declared twice'],
      ['an id with capitals', { ...ACME, id: 'Acme' }, 'providers[1] (id "Acme"): id must match'],
      ['no client ids', { ...ACME, clientIds: [] }, 'providers[1] (id "acme"): clientIds must be a non-empty array'],
      ['scopes without openid', { ...ACME, scopes: ['email'] }, 'providers[1] (id "acme"): scopes must include "openid"'],
      [
        'a plain-http redirect URI',
        { ...ACME, redirectUris: ['http://app.acme.example/cb'] },
        'providers[1] (id "acme"): redirectUris has "http://app.acme.example/cb"',
      ],
    ])('should stop the boot on %s, naming the provider and the field', (_case, entry, expected) => {
      const problems = problemsOf(second(entry));

      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`PROVIDERS_FILE ${expected}`);
    });

    it('should refuse two ids that would read the same secret variable', () => {
      const problems = problemsOf(
        withFile({
          providers: [
            { ...ACME, id: 'acme-eu' },
            { ...ACME, id: 'acme_eu' },
          ],
        }),
      );

      expect(problems).toEqual([
        'PROVIDERS_FILE providers[1] (id "acme_eu"): id shares PROVIDER_ACME_EU_* with "acme-eu"; ids must be unique',
      ]);
    });

    it('should refuse a file that is not JSON, or has other top-level fields', () => {
      expect(problemsOf(withFile('providers:\n  - id: acme'))[0]).toMatch(/^PROVIDERS_FILE cannot be read as JSON/);
      expect(problemsOf(withFile({ providers: [], version: 2 }))).toEqual(['PROVIDERS_FILE has unknown top-level fields: version']);
    });

    it('should name the variable of an environment declaration', () => {
      const problems = problemsOf({
        PROVIDERS: 'acme,github',
        PROVIDER_ACME_TYPE: 'oidc',
        PROVIDER_ACME_CLIENT_IDS: 'web',
        PROVIDER_ACME_DISPLAY_NAME: 'Acme',
      });

      expect(problems.sort()).toEqual([
        'PROVIDERS id "github" is a built-in provider; choose another id',
        'PROVIDER_ACME_ISSUER is required',
      ]);
    });
  });
});

describe('a declared oauth2 provider', () => {
  const ACME_OAUTH = {
    id: 'acme',
    type: 'oauth2',
    displayName: 'Acme',
    clientIds: ['acme-web'],
    authorizationUrl: 'https://acme.example/oauth/authorize',
    tokenUrl: 'https://acme.example/oauth/token',
    userinfoUrl: 'https://api.acme.example/me',
    profile: { uid: 'data.id', email: 'data.email' },
  };
  const SECRET = { PROVIDER_ACME_CLIENT_SECRET: 's3cret' };
  const problemOf = (entry: object, env: NodeJS.ProcessEnv = SECRET) => problemsOf(withFile({ providers: [entry] }, env));

  it('should fill the defaults: Basic client authentication, space-separated scopes, emails never verified', () => {
    const sut = loadConfig(withFile({ providers: [{ ...ACME_OAUTH, profile: { ...ACME_OAUTH.profile, emailVerified: false } }] }, SECRET));

    expect(sut.providers.custom).toEqual([
      {
        ...ACME_OAUTH,
        clientSecret: 's3cret',
        scopes: [],
        scopeSeparator: ' ',
        tokenAuthMethod: 'client_secret_basic',
        redirectUris: [],
        enabled: true,
        trustEmailForLinking: false,
        profile: { uid: 'data.id', email: 'data.email' },
        insecureHttpAllowed: true,
        acknowledgeMutableSubject: false,
      },
    ]);
  });

  it('should read the same declaration from PROVIDER_<ID>_* variables, the profile from PROFILE_* ones', () => {
    const sut = loadConfig({
      PROVIDERS: 'acme',
      PROVIDER_ACME_TYPE: 'oauth2',
      PROVIDER_ACME_DISPLAY_NAME: 'Acme',
      PROVIDER_ACME_CLIENT_IDS: 'acme-web',
      PROVIDER_ACME_AUTHORIZATION_URL: ACME_OAUTH.authorizationUrl,
      PROVIDER_ACME_TOKEN_URL: ACME_OAUTH.tokenUrl,
      PROVIDER_ACME_USERINFO_URL: ACME_OAUTH.userinfoUrl,
      PROVIDER_ACME_TOKEN_AUTH_METHOD: 'client_secret_post',
      PROVIDER_ACME_PROFILE_UID: 'data.id',
      PROVIDER_ACME_PROFILE_EMAIL_VERIFIED: 'true',
      ...SECRET,
    });

    expect(sut.providers.custom[0]).toMatchObject({
      type: 'oauth2',
      tokenAuthMethod: 'client_secret_post',
      profile: { uid: 'data.id', emailVerified: true },
    });
  });

  it.each([
    ['no profile.uid', { ...ACME_OAUTH, profile: { email: 'email' } }, 'profile.uid is required'],
    ['a profile path that is not a dot path', { ...ACME_OAUTH, profile: { uid: 'data[0].id' } }, 'profile.uid must be a dot path'],
    ['an unknown profile field', { ...ACME_OAUTH, profile: { uid: 'id', id: 'id' } }, 'profile.id is not a known profile field'],
    ['an http token URL on a non-loopback host', { ...ACME_OAUTH, tokenUrl: 'http://acme.example/token' }, 'tokenUrl must be an https URL'],
    ['an unsupported client authentication', { ...ACME_OAUTH, tokenAuthMethod: 'private_key_jwt' }, 'tokenAuthMethod must be one of'],
    ['a field of the oidc type', { ...ACME_OAUTH, issuer: 'https://acme.example' }, 'issuer is not a known field of an oauth2 provider'],
  ])('should stop the boot on %s, naming the provider and the field', (_case, entry, expected) => {
    expect(problemOf(entry)).toEqual([expect.stringContaining(`PROVIDERS_FILE providers[0] (id "acme"): ${expected}`)]);
  });

  it('should stop the boot without the client secret its only flows need, naming the variable', () => {
    expect(problemOf(ACME_OAUTH, {})).toEqual([expect.stringMatching(/^PROVIDER_ACME_CLIENT_SECRET is required/)]);
  });
});

describe('a YAML providers file', () => {
  const YAML = [
    'providers:',
    '  - id: acme',
    '    type: oidc',
    '    displayName: Acme ID',
    '    issuer: https://id.acme.example',
    '    clientIds: [acme-web]',
    '',
  ];

  it('should declare the same provider as the JSON file', () => {
    const fromYaml = loadConfig(withFile(YAML.join('\n'), {}, 'yaml')).providers.custom;

    expect(fromYaml).toEqual(loadConfig(withFile({ providers: [ACME] })).providers.custom);
  });

  it('should name the file and the line of a syntax error', () => {
    const env = withFile([...YAML.slice(0, 4), '   issuer: [https://id.acme.example', ''].join('\n'), {}, 'yml');

    expect(problemsOf(env)).toEqual([
      expect.stringMatching(new RegExp(`^PROVIDERS_FILE cannot be read as YAML \\(${env.PROVIDERS_FILE}\\): .* at line 5, column \\d+$`)),
    ]);
  });

  it('should refuse a duplicate key or an unknown tag instead of reading something else', () => {
    expect(problemsOf(withFile([...YAML, '    type: oauth2'].join('\n'), {}, 'yaml'))[0]).toMatch(/Map keys must be unique at line 8/);
    expect(problemsOf(withFile(YAML.join('\n').replace('Acme ID', '!!js/function Acme'), {}, 'yaml'))[0]).toMatch(/Unresolved tag/);
  });
});

describe('a provider declared from a preset', () => {
  const problemOf = (entry: object, env: NodeJS.ProcessEnv = {}) => problemsOf(withFile({ providers: [entry] }, env));
  const P256_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it("should fill in the provider's declaration and keep the preset's own fields", () => {
    const [sut] = loadConfig(withFile({ providers: [{ id: 'ms', preset: 'microsoft', clientIds: ['app'] }] })).providers.custom;

    expect(sut).toMatchObject({
      type: 'oidc',
      displayName: 'Microsoft',
      issuer: 'https://login.microsoftonline.com/common/v2.0',
      scopes: ['openid', 'email', 'profile'],
      trustEmailForLinking: false,
      preset: { name: 'microsoft', options: { instance: 'https://login.microsoftonline.com', tenant: 'common' } },
    });
  });

  it("should let the operator override the endpoints and lay a profile mapping over the preset's, key by key", () => {
    const [sut] = loadConfig(
      withFile(
        {
          providers: [
            {
              id: 'x',
              preset: 'x',
              clientIds: ['app'],
              apiUrl: 'http://127.0.0.1:9000',
              displayName: 'Twitter',
              profile: { email: 'data.confirmed_email' },
            },
          ],
        },
        { PROVIDER_X_CLIENT_SECRET: 's' },
      ),
    ).providers.custom;

    expect(sut).toMatchObject({
      type: 'oauth2',
      displayName: 'Twitter',
      tokenUrl: 'http://127.0.0.1:9000/2/oauth2/token',
      authorizationUrl: 'https://x.com/i/oauth2/authorize',
      profile: { uid: 'data.id', username: 'data.username', email: 'data.confirmed_email' },
    });
  });

  it('should read a preset declared by variables, its own fields included', () => {
    const [sut] = loadConfig({
      PROVIDERS: 'ms',
      PROVIDER_MS_PRESET: 'microsoft',
      PROVIDER_MS_CLIENT_IDS: 'app',
      PROVIDER_MS_TENANT: 'organizations',
    }).providers.custom;

    expect(sut).toMatchObject({
      issuer: 'https://login.microsoftonline.com/organizations/v2.0',
      preset: { options: { tenant: 'organizations' } },
    });
  });

  it.each([
    [
      'an unknown preset',
      { id: 'ms', preset: 'azure', clientIds: ['a'] },
      'preset must be one of microsoft, apple, gitlab, discord, linkedin, x, got "azure"',
    ],
    [
      'a field the preset derives',
      { id: 'ms', preset: 'microsoft', clientIds: ['a'], issuer: 'https://login.microsoftonline.com/common/v2.0' },
      'issuer is set by the "microsoft" preset',
    ],
    [
      'a tenant that is neither an alias nor a GUID',
      { id: 'ms', preset: 'microsoft', clientIds: ['a'], tenant: 'contoso.com' },
      'tenant must be common, organizations, consumers or a tenant id',
    ],
    [
      "another type than the preset's",
      { id: 'dc', preset: 'discord', type: 'oidc', clientIds: ['a'] },
      'type must be "oauth2" for the "discord" preset',
    ],
    [
      'a private key in the file',
      { id: 'apple', preset: 'apple', clientIds: ['a'], privateKey: 'x' },
      'privateKey must not be in the configuration file: set PROVIDER_APPLE_PRIVATE_KEY',
    ],
  ])('should stop the boot on %s, naming the provider and the field', (_case, entry, expected) => {
    expect(problemOf(entry)).toEqual([
      expect.stringContaining(`PROVIDERS_FILE providers[0] (id "${(entry as { id: string }).id}"): ${expected}`),
    ]);
  });

  it("should check Apple's signing key at boot and name its variable", () => {
    const apple = { id: 'apple', preset: 'apple', clientIds: ['com.example.web'], teamId: 'TEAM123456', keyId: 'KEY1234567' };
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    expect(problemOf(apple, { PROVIDER_APPLE_PRIVATE_KEY: rsa })).toEqual([
      'PROVIDER_APPLE_PRIVATE_KEY must be an EC P-256 private key (the .p8 file)',
    ]);
    expect(problemOf({ ...apple, teamId: undefined }, { PROVIDER_APPLE_PRIVATE_KEY: P256_PEM.replace(/\n/g, '\\n') })).toEqual([
      expect.stringContaining('teamId is required'),
    ]);
    const [sut] = loadConfig(withFile({ providers: [apple] }, { PROVIDER_APPLE_PRIVATE_KEY: P256_PEM.replace(/\n/g, '\\n') })).providers
      .custom;
    expect(sut).toMatchObject({
      tokenAuthMethod: 'client_secret_post',
      preset: { options: { teamId: 'TEAM123456', privateKeyPem: P256_PEM } },
    });
  });

  it('should need a client secret for X, whose only flows redeem codes, but not for Discord, which checks access tokens', () => {
    expect(problemOf({ id: 'x', preset: 'x', clientIds: ['a'] })).toEqual([expect.stringMatching(/^PROVIDER_X_CLIENT_SECRET is required/)]);
    expect(loadConfig(withFile({ providers: [{ id: 'discord', preset: 'discord', clientIds: ['a'] }] })).providers.custom).toHaveLength(1);
  });
});

describe('Google, Facebook and GitHub declared as presets', () => {
  it('should fill in the endpoints their alias variables default to', () => {
    const [sut] = loadConfig(withFile({ providers: [{ id: 'g', preset: 'google', clientIds: ['web'] }] })).providers.custom;

    expect(sut).toMatchObject({
      type: 'oidc',
      displayName: 'Google',
      scopes: ['openid', 'email', 'profile'],
      preset: {
        name: 'google',
        options: {
          tokeninfoUrl: 'https://oauth2.googleapis.com/tokeninfo',
          issuers: ['https://accounts.google.com', 'accounts.google.com'],
        },
      },
    });
  });

  it('should need the client secret Facebook and GitHub check tokens with, naming its variable', () => {
    expect(problemsOf(withFile({ providers: [{ id: 'gh', preset: 'github', clientIds: ['a'] }] }))).toEqual([
      expect.stringMatching(/^PROVIDER_GH_CLIENT_SECRET is required/),
    ]);
    expect(
      problemsOf(
        withFile(
          { providers: [{ id: 'fb', preset: 'facebook', clientIds: ['a'], trustEmail: 'yes' }] },
          { PROVIDER_FB_CLIENT_SECRET: 's' },
        ),
      ),
    ).toEqual(['PROVIDERS_FILE providers[0] (id "fb"): trustEmail must be true or false']);
  });

  it('should refuse a plain-http endpoint of theirs in production, as for their alias variables', () => {
    const env = {
      ...PRODUCTION_ENV,
      ...withFile({ providers: [{ id: 'gh', preset: 'github', clientIds: ['a'], apiUrl: 'http://127.0.0.1:9000' }] }),
      PROVIDER_GH_CLIENT_SECRET: 's',
    };

    expect(problemsOfAny(env)).toEqual(
      expect.arrayContaining([expect.stringContaining('(id "gh"): apiUrl must be an https URL in production')]),
    );
  });

  it('should name them among the presets when a declaration names none that exists', () => {
    expect(problemsOf(withFile({ providers: [{ id: 'x1', preset: 'gogle', clientIds: ['a'] }] }))).toEqual([
      expect.stringContaining('(or google, facebook, github)'),
    ]);
  });
});

describe('provider URLs in production', () => {
  const LOOPBACK_ACME = { ...ACME, issuer: 'http://127.0.0.1:9000' };
  const production = (env: NodeJS.ProcessEnv) => ({ ...PRODUCTION_ENV, ...env });

  it('should refuse a plain-http issuer even on loopback, naming the provider and the field', () => {
    const problems = problemsOfAny(production(withFile({ providers: [LOOPBACK_ACME] })));

    expect(problems).toEqual([
      expect.stringMatching(
        /^PROVIDERS_FILE providers\[0\] \(id "acme"\): issuer must be an https URL in production .*PROVIDER_INSECURE_HTTP_ALLOWED/,
      ),
    ]);
  });

  it('should accept it for a provider PROVIDER_INSECURE_HTTP_ALLOWED names, and for that one only', () => {
    const env = withFile({ providers: [LOOPBACK_ACME, { ...LOOPBACK_ACME, id: 'other' }] });

    expect(problemsOfAny(production({ ...env, PROVIDER_INSECURE_HTTP_ALLOWED: 'acme' }))).toEqual([
      expect.stringMatching(/^PROVIDERS_FILE providers\[1\] \(id "other"\): issuer must be an https URL in production/),
    ]);
    const sut = loadAnyConfig(production({ ...withFile({ providers: [LOOPBACK_ACME] }), PROVIDER_INSECURE_HTTP_ALLOWED: 'acme' }), PRESETS);
    expect(sut.providers.custom[0]).toMatchObject({ issuer: 'http://127.0.0.1:9000', insecureHttpAllowed: true });
  });

  it('should still refuse plain http to a host off this machine for a provider it names', () => {
    const problems = problemsOfAny(
      production({ ...withFile({ providers: [{ ...ACME, issuer: 'http://id.acme.example' }] }), PROVIDER_INSECURE_HTTP_ALLOWED: 'acme' }),
    );

    expect(problems).toEqual([expect.stringContaining('issuer must be an https URL (http only for loopback hosts)')]);
  });

  it('should name the variable of an environment declaration, and every http URL of an oauth2 one', () => {
    const problems = problemsOfAny(
      production({
        PROVIDERS: 'acme',
        PROVIDER_ACME_TYPE: 'oauth2',
        PROVIDER_ACME_DISPLAY_NAME: 'Acme',
        PROVIDER_ACME_CLIENT_IDS: 'web',
        PROVIDER_ACME_CLIENT_SECRET: 's',
        PROVIDER_ACME_AUTHORIZATION_URL: 'https://acme.example/authorize',
        PROVIDER_ACME_TOKEN_URL: 'http://127.0.0.1:9000/token',
        PROVIDER_ACME_USERINFO_URL: 'http://localhost:9000/me',
        PROVIDER_ACME_PROFILE_UID: 'id',
      }),
    );

    expect(keysNamed(problems).sort()).toEqual(['PROVIDER_ACME_TOKEN_URL', 'PROVIDER_ACME_USERINFO_URL']);
  });

  it("should check a preset's own URL fields too", () => {
    const problems = problemsOfAny(
      production({ ...withFile({ providers: [{ id: 'ms', preset: 'microsoft', clientIds: ['a'], instance: 'http://127.0.0.1:9000' }] }) }),
    );

    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('(id "ms"): instance must be an https URL in production')]));
  });

  it('should refuse http endpoints of the built-in providers the same way', () => {
    const env = production({
      GOOGLE_CLIENT_IDS: 'web',
      GOOGLE_JWKS_URL: 'http://127.0.0.1:9000/certs',
      GITHUB_CLIENT_IDS: 'gh',
      GITHUB_CLIENT_SECRETS: 's',
      GITHUB_API_URL: 'http://127.0.0.1:9001',
    });

    expect(keysNamed(problemsOfAny(env)).sort()).toEqual(['GITHUB_API_URL', 'GOOGLE_JWKS_URL']);
    expect(keysNamed(problemsOfAny({ ...env, PROVIDER_INSECURE_HTTP_ALLOWED: 'google' }))).toEqual(['GITHUB_API_URL']);
  });

  it('should refuse a provider name in PROVIDER_INSECURE_HTTP_ALLOWED that is not configured (a typo would go unnoticed)', () => {
    expect(problemsOfAny(production({ PROVIDER_INSECURE_HTTP_ALLOWED: 'acme' }))).toEqual([
      'PROVIDER_INSECURE_HTTP_ALLOWED names "acme", which is not a configured provider',
    ]);
  });
});

describe('trustedEndpointOrigins', () => {
  it.each([
    ['a URL with a path', 'https://graph.acme.example/v1', 'each must be an origin'],
    ['plain http off this machine', 'http://graph.acme.example', 'must be an https URL'],
  ])('should refuse %s', (_case, origin, expected) => {
    expect(problemsOf(withFile({ providers: [{ ...ACME, trustedEndpointOrigins: [origin] }] }))).toEqual([
      expect.stringContaining(`trustedEndpointOrigins ${expected === 'each must be an origin' ? 'has' : 'must'}`),
    ]);
  });

  it('should be declared by the presets whose discovery documents send us to another origin', () => {
    const custom = loadConfig(
      withFile({
        providers: [
          { id: 'ms', preset: 'microsoft', clientIds: ['a'] },
          { id: 'li', preset: 'linkedin', clientIds: ['a'] },
          { id: 'gl', preset: 'gitlab', clientIds: ['a'] },
        ],
      }),
    ).providers.custom;

    expect(custom.map((p) => p.type === 'oidc' && p.trustedEndpointOrigins)).toEqual([
      ['https://graph.microsoft.com'],
      ['https://api.linkedin.com'],
      [],
    ]);
  });
});

describe('an oauth2 provider whose user id is a reassignable value (nOAuth)', () => {
  const ACME_OAUTH = {
    id: 'acme',
    type: 'oauth2',
    displayName: 'Acme',
    clientIds: ['acme-web'],
    authorizationUrl: 'https://acme.example/authorize',
    tokenUrl: 'https://acme.example/token',
    userinfoUrl: 'https://acme.example/me',
  };
  const SECRET = { PROVIDER_ACME_CLIENT_SECRET: 's3cret' };

  it.each(['email', 'data.email', 'preferred_username', 'upn', 'user.login', 'username'])(
    'should stop the boot on profile.uid "%s" and say why',
    (uid) => {
      const problems = problemsOf(withFile({ providers: [{ ...ACME_OAUTH, profile: { uid } }] }, SECRET));

      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^PROVIDERS_FILE providers\\[0\\] \\(id "acme"\\): profile.uid maps "${uid}", a value the provider can give to another person.*acknowledgeMutableSubject: true`,
          ),
        ),
      ]);
    },
  );

  it('should accept it when the operator acknowledges it, and an immutable id without a word', () => {
    const acknowledged = loadConfig(
      withFile({ providers: [{ ...ACME_OAUTH, profile: { uid: 'email' }, acknowledgeMutableSubject: true }] }, SECRET),
    );
    const immutable = loadConfig(withFile({ providers: [{ ...ACME_OAUTH, profile: { uid: 'data.id' } }] }, SECRET));

    expect(acknowledged.providers.custom[0]).toMatchObject({ profile: { uid: 'email' }, acknowledgeMutableSubject: true });
    expect(immutable.providers.custom[0]).toMatchObject({ profile: { uid: 'data.id' }, acknowledgeMutableSubject: false });
  });

  it('should name the variables of an environment declaration', () => {
    const env = {
      PROVIDERS: 'acme',
      PROVIDER_ACME_TYPE: 'oauth2',
      PROVIDER_ACME_DISPLAY_NAME: 'Acme',
      PROVIDER_ACME_CLIENT_IDS: 'web',
      ...SECRET,
      PROVIDER_ACME_AUTHORIZATION_URL: ACME_OAUTH.authorizationUrl,
      PROVIDER_ACME_TOKEN_URL: ACME_OAUTH.tokenUrl,
      PROVIDER_ACME_USERINFO_URL: ACME_OAUTH.userinfoUrl,
      PROVIDER_ACME_PROFILE_UID: 'login',
    };

    expect(keysNamed(problemsOf(env))).toEqual(['PROVIDER_ACME_PROFILE_UID']);
    expect(loadConfig({ ...env, PROVIDER_ACME_ACKNOWLEDGE_MUTABLE_SUBJECT: 'true' }).providers.custom).toHaveLength(1);
  });
});
