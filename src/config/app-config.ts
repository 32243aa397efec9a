/**
 * The whole configuration, parsed once at boot from the environment into a typed tree. The variables and their
 * parsing are the zod schemas of src/config/settings/ (the catalogue, ADR 0028 and 0035); this file composes what
 * depends on several of them (defaults that follow NODE_ENV, production's refusals) into `AppConfig`, whose type
 * is what this composition returns. `loadConfig` collects every bad key and throws one `ConfigError` naming them
 * all, so an operator fixes a deployment in one pass instead of one crash per variable.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { browserFlowConfig } from './browser-flow-config.js';
import { productionOriginProblem } from './cors-origins.js';
import { EnvReader } from './env-reader.js';
import { issuerProblem, oauthServerConfig } from './oauth-server-config.js';
import type { PresetCatalog } from './preset-spec.js';
import { parseProvidersConfig } from './providers-config.js';
import { DATABASE, ENV, SERVER, TOKENS_AND_KEYS } from './settings/index.js';
import { TRUST_PROXY_TRUE_REFUSED } from './trust-proxy.js';

export { ConfigError } from './env-reader.js';
export { DEFAULT_PIPELINE } from './settings/auth.settings.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Unset NODE_ENV means production: every development convenience (a public encryption key, the dev IdP that signs
 * anyone in, generated signing keys) must be asked for by name, never reached by forgetting a variable
 * (docs/decisions/0014-production-by-default.md). `npm start` sets development explicitly.
 */
const PRODUCTION_NOTE = 'NODE_ENV is not set, so production rules apply; `npm start` sets NODE_ENV=development to try it locally';

/** Development only: a fixed, public key so a restarted dev server can still read its own rows. */
const DEV_ENCRYPTION_KEY = { id: 'dev', key: createHash('sha256').update('nest-social-auth development key').digest() };

function databaseConfig(env: z.output<typeof DATABASE>, production: boolean) {
  return {
    url: env.DATABASE_URL,
    sqlitePath: env.SQLITE_PATH,
    /** Production refuses SQLite (a forgotten DATABASE_URL) unless this says it is meant. */
    allowSqliteInProduction: env.DATABASE_ALLOW_SQLITE_IN_PRODUCTION,
    runMigrationsOnStart: env.DATABASE_MIGRATE_ON_START ?? !production,
    logging: env.DATABASE_LOGGING,
  };
}

/** Only the database settings: what the migration commands need, without the rest of a production config. */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): AppConfig['database'] {
  const r = new EnvReader(env);
  const database = databaseConfig(r.readAll(DATABASE), r.read('NODE_ENV', SERVER.shape.NODE_ENV) === 'production');
  r.throwIfProblems();
  return database;
}

/** JWT_ALGORITHM and JWT_PRIVATE_KEYS alone, for the key commands (src/cli/keys.ts), which need nothing else. */
export function loadSigningKeys(env: NodeJS.ProcessEnv = process.env) {
  const r = new EnvReader(env);
  const { JWT_PRIVATE_KEYS: pems, JWT_ALGORITHM: algorithm } = r.readAll(
    TOKENS_AND_KEYS.pick({ JWT_PRIVATE_KEYS: true, JWT_ALGORITHM: true }),
  );
  r.throwIfProblems();
  return { pems, algorithm };
}

