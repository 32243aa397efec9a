import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { createHttpAdapter, setupApp } from '../../src/app.setup.js';
import { createAppLogger } from '../../src/common/logging/app-logger.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { PRESETS } from '../../src/providers/presets/index.js';
import { TEST_ENCRYPTION_KEY, TEST_SIGNING_KEY_PEM } from '../fixtures/keys.js';

/** PostgreSQL when the environment names one (CI does), SQLite in memory otherwise. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
/** Redis when the environment names one (CI's PostgreSQL pass does); in-memory stores otherwise. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataSource: DataSource;
  http: () => ReturnType<typeof request>;
  /** Empties every table (between tests). */
  reset: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * What production needs beyond testEnv: a guarded /metrics, an https PUBLIC_URL, and the opt-in for the SQLite
 * database the tests run on when no PostgreSQL is named.
 */
export const PRODUCTION_TEST_ENV = {
  NODE_ENV: 'production',
  METRICS_TOKEN: 'metrics-test-token',
  PUBLIC_URL: 'https://nest-social-auth.test',
  DATABASE_ALLOW_SQLITE_IN_PRODUCTION: 'true',
} as const;

export function testEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    // Silent under NODE_ENV=test anyway; said here so an app in production mode (PRODUCTION_TEST_ENV) does not write
    // JSON lines into the test output. A test that reads the log sets LOG_LEVEL and gives a logDestination.
    LOG_LEVEL: 'silent',
    SQLITE_PATH: ':memory:',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_MIGRATE_ON_START: 'false',
    REDIS_URL: TEST_REDIS_URL,
    // Every app its own keys, so test files and the apps within one never see each other's state.
    REDIS_KEY_PREFIX: `test-${randomUUID()}:`,
    JWT_PRIVATE_KEYS: TEST_SIGNING_KEY_PEM,
    JWT_ISSUER: 'http://nest-social-auth.test',
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
    PROVIDER_TIMEOUT_MS: '1000',
    // Suites log in many times from one address; test/e2e/rate-limit.e2e-spec.ts sets tight limits of its own.
    RATE_LIMIT_AUTH_PER_IP: '100000',
    RATE_LIMIT_AUTH_PER_IDENTITY: '100000',
    RATE_LIMIT_OAUTH_PER_IP: '100000',
    RATE_LIMIT_OAUTH_PER_CLIENT: '100000',
    ...env,
  };
}

/**
 * The real app (same setup as main.ts) on a real database with a clean, freshly migrated schema.
 * `logDestination` receives the app's log lines (set LOG_LEVEL too: logging is silent under NODE_ENV=test).
 */
export async function createTestApp(
  env: Record<string, string | undefined> = {},
  options: {
    logDestination?: { write(line: string): void };
    /** A second instance on the same database: leave it as it is. */ keepDatabase?: boolean;
  } = {},
): Promise<TestApp> {
  const config = loadConfig(testEnv(env), PRESETS);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { logger: ['error'] });
  setupApp(app, config, createAppLogger(config, options.logDestination));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const dataSource = app.get(DataSource);
  if (!options.keepDatabase) {
    await dataSource.dropDatabase();
    await dataSource.runMigrations();
  }
  return {
    app,
    config,
    dataSource,
    http: () => request(app.getHttpServer()),
    reset: () => resetDatabase(dataSource),
    close: () => app.close(),
  };
}

export async function resetDatabase(dataSource: DataSource): Promise<void> {
  for (const table of ['audit_events', 'oauth_records', 'oauth_applications', 'refresh_tokens', 'social_accounts', 'users'])
    await dataSource.query(`DELETE FROM ${table}`);
}

export async function countRows(dataSource: DataSource): Promise<{ users: number; social_accounts: number; refresh_tokens: number }> {
  const count = async (table: string) => Number((await dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return { users: await count('users'), social_accounts: await count('social_accounts'), refresh_tokens: await count('refresh_tokens') };
}
