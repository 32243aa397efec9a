import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/database/data-source.js';
import { buildOnce, freePort } from '../support/app-process.js';
import { startLoopbackServer } from '../support/loopback-server.js';

// The compiled operator commands, as a production install runs them from dist/ (built once for the whole file).
beforeAll(() => buildOnce(), 60_000);

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
      return (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{
          name: string;
        }>
      ).map((r) => r.name);
    } finally {
      db.close();
    }
  };

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const names = MIGRATIONS.map((migration) => migration.name);

  it('should list every migration as pending on an empty database', () => {
    expect(migrations('show')).toBe(names.map((name) => `[ ] ${name}\n`).join(''));
  });

  it('should create the schema with run and list it as applied, oldest first', () => {
    expect(migrations('run')).toBe(names.map((name) => `Ran ${name}\n`).join(''));
    expect(tables()).toEqual([
      'audit_events',
      'migrations',
      'oauth_applications',
      'oauth_records',
      'refresh_tokens',
      'social_accounts',
      'users',
    ]);
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
    expect(() => execFileSync(process.execPath, ['dist/cli/migrations.js', 'up'], { stdio: 'pipe' })).toThrow(
      /Usage: node dist\/cli\/migrations.js run \| show \| revert/,
    );
  });
});

/** `node dist/cli/health-check.js`, the image's HEALTHCHECK: healthy only when /health/live answers 2xx. */
describe('health-check command', () => {
  const healthCheck = (port: string) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, ['dist/cli/health-check.js'], { env: { PATH: process.env.PATH, PORT: port } }, (error, _stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });
  const serverAnswering = (status: number) =>
    startLoopbackServer((req, res) => res.writeHead(req.url === '/health/live' ? status : 404).end());

  it('should pass when /health/live answers 200 on PORT', async () => {
    const server = await serverAnswering(200);
    try {
      expect(await healthCheck(new URL(server.url).port)).toEqual({ code: 0, stderr: '' });
    } finally {
      await server.close();
    }
  });

  it('should fail when /health/live answers an error', async () => {
    const server = await serverAnswering(503);
    try {
      expect(await healthCheck(new URL(server.url).port)).toEqual({ code: 1, stderr: '/health/live answered 503\n' });
    } finally {
      await server.close();
    }
  });

  it('should fail when nothing listens', async () => {
    const result = await healthCheck(String(await freePort()));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\/health\/live did not answer/);
  });
});
