import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/database/data-source.js';
import { buildOnce } from '../support/app-process.js';

/** `npm run migration:*` build, then run dist/cli/migrations.js, the command a production install runs; this drives it. */
describe('migration commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsa-migrations-'));
  const sqlitePath = join(dir, 'ops.sqlite');
  const migrations = (command: string) =>
    execFileSync(process.execPath, ['dist/cli/migrations.js', command], {
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

  const names = MIGRATIONS.map((migration) => migration.name);

  it('should list every migration as pending on an empty database', () => {
    expect(migrations('show')).toBe(names.map((name) => `[ ] ${name}\n`).join(''));
  });

  it('should create the schema with run and list it as applied, oldest first', () => {
    expect(migrations('run')).toBe(names.map((name) => `Ran ${name}\n`).join(''));
    expect(tables()).toEqual(['migrations', 'oauth_applications', 'oauth_records', 'refresh_tokens', 'social_accounts', 'users']);
    expect(migrations('show')).toBe(names.map((name) => `[X] ${name}\n`).join(''));
  });

  it('should do nothing on a second run', () => {
    expect(migrations('run')).toBe('No migrations are pending\n');
  });

  it('should drop it again with revert, one migration at a time, newest first', () => {
    for (const name of [...names].reverse()) expect(migrations('revert')).toBe(`Reverted ${name}\n`);
    expect(tables()).toEqual(['migrations']);
    expect(migrations('revert')).toBe('No migration to revert\n');
  });

  it('should refuse an unknown command with its usage', () => {
    expect(() => execFileSync(process.execPath, ['dist/cli/migrations.js', 'up'], { stdio: 'pipe' })).toThrow(/Usage: node dist\/cli\/migrations.js run \| show \| revert/);
  });
});
