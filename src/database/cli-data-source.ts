// The DataSource of the TypeORM CLI (`npm run migration:run | migration:revert | migration:show | migration:generate`),
// compiled to dist/database/cli-data-source.js. Same options as the app, reading only the DATABASE_* variables.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadDatabaseConfig } from '../config/app-config.js';
import { buildDataSourceOptions } from './data-source.js';

export default new DataSource({ ...buildDataSourceOptions(loadDatabaseConfig()), migrationsRun: false });
