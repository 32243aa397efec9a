import type { Setting } from './setting.js';

/** Where and how the process runs: listening, logs, metrics, rate limits, storage. */
export const SERVER_SETTINGS: Setting[] = [
  { name: 'NODE_ENV', group: 'Server', default: 'production', example: 'production', description: 'production (also when unset), development or test; production refuses to boot without the settings marked required', production: true },
  { name: 'HOST', group: 'Server', default: '0.0.0.0 in production, 127.0.0.1 otherwise', description: 'the address to listen on' },
  { name: 'PORT', group: 'Server', default: '3000', description: 'the port to listen on' },
  { name: 'PUBLIC_URL', group: 'Server', default: 'http://localhost:$PORT', example: 'https://auth.example.com', description: "this API's external https URL: provider callbacks and the state cookie's Secure flag follow it", production: true },
  { name: 'CORS_ORIGINS', group: 'Server', default: '', example: 'https://app.example.com', description: 'comma-separated exact origins of the frontends allowed to call the API from a browser' },
  { name: 'TRUST_PROXY', group: 'Server', default: 'false', example: '10.0.0.0/8', description: "the addresses or CIDR ranges of the proxies whose X-Forwarded-For entries tell the client's IP (true is refused in production)" },
  { name: 'SHUTDOWN_TIMEOUT_MS', group: 'Server', default: '10000', description: 'on SIGTERM, how long requests in flight may finish' },
  { name: 'OPENAPI_ENABLED', group: 'Server', default: 'true except in production', description: 'serve Swagger UI at /docs and the OpenAPI document at /docs-json' },
  { name: 'BENCH_ROUTES', group: 'Server', default: 'false', description: 'true adds GET /bench/notes (guarded) and GET /bench/public-notes, stand-ins for your own routes that npm run bench measures; never in a deployment' },

  { name: 'LOG_LEVEL', group: 'Logging and metrics', default: 'info (silent under NODE_ENV=test)', description: 'fatal, error, warn, info, debug, trace or silent' },
  { name: 'LOG_PRETTY', group: 'Logging and metrics', default: 'false', description: 'one readable line per entry instead of JSON (development)' },
  { name: 'METRICS_ENABLED', group: 'Logging and metrics', default: 'true', description: 'serve Prometheus metrics at GET /metrics' },
  { name: 'METRICS_TOKEN', group: 'Logging and metrics', default: '', secret: true, description: 'the bearer token GET /metrics requires (production needs this or METRICS_PORT)', production: true },
  { name: 'METRICS_PORT', group: 'Logging and metrics', default: '', example: '9464', description: 'serve metrics on this port instead of the API port' },

  { name: 'RATE_LIMIT_ENABLED', group: 'Rate limits', default: 'true', description: 'limit requests to /auth/* and to /oauth endpoints that take secrets or codes (429 rate_limited with Retry-After)' },
  { name: 'RATE_LIMIT_AUTH_PER_IP', group: 'Rate limits', default: '60', description: 'requests to /auth/* per window from one client IP' },
  { name: 'RATE_LIMIT_AUTH_PER_IDENTITY', group: 'Rate limits', default: '20', description: 'requests per window for one user, refresh token or provider token' },
  { name: 'RATE_LIMIT_OAUTH_PER_IP', group: 'Rate limits', default: '300', description: "requests per window from one client IP to the authorization server's token, introspection, revocation, registration and PAR endpoints and its sign-in and consent form posts" },
  { name: 'RATE_LIMIT_OAUTH_PER_CLIENT', group: 'Rate limits', default: '600', description: 'requests per window to those endpoints naming one client_id (a busy partner backend refreshes for all its users)' },
  { name: 'RATE_LIMIT_WINDOW_SECONDS', group: 'Rate limits', default: '60', description: 'the window of every limit' },

  // A URL with a password in it is a credential.
  { name: 'DATABASE_URL', group: 'Database', default: '', secret: true, description: 'postgres://user:password@host:5432/db; without it, SQLite (refused in production)', production: true },
  { name: 'DATABASE_ALLOW_SQLITE_IN_PRODUCTION', group: 'Database', default: 'false', description: 'let production run on the SQLite file (one instance only)' },
  { name: 'SQLITE_PATH', group: 'Database', default: './data/nest-social-auth.sqlite', description: 'the SQLite file, created on first start' },
  { name: 'DATABASE_MIGRATE_ON_START', group: 'Database', default: 'true except in production', description: 'run pending migrations at boot; when false, a missing migration stops the boot' },
  { name: 'DATABASE_LOGGING', group: 'Database', default: 'false', description: 'log every SQL statement (debugging only: parameters include token hashes)' },

  { name: 'AUDIT_RETENTION_DAYS', group: 'Database', default: '90', description: 'how long security events (GET /users/me/activity) are kept, 1 to 3650 days; older ones are deleted at boot and hourly' },

  { name: 'REDIS_URL', group: 'Redis', default: '', secret: true, description: 'redis:// or rediss://: one-time values, rate limits and session ends shared by every instance; without it, in memory' },
  { name: 'REDIS_KEY_PREFIX', group: 'Redis', default: 'nsa:', description: 'prefix of every key, so deployments can share one Redis' },
];
