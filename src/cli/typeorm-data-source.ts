// The DataSource of the TypeORM CLI for `npm run migration:generate` (development), compiled to
// dist/cli/typeorm-data-source.js. Same options as the app, reading only the DATABASE_* variables. Running
// migrations goes through our own command, dist/cli/migrations.js, which needs no CLI (ADR 0029).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadDatabaseConfig } from '../config/app-config.js';
import { buildDataSourceOptions } from '../database/data-source.js';
import { ENTITIES } from '../entities.js';

export default new DataSource({ ...buildDataSourceOptions(loadDatabaseConfig(), ENTITIES), migrationsRun: false });
