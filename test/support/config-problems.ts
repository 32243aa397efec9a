import { ConfigError, loadConfig } from '../../src/config/app-config.js';

/** The problems `loadConfig` reports for `env`; fails the test when it accepts the env. */
export function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}
