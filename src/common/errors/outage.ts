/**
 * Is this error a store we depend on being unreachable or refusing work for now (the database, Redis), rather
 * than a bug or bad input? Such an error answers `503 service_unavailable` with `Retry-After`
 * (HttpErrorFilter), like `/health/ready` does, so clients and load balancers retry instead of giving up on a 500.
 *
 * Recognised by code where the driver gives one, by message where it does not (pg's pool and client raise plain
 * `Error`s for a lost connection or an acquisition timeout; ioredis for a closed stream). The wrappers are
 * looked through: TypeORM's `QueryFailedError.driverError`, `cause` chains, and `AggregateError`s (Node's
 * happy-eyeballs connect rejects with one).
 */
export function isStoreOutage(error: unknown): boolean {
  return someInChain(error, (e) => {
    const code = typeof e.code === 'string' ? e.code : '';
    if (code && (SYSTEM_CODES.has(code) || isPostgresOutage(code) || isSqliteOutage(code))) return true;
    if (e.name === 'MaxRetriesPerRequestError') return true;
    const message = typeof e.message === 'string' ? e.message : '';
    return OUTAGE_MESSAGES.some((pattern) => pattern.test(message));
  });
}

/** Socket-level failures, whoever raised them (pg, ioredis, Node's net). */
const SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE classes and codes that say "the server cannot serve you now": 08 connection exception, 53 insufficient
 * resources (too many connections, disk full, out of memory), 57P01-57P03 shutdown / cannot connect now, and
 * 57014 query_canceled (our statement_timeout fired on an overloaded server). Not 40001/40P01 (serialization,
 * deadlock): those are for the transaction to retry, and not class 23 (constraints), 22 (data), 42 (our SQL).
 */
function isPostgresOutage(code: string): boolean {
  return /^(08|53)[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '57014';
}

/** better-sqlite3 error codes, extended ones included (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE, …). */
function isSqliteOutage(code: string): boolean {
  return /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|NOMEM|PROTOCOL)(_|$)/.test(code);
}

const OUTAGE_MESSAGES = [
  // pg (pool and client)
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
  /is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
  // ioredis, with enableOfflineQueue: false (src/redis/redis.module.ts)
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Connection is closed\.$/,
  // Redis server replies while it cannot serve
  /^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY) /,
];

type Inspectable = { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; driverError?: unknown; errors?: unknown };

/** Depth-bounded: a cause cycle (or an absurd chain) must not hang or blow the stack of the error path. */
function someInChain(error: unknown, test: (e: Inspectable) => boolean, depth = 0): boolean {
  if (depth > 8 || typeof error !== 'object' || error === null) return false;
  const e = error as Inspectable;
  if (test(e)) return true;
  const nested = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : [])];
  return nested.some((n) => n !== error && someInChain(n, test, depth + 1));
}
