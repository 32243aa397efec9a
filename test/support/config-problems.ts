import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { PRESETS } from '../../src/providers/presets/index.js';
import { TEST_ENCRYPTION_KEY, TEST_SIGNING_KEY_PEM } from '../fixtures/keys.js';

/** The problems `loadConfig` reports for `env`; fails the test when it accepts the env. */
export function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, PRESETS);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/**
 * A production environment `loadConfig` accepts as it is (no connection is made to the database it names), so a
 * case adds the one setting it is about and sees only that setting's problem. NODE_ENV is left out on purpose:
 * unset is production.
 */
export const PRODUCTION_ENV: Readonly<NodeJS.ProcessEnv> = {
  JWT_PRIVATE_KEYS: TEST_SIGNING_KEY_PEM,
  ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
  METRICS_TOKEN: 'metrics-test-token',
  PUBLIC_URL: 'https://auth.example.com',
  DATABASE_URL: 'postgres://auth@db.example.com/auth',
};

/** The first word of each problem: the key it is about. */
export const keysNamed = (problems: string[]) => problems.map((p) => p.split(' ')[0]);
