import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema.js';
import { UnverifiedEmail1765000000000 } from './migrations/1765000000000-unverified-email.js';
import { OAuthServer1765200000000 } from './migrations/1765200000000-oauth-server.js';
import { AuditEvents1765400000000 } from './migrations/1765400000000-audit-events.js';

export type DataSourceEntities = NonNullable<DataSourceOptions['entities']>;
export const MIGRATIONS = [InitialSchema1764000000000, UnverifiedEmail1765000000000, OAuthServer1765200000000, AuditEvents1765400000000];

// Timestamps are stored without a zone on PostgreSQL (the type SQLite's `datetime` maps to); read and write them
// as UTC so instances in different time zones agree. 1114 = timestamp without time zone.
pg.defaults.parseInputDatesAsUTC = true;
pg.types.setTypeParser(1114, (value: string) => new Date(`${value.replace(' ', 'T')}Z`));

/** SQLite checkpoints the WAL when it holds this many pages (its default: 1,000). */
export const SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** SQLite's page cache per connection, in KiB (SQLite's own default; better-sqlite3's is 16,000). */
export const SQLITE_PAGE_CACHE_KIB = 2_000;

/**
 * SQLite (better-sqlite3) by default; PostgreSQL when `DATABASE_URL` is set. Schema only through migrations.
 * `entities`: the app's list (src/entities.ts), handed down because the modules that own them sit above database/;
 * none is enough to run migrations.
 */
export function buildDataSourceOptions(database: AppConfig['database'], entities: DataSourceEntities): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsRun: database.runMigrationsOnStart,
    synchronize: false,
    // Off by default: TypeORM prints a failed query with its parameters, which can hold token hashes and ciphertexts.
    logging: database.logging,
  };
  if (database.url) {
    // Timeouts so a database that stops answering (without refusing) fails requests instead of hanging them.
    const extra = { max: 20, connectionTimeoutMillis: 5000, statement_timeout: 10_000, query_timeout: 15_000 };
    return { ...common, type: 'postgres', url: database.url, extra };
  }
  if (database.sqlitePath !== ':memory:') mkdirSync(dirname(database.sqlitePath), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.sqlitePath,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      // FULL syncs the WAL to disk at every commit: ≈ 150 µs of CPU per login here, more than any statement of it.
      // NORMAL (SQLite's advice for WAL) syncs at checkpoints: a commit survives the app crashing, and a power loss
      // can take the last commits but never corrupts the file. Fine for development, demos and tests; a production
      // that opted into SQLite keeps FULL (docs/decisions/0006-request-path-performance.md, "Login path, third pass").
      db.pragma(`synchronous = ${database.allowSqliteInProduction ? 'FULL' : 'NORMAL'}`);
      // A checkpoint copies each page the WAL holds back into the database file (and syncs both). Every login dirties
      // the same few table and index pages, so at SQLite's default (every 1,000 pages, ≈ 150 logins) most of that
      // copying is of pages copied the checkpoint before; every 10,000 pages it is ≈ 45 µs of CPU less per login
      // (ADR 0006, "Login path, fourth pass"), for a WAL file of up to ≈ 40 MB and a longer pause at each checkpoint.
      db.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`);
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      // SQLite's own default page cache (2 MB), not better-sqlite3's 16 MB: the cache fills as the file grows and stays
      // full, so its size is a floor of the server's RSS. At 16 MB a server's RSS rose ≈ 30 MB over 100,000 logins
      // after the first 68,000, at 2 MB ≈ 19 MB, with no change in CPU per login (reads missing the cache come from the
      // OS's page cache; ADR 0006, "Sixth pass").
      db.pragma(`cache_size = -${SQLITE_PAGE_CACHE_KIB}`);
    },
  };
}
