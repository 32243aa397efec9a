import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { createHttpAdapter, setupApp } from './app.setup.js';
import { createAppLogger } from './common/logging/app-logger.js';
import { writeBufferedLogs } from './common/logging/pino.js';
import { exitOnSignals } from './common/shutdown/exit-on-signals.js';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { pendingMigrations } from './database/pending-migrations.js';
import { PRESETS } from './providers/presets/index.js';
import { startupUrls } from './startup-urls.js';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env, PRESETS);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  // Created before the app, so boot messages (and a failed boot) are JSON lines too. LOG_LEVEL decides what is written.
  const logger = createAppLogger(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), { logger });
  setupApp(app, config, logger);
  exitOnSignals(app);
  const boot = new Logger('Bootstrap');
  if (!config.database.runMigrationsOnStart) {
    const pending = await pendingMigrations(app.get(DataSource));
    if (pending.length > 0) {
      boot.fatal(
        `Refusing to serve: the database lacks ${pending.length} migration(s) of this build (${pending.join(', ')}). ` +
          'Run `node dist/cli/migrations.js run` (`npm run migration:run` in a checkout) with the same DATABASE_* settings, or set DATABASE_MIGRATE_ON_START=true.',
      );
      await app.close();
      process.exit(1);
    }
  }
  if (config.nodeEnv === 'production' && !config.database.url) {
    boot.warn(
      `Production on SQLite (${config.database.sqlitePath}), as DATABASE_ALLOW_SQLITE_IN_PRODUCTION asks: one instance only, and back that file up`,
    );
  }
  if (config.nodeEnv === 'production' && !config.redis.url) {
    // Not refused: one instance on in-memory stores is sound. Several would each accept a nonce, state or login code once.
    boot.warn('Production without REDIS_URL: nonces, login codes and rate-limit counters live in this process; run one instance only');
  }
  writeBufferedLogs();
  await app.listen(config.http.port, config.http.host);
  const db = config.database.url ? 'PostgreSQL' : `SQLite at ${config.database.sqlitePath}`;
  boot.log(`Listening on http://${config.http.host}:${config.http.port} (${config.nodeEnv}, ${db})`);
  boot.log(startupUrls(config));
  writeBufferedLogs();
}

void bootstrap();
