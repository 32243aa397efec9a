/**
 * The schema migrations of this build, from a production install (`npm ci --omit=dev`, no TypeScript, no ts config):
 *   node dist/cli/migrations.js run      apply every pending migration (one transaction)
 *   node dist/cli/migrations.js show     list them: [X] applied, [ ] pending
 *   node dist/cli/migrations.js revert   undo the last applied one
 * Reads only DATABASE_URL / SQLITE_PATH (the DATABASE_* settings), so a migration job needs no other secret.
 * `npm run migration:*` builds first, then runs this; only `migration:generate` uses the TypeORM CLI (development).
 */
import 'reflect-metadata';
import { DataSource, MigrationExecutor } from 'typeorm';
import { loadDatabaseConfig } from '../config/app-config.js';
import { buildDataSourceOptions } from '../database/data-source.js';
import { ENTITIES } from '../entities.js';

const USAGE = 'Usage: node dist/cli/migrations.js run | show | revert';

async function migrate(dataSource: DataSource, command: string): Promise<string[]> {
  const executor = new MigrationExecutor(dataSource);
  if (command === 'run') {
    const ran = await dataSource.runMigrations();
    return ran.length === 0 ? ['No migrations are pending'] : ran.map((m) => `Ran ${m.name}`);
  }
  if (command === 'show') {
    // Newest first, as TypeORM answers: listed oldest first, in the order they ran.
    const [applied, pending] = [(await executor.getExecutedMigrations()).reverse(), await executor.getPendingMigrations()];
    return [...applied.map((m) => `[X] ${m.name}`), ...pending.map((m) => `[ ] ${m.name}`)];
  }
  const last = (await executor.getExecutedMigrations())[0];
  if (!last) return ['No migration to revert'];
  await dataSource.undoLastMigration();
  return [`Reverted ${last.name}`];
}

async function main(command: string | undefined): Promise<void> {
  if (command !== 'run' && command !== 'show' && command !== 'revert') throw new Error(USAGE);
  const dataSource = await new DataSource({ ...buildDataSourceOptions(loadDatabaseConfig(), ENTITIES), migrationsRun: false }).initialize();
  try {
    process.stdout.write(`${(await migrate(dataSource, command)).join('\n')}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
