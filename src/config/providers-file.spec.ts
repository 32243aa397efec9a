import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { problemsOf } from '../../test/support/config-problems.js';
import { loadConfig } from './app-config.js';
import { parseCustomProviders } from './providers-file.js';

const dir = mkdtempSync(join(tmpdir(), 'providers-file-spec-'));
let files = 0;
const ACME = { id: 'acme', type: 'oidc', displayName: 'Acme ID', issuer: 'https://id.acme.example', clientIds: ['acme-web'] };

/** The environment for a PROVIDERS_FILE holding `content` (objects as JSON, strings as they are). */
function withFile(content: unknown, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const path = join(dir, `providers-${++files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return { PROVIDERS_FILE: path, ...env };
}


describe(parseCustomProviders.name, () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('with a valid declaration', () => {
    it('should fill the defaults and read the secret from the environment only', () => {
      const sut = loadConfig(withFile({ providers: [ACME] }, { PROVIDER_ACME_CLIENT_SECRET: 's3cret' }));

      expect(sut.providers.custom).toEqual([{
        ...ACME, clientSecret: 's3cret', scopes: ['openid', 'email', 'profile'], redirectUris: [], enabled: true,
        emailVerifiedClaim: 'email_verified', trustEmailForLinking: false,
      }]);
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
        PROVIDERS: 'acme', PROVIDER_ACME_TYPE: 'oidc', PROVIDER_ACME_ISSUER: 'http://127.0.0.1:9000', PROVIDER_ACME_DISPLAY_NAME: 'Acme',
        PROVIDER_ACME_CLIENT_IDS: 'web, ios', PROVIDER_ACME_SCOPES: 'openid email', PROVIDER_ACME_TRUST_EMAIL_FOR_LINKING: 'true',
      });

      expect(sut.providers.custom[0]).toMatchObject({ id: 'acme', issuer: 'http://127.0.0.1:9000', clientIds: ['web', 'ios'], scopes: ['openid', 'email'], trustEmailForLinking: true });
    });
  });

  describe('with a bad declaration', () => {
    const second = (entry: object) => withFile({ providers: [{ ...ACME, id: 'first' }, entry] });

    it.each([
      ['a missing issuer', { ...ACME, issuer: undefined }, 'providers[1] (id "acme"): issuer is required'],
      ['an http issuer on a non-loopback host', { ...ACME, issuer: 'http://id.acme.example' }, 'providers[1] (id "acme"): issuer must be an https URL'],
      ['an issuer with a query', { ...ACME, issuer: 'https://id.acme.example/?tenant=1' }, 'providers[1] (id "acme"): issuer must have no query'],
      ['an unknown field', { ...ACME, clientID: 'x' }, 'providers[1] (id "acme"): clientID is not a known field'],
      ['a client secret', { ...ACME, clientSecret: 'x' }, 'providers[1] (id "acme"): clientSecret must not be in the configuration file: set PROVIDER_ACME_CLIENT_SECRET'],
      ['an unknown type', { ...ACME, type: 'saml' }, 'providers[1] (id "acme"): type must be "oidc", got "saml"'],
      ['a built-in id', { ...ACME, id: 'google' }, 'providers[1] (id "google"): id is a built-in provider'],
      ['an id our routes use', { ...ACME, id: 'link' }, 'providers[1] (id "link"): id is a path our routes use'],
      ['a duplicate id', { ...ACME, id: 'first' }, 'providers[1] (id "first"): id is declared twice'],
      ['an id with capitals', { ...ACME, id: 'Acme' }, 'providers[1] (id "Acme"): id must match'],
      ['no client ids', { ...ACME, clientIds: [] }, 'providers[1] (id "acme"): clientIds must be a non-empty array'],
      ['scopes without openid', { ...ACME, scopes: ['email'] }, 'providers[1] (id "acme"): scopes must include "openid"'],
      ['a plain-http redirect URI', { ...ACME, redirectUris: ['http://app.acme.example/cb'] }, 'providers[1] (id "acme"): redirectUris has "http://app.acme.example/cb"'],
    ])('should stop the boot on %s, naming the provider and the field', (_case, entry, expected) => {
      const problems = problemsOf(second(entry));

      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`PROVIDERS_FILE ${expected}`);
    });

    it('should refuse two ids that would read the same secret variable', () => {
      const problems = problemsOf(withFile({ providers: [{ ...ACME, id: 'acme-eu' }, { ...ACME, id: 'acme_eu' }] }));

      expect(problems).toEqual(['PROVIDERS_FILE providers[1] (id "acme_eu"): id shares PROVIDER_ACME_EU_* with "acme-eu"; ids must be unique']);
    });

    it('should refuse a file that is not JSON, or has other top-level fields', () => {
      expect(problemsOf(withFile('providers:\n  - id: acme'))[0]).toMatch(/^PROVIDERS_FILE cannot be read as JSON/);
      expect(problemsOf(withFile({ providers: [], version: 2 }))).toEqual(['PROVIDERS_FILE has unknown top-level fields: version']);
    });

    it('should name the variable of an environment declaration', () => {
      const problems = problemsOf({ PROVIDERS: 'acme,github', PROVIDER_ACME_TYPE: 'oidc', PROVIDER_ACME_CLIENT_IDS: 'web', PROVIDER_ACME_DISPLAY_NAME: 'Acme' });

      expect(problems.sort()).toEqual(['PROVIDERS id "github" is a built-in provider; choose another id', 'PROVIDER_ACME_ISSUER is required']);
    });
  });
});
