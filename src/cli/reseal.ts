/**
 * Seals every stored provider token again under the first `ENCRYPTION_KEYS` key, bound to its row and column
 * (docs/decisions/0016-sealed-for-their-place.md). Run after putting a new key first, before dropping the old one,
 * and once after upgrading from unbound (`v1`) seals. Reads the app's environment. Usage: node dist/cli/reseal.js (npm run reseal in a checkout)
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { SecretBox } from '../common/crypto/secret-box.js';
import { loadConfig } from '../config/app-config.js';
import { buildDataSourceOptions } from '../database/data-source.js';
import { ENTITIES } from '../entities.js';
import { PRESETS } from '../providers/presets/index.js';
import { resealProviderTokens } from '../providers/tokens/reseal.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env, PRESETS);
  const dataSource = await new DataSource({ ...buildDataSourceOptions(config.database, ENTITIES), migrationsRun: false }).initialize();
  try {
    const report = await resealProviderTokens(dataSource, new SecretBox(config));
    process.stdout.write(`resealed ${report.resealed}, already current ${report.current}, unreadable ${report.unreadable.length}\n`);
    // Ids and columns only: they say which users must sign in with that provider again.
    for (const entry of report.unreadable) process.stdout.write(`unreadable: ${entry}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
