import { MigrationExecutor, type DataSource } from 'typeorm';

/**
 * The names of the migrations this build has that the database has not run, read without writing anything
 * (no migrations table is created). The app refuses to serve on an older schema than its code: every query
 * on a missing column would fail one request at a time instead of once, loudly, at boot (ADR 0015).
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  return (await new MigrationExecutor(dataSource).getPendingMigrations()).map((migration) => migration.name);
}
