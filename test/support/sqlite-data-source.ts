import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../src/database/data-source.js';
import { ENTITIES } from '../../src/entities.js';

/** A real, migrated SQLite database in memory, for unit specs of code that reads and writes rows. */
export async function createMigratedSqlite(): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: ENTITIES, migrations: MIGRATIONS });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}
