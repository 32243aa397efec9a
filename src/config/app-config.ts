/**
 * The whole configuration, parsed once at boot from the environment into a typed tree.
 * `loadConfig` collects every bad key and throws one `ConfigError` naming them all,
 * so an operator fixes a deployment in one pass instead of one crash per variable.
 */
import { parseProvidersConfig, type ProvidersConfig } from './providers-config.js';
import { EnvReader } from './env-reader.js';
import { parseBrowserFlowConfig, type BrowserFlowConfig } from './browser-flow-config.js';
import { readCorsOrigins } from './cors-origins.js';
import { readTrustProxy, type TrustProxy } from './trust-proxy.js';
import { issuerProblem, parseOAuthServerConfig, type OAuthServerConfig } from './oauth-server-config.js';

export type NodeEnv = 'development' | 'production' | 'test';
export type SigningAlgorithm = 'ES256' | 'RS256';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  nodeEnv: NodeEnv;
  http: {
    host: string;
    port: number;
    corsOrigins: string[];
    /** Which X-Forwarded-For entries to believe: none, all (`true`, not in production), or those our proxies (these addresses) wrote. */
    trustProxy: TrustProxy;
    shutdownTimeoutMs: number;
  };
  /** Shared state across instances (one-time values, rate-limit counters, session revocations). Absent: in-memory. */
  redis: { url: string | undefined; keyPrefix: string };
  logging: { level: LogLevel; pretty: boolean };
  metrics: {
    enabled: boolean;
    /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
    token: string | undefined;
    /** When set, metrics are served on this port (its own listener) instead of the API port. */
    port: number | undefined;
  };
  rateLimit: {
    enabled: boolean;
    /** Requests per window to any /auth/* endpoint from one IP. */
    authPerIp: number;
    /** Requests per window for one identity (a user, or a refresh-token family). */
    authPerIdentity: number;
    /** Requests per window to /oauth's token-ish endpoints and interaction posts from one IP (ADR 0039). */
    oauthPerIp: number;
    /** Requests per window to /oauth's token-ish endpoints naming one client. */
    oauthPerClient: number;
    windowSeconds: number;
  };
  openapi: { enabled: boolean };
  /** BENCH_ROUTES: the benchmark's stand-in user routes (src/bench-routes/), off unless set; never in a deployment. */
  benchRoutes: boolean;
  database: {
    url: string | undefined;
    sqlitePath: string;
    /** Production refuses SQLite (a forgotten DATABASE_URL) unless this says it is meant. */
    allowSqliteInProduction: boolean;
    runMigrationsOnStart: boolean;
    logging: boolean;
  };
  jwt: {
    issuer: string;
    audience: string;
    algorithm: SigningAlgorithm;
    accessTokenTtlSeconds: number;
    /** PEM private keys; the first signs, all verify (rotation). Empty: generated and kept under `keysDir` (development/test only). */
    privateKeys: string[];
    keysDir: string;
    /** When on, every guarded request checks that the token's session is still alive (cached `sessionCheckCacheMs`). */
    checkSessionOnEachRequest: boolean;
    sessionCheckCacheMs: number;
  };
  refresh: { ttlSeconds: number; reuseGraceSeconds: number };
  /** How long `audit_events` rows (`GET /users/me/activity`) are kept. */
  audit: { retentionDays: number };
  encryption: { keys: Array<{ id: string; key: Buffer }> };
  login: {
    allowedEmailDomains: string[];
    allowedEmails: string[];
    pipeline: string[];
    protectedUserFields: string[];
    nonceRequired: boolean;
    nonceTtlSeconds: number;
    /** Lifetime of the `pending_token` of a login paused for missing profile fields (`profile_incomplete`). */
    pendingTtlSeconds: number;
    /** Lifetime of the `link_token` answered with `account_link_required`. */
    linkTokenTtlSeconds: number;
  };
  providers: ProvidersConfig;
  /** Code exchange, the redirect flow, the demo page and the development identity provider. */
  browser: BrowserFlowConfig;
  /** Our own authorization server for third-party applications (src/oauth-server/). */
  oauthServer: OAuthServerConfig;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export const DEFAULT_PIPELINE = [
  'social_details', 'social_uid', 'auth_allowed', 'social_user', 'get_username',
  'associate_by_email', 'create_user', 'associate_user', 'load_extra_data', 'user_details',
];

