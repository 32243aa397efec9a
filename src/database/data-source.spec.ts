import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, SQLITE_PAGE_CACHE_KIB, SQLITE_WAL_AUTOCHECKPOINT_PAGES } from './data-source.js';

const database = { url: undefined, sqlitePath: ':memory:', allowSqliteInProduction: false, runMigrationsOnStart: false, logging: false };

/** The pragmas `prepareDatabase` sets on a new SQLite connection. */
function pragmasOf(options: ReturnType<typeof buildDataSourceOptions>): string[] {
  const pragmas: string[] = [];
  (options as { prepareDatabase: (db: { pragma(sql: string): unknown }) => void }).prepareDatabase({ pragma: (sql) => pragmas.push(sql) });
  return pragmas;
}

describe(buildDataSourceOptions.name, () => {
  it('should sync SQLite commits at checkpoints only (WAL, synchronous NORMAL) outside production', () => {
    expect(pragmasOf(buildDataSourceOptions(database, []))).toEqual(expect.arrayContaining(['journal_mode = WAL', 'synchronous = NORMAL']));
  });

  it('should sync every SQLite commit (synchronous FULL) when production opted into SQLite', () => {
    const pragmas = pragmasOf(buildDataSourceOptions({ ...database, allowSqliteInProduction: true }, []));

    expect(pragmas).toContain('synchronous = FULL');
    expect(pragmas).not.toContain('synchronous = NORMAL');
  });

  it('should checkpoint the WAL every 10,000 pages, not every 1,000, in production as elsewhere', () => {
    for (const allowSqliteInProduction of [false, true]) {
      expect(pragmasOf(buildDataSourceOptions({ ...database, allowSqliteInProduction }, []))).toContain(
        `wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`,
      );
    }
    expect(SQLITE_WAL_AUTOCHECKPOINT_PAGES).toBe(10_000);
  });

  it('should open a SQLite file with those pragmas in force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsa-pragmas-'));
    const dataSource = new DataSource(buildDataSourceOptions({ ...database, sqlitePath: join(dir, 'db.sqlite') }, []));
    await dataSource.initialize();
    try {
      const pragma = async (name: string) => Object.values((await dataSource.query<object[]>(`PRAGMA ${name}`))[0])[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('wal_autocheckpoint')).toBe(SQLITE_WAL_AUTOCHECKPOINT_PAGES);
      // A negative cache_size is in KiB. better-sqlite3 opens connections with -16000.
      expect(await pragma('cache_size')).toBe(-SQLITE_PAGE_CACHE_KIB);
      expect(SQLITE_PAGE_CACHE_KIB).toBe(2_000);
    } finally {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
