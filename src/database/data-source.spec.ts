import { describe, expect, it } from '@jest/globals';
import { buildDataSourceOptions } from './data-source.js';

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
});
