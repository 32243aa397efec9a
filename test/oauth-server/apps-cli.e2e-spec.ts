import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/app-config.js';
import { hashClientSecret } from '../../src/oauth-server/applications/application-secrets.js';
import { TEST_ENCRYPTION_KEY, TEST_SIGNING_KEY_PEM } from '../fixtures/keys.js';
import { buildOnce } from '../support/app-process.js';

/** `npm run apps` is `node dist/cli/apps.js`: this runs the built CLI on a SQLite file, as an operator would. */
describe('npm run apps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsa-apps-'));
  const sqlitePath = join(dir, 'apps.sqlite');
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    SQLITE_PATH: sqlitePath,
    JWT_PRIVATE_KEYS: TEST_SIGNING_KEY_PEM,
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
    LOG_LEVEL: 'error',
    DEV_IDP_ENABLED: 'false',
  };
  const apps = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/apps.js', ...args], { env, encoding: 'utf8' });

  beforeAll(() => buildOnce(), 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should create an application, print its secret once, and store only its hash', () => {
    const made = apps(
      'create',
      '--name',
      'CLI App',
      '--type',
      'confidential',
      '--redirect-uri',
      'https://cli.example.test/cb',
      '--scope',
      'openid',
      '--scope',
      'profile:read',
    );
    expect(made.status).toBe(0);
    const app = JSON.parse(made.stdout) as { client_id: string; client_secret: string; scopes: string[] };
    expect(app).toMatchObject({ client_secret: expect.any(String), scopes: ['openid', 'profile:read'] });
    expect(made.stderr).toContain('shown this once');
    const db = new Database(sqlitePath, { readonly: true });
    try {
      expect(JSON.stringify(db.prepare('SELECT * FROM oauth_applications').all())).not.toContain(app.client_secret);
    } finally {
      db.close();
    }
    const shown = JSON.parse(apps('show', app.client_id).stdout) as Record<string, unknown>;
    expect(shown.client_secret).toBeUndefined();
    expect(JSON.parse(apps('list').stdout)).toHaveLength(1);
    expect(apps('delete', app.client_id).status).toBe(0);
    expect(JSON.parse(apps('list').stdout)).toHaveLength(0);
  });

  it('should make an initial access token for dynamic registration: the token once, and the hash the configuration takes', () => {
    const made = apps('initial-token');
    expect(made.status).toBe(0);
    const out = JSON.parse(made.stdout) as { initial_access_token: string; OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS: string };
    expect(out.initial_access_token.length).toBeGreaterThanOrEqual(43);
    expect(out.OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS).toBe(hashClientSecret(out.initial_access_token));
    expect(
      loadConfig({
        NODE_ENV: 'development',
        OAUTH_DYNAMIC_REGISTRATION_ENABLED: 'true',
        OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS: out.OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS,
      }).oauthServer.dynamicRegistration.initialAccessTokenHashes,
    ).toEqual([out.OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS]);
  });

  it('should refuse a bad application with a message and exit code 1, storing nothing', () => {
    const bad = apps('create', '--name', 'Bad', '--type', 'public', '--redirect-uri', 'http://evil.test/cb');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/redirect_uris/);
    const unknown = apps('create', '--name', 'Bad', '--colour', 'red');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown option --colour/);
    expect(JSON.parse(apps('list').stdout)).toHaveLength(0);
  });
});
