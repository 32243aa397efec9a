import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { InitialSchema1764000000000 } from '../../src/database/migrations/1764000000000-initial-schema.js';
import { UnverifiedEmail1765000000000 } from '../../src/database/migrations/1765000000000-unverified-email.js';
import { ENTITIES } from '../../src/entities.js';
import { TEST_DATABASE_URL } from '../support/test-app.js';

/**
 * 1765000000000-unverified-email on a database the initial schema made and real rows filled: unverified addresses
 * leave the unique column, verified ones stay, and nothing else of the rows or their children changes.
 * Runs on PostgreSQL when TEST_DATABASE_URL is set, else on a SQLite file (foreign keys on, like the app).
 */
describe('migration UnverifiedEmail1765000000000', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsa-unverified-email-'));
  let dataSource: DataSource | undefined;

  afterEach(async () => {
    await dataSource?.destroy();
    dataSource = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A database at the initial schema with three users (verified, unverified, none) and their children. */
  async function databaseBeforeTheMigration(): Promise<DataSource> {
    const options = TEST_DATABASE_URL
      ? { type: 'postgres' as const, url: TEST_DATABASE_URL }
      : {
          type: 'better-sqlite3' as const,
          database: join(dir, `${randomUUID()}.sqlite`),
          prepareDatabase: (db: { pragma(sql: string): unknown }) => void db.pragma('foreign_keys = ON'),
        };
    dataSource = new DataSource({ ...options, entities: ENTITIES, migrations: [InitialSchema1764000000000, UnverifiedEmail1765000000000] });
    await dataSource.initialize();
    await dataSource.dropDatabase();
    // Only the first migration, as a database deployed before this one.
    await new DataSource({ ...dataSource.options, migrations: [InitialSchema1764000000000] }).initialize().then(async (first) => {
      await first.runMigrations();
      const p = (i: number) => first.driver.createParameter(`p${i}`, i);
      const users = [
        ['u-verified', 'ada', 'ada@gmail.com', true],
        ['u-unverified', 'bob', 'bob@example.com', false],
        ['u-none', 'cy', null, false],
      ] as const;
      for (const [id, username, email, verified] of users) {
        await first.query(
          `INSERT INTO users (id, username, email, "emailVerified", name) VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
          [id, username, email, verified, `${username} name`],
        );
        await first.query(`INSERT INTO social_accounts (id, "userId", provider, uid) VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)})`, [
          `sa-${id}`,
          id,
          'google',
          `uid-${id}`,
        ]);
        await first.query(
          `INSERT INTO refresh_tokens (id, "familyId", "userId", "tokenHash", "sessionCreatedAt", "expiresAt") VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
          [`rt-${id}`, `fam-${id}`, id, `hash-${id}`, '2026-01-01 00:00:00', '2099-01-01 00:00:00'],
        );
      }
      await first.destroy();
    });
    return dataSource;
  }

  const users = async (ds: DataSource) =>
    (await ds.query('SELECT id, username, email, "emailVerified", "unverifiedEmail", name FROM users ORDER BY id')).map(
      (r: Record<string, unknown>) => ({ ...r, emailVerified: Boolean(r.emailVerified) }),
    );
  const children = async (ds: DataSource) => ({
    social_accounts: Number((await ds.query('SELECT COUNT(*) AS n FROM social_accounts'))[0].n),
    refresh_tokens: Number((await ds.query('SELECT COUNT(*) AS n FROM refresh_tokens'))[0].n),
  });

  it('should move unverified addresses out of the unique email column and keep everything else', async () => {
    const ds = await databaseBeforeTheMigration();

    await ds.runMigrations();

    expect(await users(ds)).toEqual([
      { id: 'u-none', username: 'cy', email: null, emailVerified: false, unverifiedEmail: null, name: 'cy name' },
      { id: 'u-unverified', username: 'bob', email: null, emailVerified: false, unverifiedEmail: 'bob@example.com', name: 'bob name' },
      { id: 'u-verified', username: 'ada', email: 'ada@gmail.com', emailVerified: true, unverifiedEmail: null, name: 'ada name' },
    ]);
    expect(await children(ds)).toEqual({ social_accounts: 3, refresh_tokens: 3 });
  });

  it('should let two accounts share an unverified address afterwards, and keep verified ones unique', async () => {
    const ds = await databaseBeforeTheMigration();
    await ds.runMigrations();
    const p = (i: number) => ds.driver.createParameter(`p${i}`, i);
    const insert = (id: string, email: string | null, unverifiedEmail: string | null) =>
      ds.query(`INSERT INTO users (id, username, email, "unverifiedEmail") VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)})`, [
        id,
        id,
        email,
        unverifiedEmail,
      ]);

    await insert('u-2', null, 'bob@example.com');

    await expect(insert('u-3', 'ada@gmail.com', null)).rejects.toThrow();
  });

  it('should put unverified addresses back on revert where the old unique column can hold them', async () => {
    const ds = await databaseBeforeTheMigration();
    await ds.runMigrations();
    const p = (i: number) => ds.driver.createParameter(`p${i}`, i);
    await ds.query(`INSERT INTO users (id, username, "unverifiedEmail") VALUES (${p(0)}, ${p(1)}, ${p(2)})`, [
      'u-zz-later',
      'bob2',
      'bob@example.com',
    ]);
    await ds.query(`INSERT INTO users (id, username, "unverifiedEmail") VALUES (${p(0)}, ${p(1)}, ${p(2)})`, [
      'u-zz-owned',
      'ada2',
      'ada@gmail.com',
    ]);

    await ds.undoLastMigration();

    const rows = await ds.query('SELECT id, email, "emailVerified" FROM users ORDER BY id');
    expect(rows.map((r: Record<string, unknown>) => [r.id, r.email, Boolean(r.emailVerified)])).toEqual([
      ['u-none', null, false],
      ['u-unverified', 'bob@example.com', false],
      ['u-verified', 'ada@gmail.com', true],
      ['u-zz-later', null, false],
      ['u-zz-owned', null, false],
    ]);
    expect(await children(ds)).toEqual({ social_accounts: 3, refresh_tokens: 3 });
  });
});
