import { corsOrigins } from '../cors-origins.js';
import { trustProxy } from '../trust-proxy.js';
import { bool, group, int, isHttpUrl, oneOf, pattern, string, variable } from './setting.js';

/** Without a trailing slash; production's rules (set, https) are in app-config.ts. */
const publicUrl = variable<string | undefined>(undefined, (value, report) => {
  const url = value.replace(/\/+$/, '');
  if (!isHttpUrl(url)) report(`must be an http(s) URL, got "${value}"`);
  else if (/[?#]/.test(url)) report('must have no query or fragment');
  return url;
});

/** Where and how the process runs: listening, logs, metrics, rate limits, storage. */
export const SERVER = group('Server', {
  NODE_ENV: oneOf(['development', 'production', 'test'], 'production').meta({
    example: 'production',
    description: 'production (also when unset), development or test; production refuses to boot without the settings marked required',
    production: true,
  }),
  HOST: string(undefined).meta({ default: '0.0.0.0 in production, 127.0.0.1 otherwise', description: 'the address to listen on' }),
  PORT: int(3000, { min: 0, max: 65535 }).meta({ description: 'the port to listen on' }),
  PUBLIC_URL: publicUrl.meta({
    default: 'http://localhost:$PORT',
    example: 'https://auth.example.com',
    description: "this API's external https URL: provider callbacks and the state cookie's Secure flag follow it",
    production: true,
  }),
  CORS_ORIGINS: corsOrigins.meta({
    example: 'https://app.example.com',
    description: 'comma-separated exact origins of the frontends allowed to call the API from a browser',
  }),
  TRUST_PROXY: trustProxy.meta({
    example: '10.0.0.0/8',
    description:
      "the addresses or CIDR ranges of the proxies whose X-Forwarded-For entries tell the client's IP (true is refused in production)",
  }),
  SHUTDOWN_TIMEOUT_MS: int(10_000, { min: 0, max: 120_000 }).meta({ description: 'on SIGTERM, how long requests in flight may finish' }),
  OPENAPI_ENABLED: bool(undefined).meta({
    default: 'true except in production',
    description: 'serve Swagger UI at /docs and the OpenAPI document at /docs-json',
  }),
  BENCH_ROUTES: bool(false).meta({
    description:
      'true adds GET /bench/notes (guarded) and GET /bench/public-notes, stand-ins for your own routes that npm run bench measures; never in a deployment',
  }),
});

export const LOGGING_AND_METRICS = group('Logging and metrics', {
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], undefined).meta({
    default: 'info (silent under NODE_ENV=test)',
    description: 'fatal, error, warn, info, debug, trace or silent',
  }),
  LOG_PRETTY: bool(false).meta({ description: 'one readable line per entry instead of JSON (development)' }),
  METRICS_ENABLED: bool(true).meta({ description: 'serve Prometheus metrics at GET /metrics' }),
  METRICS_TOKEN: string(undefined).meta({
    secret: true,
    description: 'the bearer token GET /metrics requires (production needs this or METRICS_PORT)',
    production: true,
  }),
  METRICS_PORT: int(undefined, { min: 1, max: 65535 }).meta({
    example: '9464',
    description: 'serve metrics on this port instead of the API port',
  }),
});

export const RATE_LIMITS = group('Rate limits', {
  RATE_LIMIT_ENABLED: bool(true).meta({
    description: 'limit requests to /auth/* and to /oauth endpoints that take secrets or codes (429 rate_limited with Retry-After)',
  }),
  RATE_LIMIT_AUTH_PER_IP: int(60, { min: 1 }).meta({ description: 'requests to /auth/* per window from one client IP' }),
  RATE_LIMIT_AUTH_PER_IDENTITY: int(20, { min: 1 }).meta({
    description: 'requests per window for one user, refresh token or provider token',
  }),
  RATE_LIMIT_OAUTH_PER_IP: int(300, { min: 1 }).meta({
    description:
      "requests per window from one client IP to the authorization server's token, introspection, revocation, registration and PAR endpoints and its sign-in and consent form posts",
  }),
  RATE_LIMIT_OAUTH_PER_CLIENT: int(600, { min: 1 }).meta({
    description:
      'successful (2xx) requests per window to those endpoints by one client; failed ones count per IP only (a busy partner backend refreshes for all its users)',
  }),
  RATE_LIMIT_WINDOW_SECONDS: int(60, { min: 1, max: 3600 }).meta({ description: 'the window of every limit' }),
});

export const DATABASE = group('Database', {
  // A URL with a password in it is a credential.
  DATABASE_URL: pattern(/^postgres(ql)?:\/\//, 'a postgres:// URL').meta({
    secret: true,
    description: 'postgres://user:password@host:5432/db; without it, SQLite (refused in production)',
    production: true,
  }),
  DATABASE_ALLOW_SQLITE_IN_PRODUCTION: bool(false).meta({ description: 'let production run on the SQLite file (one instance only)' }),
  SQLITE_PATH: string('./data/nest-social-auth.sqlite').meta({ description: 'the SQLite file, created on first start' }),
  DATABASE_MIGRATE_ON_START: bool(undefined).meta({
    default: 'true except in production',
    description: 'run pending migrations at boot; when false, a missing migration stops the boot',
  }),
  DATABASE_LOGGING: bool(false).meta({ description: 'log every SQL statement (debugging only: parameters include token hashes)' }),
  AUDIT_RETENTION_DAYS: int(90, { min: 1, max: 3650 }).meta({
    description: 'how long security events (GET /users/me/activity) are kept, 1 to 3650 days; older ones are deleted at boot and hourly',
  }),
});

export const REDIS = group('Redis', {
  REDIS_URL: pattern(/^rediss?:\/\//, 'a redis:// or rediss:// URL').meta({
    secret: true,
    description: 'redis:// or rediss://: one-time values, rate limits and session ends shared by every instance; without it, in memory',
  }),
  REDIS_KEY_PREFIX: string('nsa:').meta({ description: 'prefix of every key, so deployments can share one Redis' }),
});
