import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/database/data-source.js';
import { buildOnce } from '../support/app-process.js';

/** `npm run migration:*` run the TypeORM CLI on dist/database/cli-data-source.js; this drives that same CLI. */
describe('migration commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsa-migrations-'));
  const sqlitePath = join(dir, 'ops.sqlite');
  const typeorm = (command: string) =>
    execFileSync(process.execPath, ['node_modules/typeorm/cli.js', command, '-d', 'dist/database/cli-data-source.js'], {
      // Only DATABASE_* variables matter: a production-shaped environment without JWT keys must not stop a migration.
      env: { PATH: process.env.PATH, NODE_ENV: 'production', SQLITE_PATH: sqlitePath },
      encoding: 'utf8',
    });
  const tables = () => {
    const db = new Database(sqlitePath, { readonly: true });
    try {
      return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    } finally {
      db.close();
    }
  };

  beforeAll(() => buildOnce(), 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should create the schema with migration:run and list it as applied', () => {
    expect(typeorm('migration:run')).toContain('InitialSchema1764000000000 has been executed successfully');
    expect(tables()).toEqual(['audit_events', 'migrations', 'oauth_applications', 'oauth_records', 'refresh_tokens', 'social_accounts', 'users']);
    expect(typeorm('migration:show')).toContain('[X] 1 InitialSchema1764000000000');
    expect(typeorm('migration:show')).toContain('OAuthServer1765200000000');
    expect(typeorm('migration:show')).toContain('[X] 4 AuditEvents1765400000000');
  });

  it('should do nothing on a second run', () => {
    expect(typeorm('migration:run')).toContain('No migrations are pending');
  });

  it('should drop it again with migration:revert, one migration at a time', () => {
    for (const _ of MIGRATIONS) expect(typeorm('migration:revert')).toContain('reverted successfully');
    expect(tables()).toEqual(['migrations']);
  });
});