export class ConfigError extends Error {
  /** `note`: one line of context for the whole list (why production rules apply). */
  constructor(readonly problems: string[], note?: string) {
    super(`Invalid configuration${note ? ` (${note})` : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Unset means production: every development convenience (a public encryption key, the dev IdP that signs anyone
 * in, generated signing keys) must be asked for by name, never reached by forgetting a variable
 * (docs/decisions/0014-production-by-default.md). `npm start` sets development explicitly.
 */
export function readNodeEnv(r: EnvReader): NodeEnv {
  return r.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'production');
}

/** JWT_ALGORITHM alone, for the key commands (src/cli/keys.ts), which run without the rest of a configuration. */
export function readSigningAlgorithm(r: EnvReader): SigningAlgorithm {
  return r.oneOf('JWT_ALGORITHM', ['ES256', 'RS256'] as const, 'ES256');
}

function readDatabaseConfig(r: EnvReader, production: boolean): AppConfig['database'] {
  return {
    url: r.optional('DATABASE_URL', { pattern: /^postgres(ql)?:\/\//, hint: 'a postgres:// URL' }),
    sqlitePath: r.string('SQLITE_PATH', './data/nest-social-auth.sqlite'),
    allowSqliteInProduction: r.bool('DATABASE_ALLOW_SQLITE_IN_PRODUCTION', false),
    runMigrationsOnStart: r.bool('DATABASE_MIGRATE_ON_START', !production),
    logging: r.bool('DATABASE_LOGGING', false),
  };
}

/** Only the database settings: what the migration commands need, without the rest of a production config. */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): AppConfig['database'] {
  const r = new EnvReader(env);
  const database = readDatabaseConfig(r, readNodeEnv(r) === 'production');
  r.throwIfProblems();
  return database;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const r = new EnvReader(env);
  const nodeEnv = readNodeEnv(r);
  const production = nodeEnv === 'production';
  const port = r.int('PORT', 3000, { min: 0, max: 65535 });
  const browser = parseBrowserFlowConfig(r, nodeEnv, port);
  const config: AppConfig = {
    nodeEnv,
    http: {
      // Outside production only this machine can reach us (the dev IdP signs anyone in): HOST=0.0.0.0 to share.
      // Production listens on every interface, as a container must (docs/deployment.md).
      host: r.string('HOST', production ? '0.0.0.0' : '127.0.0.1'),
      port,
      corsOrigins: readCorsOrigins(r, production),
      trustProxy: readTrustProxy(r, production),
      shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10_000, { min: 0, max: 120_000 }),
    },
    redis: {
      url: r.optional('REDIS_URL', { pattern: /^rediss?:\/\//, hint: 'a redis:// or rediss:// URL' }),
      keyPrefix: r.string('REDIS_KEY_PREFIX', 'nsa:'),
    },
    logging: {
      level: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, nodeEnv === 'test' ? 'silent' : 'info'),
      pretty: r.bool('LOG_PRETTY', false),
    },
    metrics: {
      enabled: r.bool('METRICS_ENABLED', true),
      token: r.optional('METRICS_TOKEN'),
      port: r.raw('METRICS_PORT') === undefined ? undefined : r.int('METRICS_PORT', 9464, { min: 1, max: 65535 }),
    },
    rateLimit: {
      enabled: r.bool('RATE_LIMIT_ENABLED', true),
      authPerIp: r.int('RATE_LIMIT_AUTH_PER_IP', 60, { min: 1 }),
      authPerIdentity: r.int('RATE_LIMIT_AUTH_PER_IDENTITY', 20, { min: 1 }),
      oauthPerIp: r.int('RATE_LIMIT_OAUTH_PER_IP', 300, { min: 1 }),
      oauthPerClient: r.int('RATE_LIMIT_OAUTH_PER_CLIENT', 600, { min: 1 }),
      windowSeconds: r.int('RATE_LIMIT_WINDOW_SECONDS', 60, { min: 1, max: 3600 }),
    },
    // Off in production unless asked for: the document maps every route and error for whoever reads it.
    openapi: { enabled: r.bool('OPENAPI_ENABLED', !production) },
    benchRoutes: r.bool('BENCH_ROUTES', false),
    database: readDatabaseConfig(r, production),
    jwt: {
      // Unset, the issuer is where this API is reached from outside (PUBLIC_URL): a fixed localhost default would
      // put http://localhost:3000 into a production deployment's tokens and discovery documents.
      issuer: r.string('JWT_ISSUER', browser.publicUrl),
      audience: r.string('JWT_AUDIENCE', 'nest-social-auth'),
      algorithm: readSigningAlgorithm(r),
      accessTokenTtlSeconds: r.int('JWT_ACCESS_TTL_SECONDS', 900, { min: 30, max: 86400 }),
      privateKeys: r.pemList('JWT_PRIVATE_KEYS'),
      keysDir: r.string('JWT_KEYS_DIR', './data/keys'),
      checkSessionOnEachRequest: r.bool('JWT_CHECK_SESSION', false),
      sessionCheckCacheMs: r.int('JWT_SESSION_CHECK_CACHE_MS', 5000, { min: 0, max: 300000 }),
    },
    refresh: {
      ttlSeconds: r.int('REFRESH_TTL_SECONDS', 30 * 86400, { min: 60 }),
      reuseGraceSeconds: r.int('REFRESH_REUSE_GRACE_SECONDS', 0, { min: 0, max: 60 }),
    },
    audit: { retentionDays: r.int('AUDIT_RETENTION_DAYS', 90, { min: 1, max: 3650 }) },
    encryption: { keys: r.encryptionKeys('ENCRYPTION_KEYS', !production) },
    login: {
      allowedEmailDomains: r.list('LOGIN_ALLOWED_EMAIL_DOMAINS', []).map((d) => d.toLowerCase()),
      allowedEmails: r.list('LOGIN_ALLOWED_EMAILS', []).map((e) => e.toLowerCase()),
      pipeline: r.list('LOGIN_PIPELINE', DEFAULT_PIPELINE),
      protectedUserFields: r.list('LOGIN_PROTECTED_USER_FIELDS', []),
      nonceRequired: r.bool('LOGIN_NONCE_REQUIRED', false),
      nonceTtlSeconds: r.int('LOGIN_NONCE_TTL_SECONDS', 600, { min: 30, max: 3600 }),
      pendingTtlSeconds: r.int('LOGIN_PENDING_TTL_SECONDS', 600, { min: 1, max: 3600 }),
      linkTokenTtlSeconds: r.int('LOGIN_LINK_TOKEN_TTL_SECONDS', 600, { min: 1, max: 3600 }),
    },
    providers: parseProvidersConfig(r, production),
    browser,
    oauthServer: parseOAuthServerConfig(r),
  };
  const oauthIssuerProblem = config.oauthServer.enabled ? issuerProblem(config.jwt.issuer) : undefined;
  if (oauthIssuerProblem) r.problem('JWT_ISSUER', oauthIssuerProblem);
  if (production && config.jwt.privateKeys.length === 0) {
    r.problem('JWT_PRIVATE_KEYS', 'is required in production (generated keys are for development only)');
  }
  if (production && config.metrics.enabled && !config.metrics.token && config.metrics.port === undefined) {
    r.problem('METRICS_TOKEN', 'or METRICS_PORT is required in production, so /metrics is not open on the API port');
  }
  if (production && config.database.url === undefined && !config.database.allowSqliteInProduction) {
    r.problem('DATABASE_URL', 'is required in production: without it the data would go to a local SQLite file (set DATABASE_ALLOW_SQLITE_IN_PRODUCTION=true if that is meant)');
  }
  r.throwIfProblems(r.raw('NODE_ENV') === undefined ? 'NODE_ENV is not set, so production rules apply; `npm start` sets NODE_ENV=development to try it locally' : undefined);
  return config;
}
