import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, type EntityManager } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source.js';
import { ENTITIES } from '../../src/entities.js';
import { uniqueUsername } from '../../src/users/association/steps/get-username.step.js';
import { TEST_DATABASE_URL } from '../support/test-app.js';

/** This transaction's scans of the users table so far (PostgreSQL counts them per transaction, at once). */
async function usersTableScans(manager: EntityManager): Promise<{ seq: number; index: number }> {
  const [row] = await manager.query<{ seq: string; index: string }[]>(
    `SELECT seq_scan AS seq, idx_scan AS index FROM pg_stat_xact_user_tables WHERE relid = 'users'::regclass`,
  );
  return { seq: Number(row.seq), index: Number(row.index) };
}

/**
 * PostgreSQL keeps one generic plan for a named prepared statement after its first five runs. A fresh deployment
 * runs its first logins on an empty users table, where the generic plan of get_username's IN list is a sequential
 * scan; kept, every later first login read the whole table (auto_explain during the bench's first logins: 14-34 ms
 * per lookup). The lookup must use the unique index however small the table was when it first ran.
 */
describe('the free-username lookup on PostgreSQL', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(
      buildDataSourceOptions(loadConfig({ NODE_ENV: 'test', DATABASE_URL: TEST_DATABASE_URL }).database, ENTITIES),
    );
    await dataSource.initialize();
    await dataSource.dropDatabase();
    await dataSource.runMigrations();
  });
  afterAll(() => dataSource?.destroy());

  it('should read the unique index, not the whole table, after its first runs met an empty table', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      const { manager } = runner;
      // A new, never analyzed users table, as after a deployment's migrations; more runs on this one connection than
      // PostgreSQL's five custom plans before it may settle on a generic one.
      for (let i = 0; i < 8; i++) expect(await uniqueUsername(manager, `early-${i}`)).toBe(`early-${i}`);
      // The table grows, as it does under a deployment's first logins, before autovacuum analyzes it.
      await manager.query(
        `INSERT INTO users (id, username) SELECT gen_random_uuid()::text, 'filler-' || g FROM generate_series(1, 20000) g`,
      );

      const before = await usersTableScans(manager);
      expect(await uniqueUsername(manager, 'filler-7')).toBe('filler-7-2');
      const after = await usersTableScans(manager);

      expect(after.seq - before.seq).toBe(0);
      expect(after.index - before.index).toBeGreaterThan(0);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
