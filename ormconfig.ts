// The DataSource the TypeORM CLI uses (`npm run migration:run`, `migration:revert`, `migration:generate`).
// Same options as the app: SQLite by default, PostgreSQL when DATABASE_URL is set.
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config.js';
import { buildDataSourceOptions } from './src/database/data-source.js';

export default new DataSource({ ...buildDataSourceOptions(loadConfig().database), migrationsRun: false });