function compose(r: EnvReader, presets: PresetCatalog) {
  // DEV_IDP_CLIENTS is read with the dev IdP's switch, which it needs (browserFlowConfig).
  const env = r.readAll(ENV.omit({ DEV_IDP_CLIENTS: true }));
  const nodeEnv = env.NODE_ENV;
  const production = nodeEnv === 'production';
  const browser = browserFlowConfig(env, r);
  const oauthServer = oauthServerConfig(env, r);
  // Unset, the issuer is where this API is reached from outside (PUBLIC_URL): a fixed localhost default would
  // put http://localhost:3000 into a production deployment's tokens and discovery documents.
  const issuer = env.JWT_ISSUER ?? browser.publicUrl;
  const issuerRefused = oauthServer.enabled ? issuerProblem(issuer) : undefined;
  if (issuerRefused) r.problem('JWT_ISSUER', issuerRefused);

  // Production's refusals: fail closed rather than run on a development default.
  if (production) {
    if (env.TRUST_PROXY === true) r.problem('TRUST_PROXY', TRUST_PROXY_TRUE_REFUSED);
    for (const problem of env.CORS_ORIGINS.map(productionOriginProblem)) if (problem) r.problem('CORS_ORIGINS', problem);
    if (env.JWT_PRIVATE_KEYS.length === 0 && !r.hasProblem('JWT_PRIVATE_KEYS'))
      r.problem('JWT_PRIVATE_KEYS', 'is required in production (generated keys are for development only)');
    if (env.ENCRYPTION_KEYS === undefined && !r.hasProblem('ENCRYPTION_KEYS'))
      r.problem('ENCRYPTION_KEYS', 'is required in production (id:base64-of-32-bytes, comma separated)');
    if (env.METRICS_ENABLED && !env.METRICS_TOKEN && env.METRICS_PORT === undefined)
      r.problem('METRICS_TOKEN', 'or METRICS_PORT is required in production, so /metrics is not open on the API port');
    if (env.DATABASE_URL === undefined && !env.DATABASE_ALLOW_SQLITE_IN_PRODUCTION && !r.hasProblem('DATABASE_URL')) {
      r.problem(
        'DATABASE_URL',
        'is required in production: without it the data would go to a local SQLite file (set DATABASE_ALLOW_SQLITE_IN_PRODUCTION=true if that is meant)',
      );
    }
  }

  return {
    nodeEnv,
    http: {
      // Outside production only this machine can reach us (the dev IdP signs anyone in): HOST=0.0.0.0 to share.
      // Production listens on every interface, as a container must (docs/deployment.md).
      host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
      port: env.PORT,
      corsOrigins: env.CORS_ORIGINS,
      /** Which X-Forwarded-For entries to believe: none, all (`true`, not in production), or those our proxies (these addresses) wrote. */
      trustProxy: env.TRUST_PROXY,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    /** Shared state across instances (one-time values, rate-limit counters, session revocations). Absent: in-memory. */
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    logging: { level: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'), pretty: env.LOG_PRETTY },
    metrics: {
      enabled: env.METRICS_ENABLED,
      /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
      token: env.METRICS_TOKEN,
      /** When set, metrics are served on this port (its own listener) instead of the API port. */
      port: env.METRICS_PORT,
    },
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      /** Requests per window to any /auth/* endpoint from one IP. */
      authPerIp: env.RATE_LIMIT_AUTH_PER_IP,
      /** Requests per window for one identity (a user, or a refresh-token family). */
      authPerIdentity: env.RATE_LIMIT_AUTH_PER_IDENTITY,
      /** Requests per window to /oauth's token-ish endpoints and interaction posts from one IP (ADR 0039). */
      oauthPerIp: env.RATE_LIMIT_OAUTH_PER_IP,
      /** Requests per window to /oauth's token-ish endpoints naming one client. */
      oauthPerClient: env.RATE_LIMIT_OAUTH_PER_CLIENT,
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
    },
    // Off in production unless asked for: the document maps every route and error for whoever reads it.
    openapi: { enabled: env.OPENAPI_ENABLED ?? !production },
    /** BENCH_ROUTES: the benchmark's stand-in user routes (src/bench-routes/), off unless set; never in a deployment. */
    benchRoutes: env.BENCH_ROUTES,
    database: databaseConfig(env, production),
    jwt: {
      issuer,
      audience: env.JWT_AUDIENCE,
      algorithm: env.JWT_ALGORITHM,
      accessTokenTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      /** PEM private keys; the first signs, all verify (rotation). Empty: generated and kept under `keysDir` (development/test only). */
      privateKeys: env.JWT_PRIVATE_KEYS,
      keysDir: env.JWT_KEYS_DIR,
      /** When on, every guarded request checks that the token's session is still alive (cached `sessionCheckCacheMs`). */
      checkSessionOnEachRequest: env.JWT_CHECK_SESSION,
      sessionCheckCacheMs: env.JWT_SESSION_CHECK_CACHE_MS,
    },
    refresh: { ttlSeconds: env.REFRESH_TTL_SECONDS, reuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS },
    /** How long `audit_events` rows (`GET /users/me/activity`) are kept. */
    audit: { retentionDays: env.AUDIT_RETENTION_DAYS },
    encryption: { keys: env.ENCRYPTION_KEYS ?? (production ? [] : [DEV_ENCRYPTION_KEY]) },
    login: {
      allowedEmailDomains: env.LOGIN_ALLOWED_EMAIL_DOMAINS,
      allowedEmails: env.LOGIN_ALLOWED_EMAILS,
      pipeline: env.LOGIN_PIPELINE,
      protectedUserFields: env.LOGIN_PROTECTED_USER_FIELDS,
      nonceRequired: env.LOGIN_NONCE_REQUIRED,
      nonceTtlSeconds: env.LOGIN_NONCE_TTL_SECONDS,
      /** Lifetime of the `pending_token` of a login paused for missing profile fields (`profile_incomplete`). */
      pendingTtlSeconds: env.LOGIN_PENDING_TTL_SECONDS,
      /** Lifetime of the `link_token` answered with `account_link_required`. */
      linkTokenTtlSeconds: env.LOGIN_LINK_TOKEN_TTL_SECONDS,
    },
    providers: parseProvidersConfig(r, { production, devIdpEnabled: browser.devIdp.enabled }, presets),
    /** Code exchange, the redirect flow, the demo page and the development identity provider. */
    browser,
    /** Our own authorization server for third-party applications (src/oauth-server/). */
    oauthServer,
  };
}

export type AppConfig = ReturnType<typeof compose>;
export type SigningAlgorithm = AppConfig['jwt']['algorithm'];

/** `presets`: the provider presets declarations may name; the app passes src/providers/presets/ (ADR 0034). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, presets: PresetCatalog = {}): AppConfig {
  const r = new EnvReader(env);
  const config = compose(r, presets);
  r.throwIfProblems(r.raw('NODE_ENV') === undefined ? PRODUCTION_NOTE : undefined);
  return config;
}
