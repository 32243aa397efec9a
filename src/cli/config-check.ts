/**
 * `npm run config:check`: validates the environment exactly as the server does at boot (every setting, the providers
 * file, production's refusals) and exits without starting or connecting to anything: 0 with a one-line summary when
 * the server would accept it, 1 with every problem when it would not. For a deployment pipeline, before the rollout.
 */
import { ConfigError, loadConfig, type AppConfig } from '../config/app-config.js';
import { PRESETS } from '../providers/presets/index.js';

export function summary(config: AppConfig): string {
  const { google, facebook, github, custom } = config.providers;
  const providers = [
    ...(google.enabled ? ['google'] : []),
    ...(facebook.enabled ? ['facebook'] : []),
    ...(github.enabled ? ['github'] : []),
    ...custom.map((p) => p.id),
  ];
  return [
    `Configuration valid (NODE_ENV=${config.nodeEnv})`,
    `listen ${config.http.host}:${config.http.port}`,
    config.database.url ? 'database PostgreSQL' : `database SQLite at ${config.database.sqlitePath}`,
    config.redis.url ? 'Redis shared stores' : 'in-memory stores (one instance)',
    `providers: ${providers.length > 0 ? providers.join(', ') : 'none enabled'}`,
    `OAuth server ${config.oauthServer.enabled ? 'on' : 'off'}`,
  ].join('; ');
}

function main(): number {
  try {
    process.stdout.write(`${summary(loadConfig(process.env, PRESETS))}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}

process.exitCode = main();
