import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { createHttpAdapter, setupApp } from './app.setup.js';
import { createAppLogger } from './common/logging/app-logger.js';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  // Created before the app, so boot messages (and a failed boot) are JSON lines too. LOG_LEVEL decides what is written.
  const logger = createAppLogger(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), { logger });
  setupApp(app, config, logger);
  await app.listen(config.http.port, config.http.host);
  const db = config.database.url ? 'PostgreSQL' : `SQLite at ${config.database.sqlitePath}`;
  new Logger('Bootstrap').log(`Listening on http://${config.http.host}:${config.http.port} (${config.nodeEnv}, ${db})`);
}

void bootstrap();
