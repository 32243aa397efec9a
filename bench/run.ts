/**
 * `npm run bench`: throughput of the guarded route and of logins against a bare `node:http` baseline, and the
 * server's memory after 20,000+ logins. See bench/README.md for what each row means.
 *
 * The servers run as child processes (servers.ts), the load comes from autocannon in this process (load.ts), and
 * Google is the test suite's FakeGoogle, also in this process. Progress goes to stderr, the report to stdout.
 * Exit code: 0 when every scenario ran without a non-2xx answer or socket error (targets missed are reported,
 * not fatal), 1 when a scenario was flagged or the bench itself failed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { hashClientSecret } from '../src/oauth-server/applications/application-secrets.js';
import { FakeGoogle } from '../test/fakes/google.fake.js';
import { DEFAULT_LOAD_SETTINGS, describeLoadSettings, runLoad, type LoadResult, type LoadSettings, type LoadSpec, type PhaseCounts } from './load.js';
import { cpuSnapshot, interference } from './machine.js';
import { killAllSync, startAppServers, startBaseline, stopAll, type ChildServer } from './servers.js';

const CLIENT_ID = 'bench-client';
/** The RSS row is read after at least this many successful logins on the server. */
const LOGINS_BEFORE_RSS = 20_000;
const RSS_LIMIT_BYTES = 150 * 1024 * 1024;
const GUARDED_TARGET_RATIO = 0.3;
/**
 * First-login ID tokens are signed before the scenario (~0.35 ms each): enough for warm-up + measured seconds at
 * the returning-login rate or at POOL_MIN_RATE, whichever is higher, times POOL_MARGIN. First logins can be faster
 * than returning ones (on PostgreSQL, 50 concurrent logins of one user queue on that user's rows).
 */
const POOL_MIN_RATE = 1_500;
const POOL_MARGIN = 1.3;
const POOL_MAX = 60_000;
/**
 * Server settings besides the ones servers.ts always sets (port, database, keys, fake Google). The /auth rate
 * limiter would answer 429 after 60 logins a minute from our one IP (20 per identity): its limits are raised out
 * of reach, so its cost is measured but it never rejects.
 */
const SERVER_ENV: Record<string, string> = {
  NO_COLOR: '1',
  // Development-only tools (NODE_ENV=development switches them on): a deployment never runs them, and the dev
  // IdP alone loads oidc-provider and Koa (~40 MB of RSS). Override with BENCH_SERVER_ENV_DEV_IDP_ENABLED=true.
  DEV_IDP_ENABLED: 'false',
  DEMO_ENABLED: 'false',
  RATE_LIMIT_AUTH_PER_IP: '1000000000',
  RATE_LIMIT_AUTH_PER_IDENTITY: '1000000000',
};
/** Other processes using more than this many CPUs during a scenario make its numbers suspect. */
const NOISE_WARN_CPUS = 0.15;
const MB = 1024 * 1024;

const runId = randomBytes(4).toString('hex');
/** BENCH_ONLY=token-endpoint: the baseline and the token endpoint rows (6, 7) only, on one instance per database. */
const TOKEN_ENDPOINT_ONLY = process.env.BENCH_ONLY === 'token-endpoint';
/** `JWT_ALGORITHM` and every `BENCH_SERVER_ENV_<NAME>` of the bench's environment, passed to the server as `<NAME>`. */
const serverEnvOverrides: Record<string, string> = Object.fromEntries([
  ...(process.env.JWT_ALGORITHM ? [['JWT_ALGORITHM', process.env.JWT_ALGORITHM]] : []),
  ...Object.entries(process.env)
    .filter(([key, value]) => key.startsWith('BENCH_SERVER_ENV_') && value !== undefined)
    .map(([key, value]) => [key.slice('BENCH_SERVER_ENV_'.length), value!]),
]);
const settings: LoadSettings = {
  ...DEFAULT_LOAD_SETTINGS,
  connections: envInt('BENCH_CONNECTIONS', DEFAULT_LOAD_SETTINGS.connections),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', DEFAULT_LOAD_SETTINGS.warmupSeconds),
  durationSeconds: envInt('BENCH_DURATION_SECONDS', DEFAULT_LOAD_SETTINGS.durationSeconds),
};

// ---------------------------------------------------------------------------------------------------------------
// Results

interface Row {
  scenario: string;
  db: string;
  result: string;
  ratio: string;
  /** Two-instance result / one-instance result of the same database set-up ('-' on one-instance rows). */
  vsOne: string;
  target: string;
  verdict: string;
  p50: string;
  p99: string;
  ok: string;
  non2xx: string;
  errors: string;
  noise: string;
}

/** A load phase as kept for the table: the quietest of its attempts. */
interface Measured extends LoadResult {
  /** CPUs' worth of time other processes on the machine used meanwhile. */
  otherCpus: number;
}

/** Problems worth a reader's attention; any of them makes the exit code 1. */
const flags: string[] = [];
/** Worth knowing, not a failure. */
const notes: string[] = [];

interface Database {
  /** As printed in the table: 'SQLite', 'PostgreSQL', 'PostgreSQL+Redis'. */
  label: string;
  key: string;
  url?: string;
  /** REDIS_URL and this run's REDIS_KEY_PREFIX for the servers, when Redis is used. */
  redis?: { url: string; keyPrefix: string };
}

/** Rows 2-4 of one set-up, for the two-instance comparison. */
interface SetupResults {
  me: Measured;
  returning: Measured;
  first: Measured;
}

// ---------------------------------------------------------------------------------------------------------------
// Orchestration

const tmpDir = mkdtempSync(join(tmpdir(), 'nest-social-auth-bench-'));
const google = new FakeGoogle();
const disposers: Array<() => Promise<void>> = [];

async function main(): Promise<void> {
  const rows: Row[] = [];
  await google.start();
  progress(`temp dir ${tmpDir}; FakeGoogle at ${google.baseUrl}`);

  const baseline = await measureBaseline();
  rows.push(throughputRow('1. Baseline: node:http JSON hello', '-', baseline, baseline.okPerSecond, 'req/s'));

  const { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } = process.env;
  const databases: Database[] = [{ label: 'SQLite', key: 'sqlite' }];
  if (databaseUrl && redisUrl) {
    databases.push({ label: 'PostgreSQL+Redis', key: 'postgres', url: await preparePostgres(databaseUrl, ''), redis: await prepareRedis(redisUrl, 'one') });
  } else if (databaseUrl) {
    databases.push({ label: 'PostgreSQL', key: 'postgres', url: await preparePostgres(databaseUrl, '') });
    notes.push('REDIS_URL is not set: PostgreSQL rows run without Redis (in-memory stores), the two-instance set-up is skipped.');
  } else {
    notes.push(`DATABASE_URL is not set: PostgreSQL rows${redisUrl ? ' (and Redis)' : ''} and the two-instance set-up skipped.`);
  }

  let last: SetupResults | undefined;
  for (const db of databases) {
    const measured = await measureServer(db, baseline.okPerSecond);
    rows.push(...measured.rows);
    last = measured.results;
  }

  if (databaseUrl && redisUrl && last) {
    // A fresh schema and key prefix, so that row 4 starts from an empty users table as in the one-instance run.
    const cluster: Database = {
      label: '2 instances (PostgreSQL+Redis)', key: 'postgres2', url: await preparePostgres(databaseUrl, '_2'), redis: await prepareRedis(redisUrl, 'two'),
    };
    rows.push(...(await measureInstances(cluster, 2, baseline.okPerSecond, last)));
    notes.push('The two-instance rows share 2 CPUs between two server processes, the load generator, PostgreSQL and Redis ' +
      `(this machine has ${cpus().length}): "x one instance" measures contention for those cores as much as scaling; ` +
      'on a machine with a core per instance it would be higher.');
  }

  printReport(rows);
}

async function measureBaseline(): Promise<Measured> {
  const server = await startBaseline(tmpDir);
  try {
    return await scenario([server], 'Baseline (node:http)', [{ url: `${server.url}/`, settings }], { retryIfNoisy: true });
  } finally {
    await server.stop();
  }
}

/**
 * Scenarios 2-5 against one server process, in this order, so that the RSS row covers every login before it.
 * (`startAppServers(n)` can start several instances for a later load-balanced set-up; this uses one.)
 */
async function measureServer(db: Database, baselineRate: number): Promise<{ rows: Row[]; results: SetupResults | undefined }> {
  const servers = await startServers(db, 1);
  const server = servers[0]!;
  try {
    const bootRss = server.memory().rssBytes;
    const rows: Row[] = [];
    const loginUrl = `${server.url}/auth/google/token`;
    const jsonPost = { method: 'POST' as const, headers: { 'content-type': 'application/json' } };
    // A PostgreSQL on this machine works for the server: its CPU time is not "other processes".
    const alsoUnderTest = servicesUnderTest(db);
    let logins = 0;
    const countLogins = (r: LoadResult): void => {
      logins += r.ok + (r.warmup?.ok ?? 0);
    };

    // One real login first: it creates the returning user and yields the access token for /users/me.
    const returningBody = JSON.stringify({ id_token: await google.signIdToken(identityClaims('returning')) });
    const accessToken = await loginOnce(server, returningBody);
    logins++;

    let results: SetupResults | undefined;
    if (!TOKEN_ENDPOINT_ONLY) {
      // 2. The guarded route: JWT verification plus one user lookup.
      const me = await scenario(servers, `GET /users/me (${db.label})`, [{
        url: `${server.url}/users/me`, headers: { authorization: `Bearer ${accessToken}` }, settings, sampleErrorBodies: true,
        expectInBody: '"username"',
      }], { retryIfNoisy: true, alsoUnderTest });
      const meRatio = me.okPerSecond / baselineRate;
      rows.push(throughputRow('2. GET /users/me (guarded)', db.label, me, baselineRate, 'req/s',
        `>= ${GUARDED_TARGET_RATIO.toFixed(2)}`, meRatio >= GUARDED_TARGET_RATIO ? 'PASS' : 'MISS'));

      // 3. The same ID token again and again: one existing user logging in (a new session each time).
      const returning = await scenario(servers, `returning-user logins (${db.label})`, [{
        url: loginUrl, ...jsonPost, body: returningBody, settings, sampleErrorBodies: true, expectInBody: '"is_new_user":false',
      }], { retryIfNoisy: true, onAttempt: countLogins, alsoUnderTest });
      rows.push(throughputRow('3. Login, returning user', db.label, returning, baselineRate, 'logins/s'));

      // 4. A new identity on every request. Not repeated when noisy: the pre-signed identities would run out.
      const seconds = settings.warmupSeconds + settings.durationSeconds;
      const poolSize = Math.min(POOL_MAX, Math.ceil(Math.max(returning.okPerSecond, POOL_MIN_RATE) * seconds * POOL_MARGIN));
      const pool = await newIdentityPool(poolSize, db.key);
      const first = await scenario(servers, `first logins (${db.label}, ${pool.size} pre-signed identities)`, [{
        url: loginUrl, ...jsonPost, nextBody: pool.next, settings, sampleErrorBodies: true, expectInBody: '"is_new_user":true',
      }], { onAttempt: countLogins, alsoUnderTest });
      rows.push(throughputRow('4. Login, first login (new user)', db.label, first, baselineRate, 'logins/s'));
      if (pool.reused() > 0) {
        flags.push(`First login (${db.label}): the ${pool.size} pre-signed identities ran out; ${pool.reused()} requests reused one ` +
          '(returning logins counted as first logins). Raise POOL_MIN_RATE or POOL_MARGIN in bench/run.ts.');
      }

      // 5. Top up to LOGINS_BEFORE_RSS with returning-user logins, then read the server's memory.
      for (let round = 0; logins < LOGINS_BEFORE_RSS && round < 3; round++) {
        const missing = LOGINS_BEFORE_RSS - logins;
        await scenario(servers, `${missing} extra returning-user logins before reading RSS (${db.label})`, [{
          url: loginUrl, ...jsonPost, body: returningBody, amount: Math.max(missing, settings.connections), settings, sampleErrorBodies: true,
          expectInBody: '"is_new_user":false',
        }], { onAttempt: countLogins, alsoUnderTest });
      }
      const memory = server.memory();
      rows.push({
        scenario: `5. Server RSS after ${fmtInt(logins)} logins`,
        db: db.label,
        result: `${(memory.rssBytes / MB).toFixed(1)} MB`,
        ratio: '-',
        vsOne: '-',
        target: `< ${RSS_LIMIT_BYTES / MB} MB`,
        verdict: logins < LOGINS_BEFORE_RSS ? 'INCOMPLETE' : memory.rssBytes < RSS_LIMIT_BYTES ? 'PASS' : 'MISS',
        p50: '-', p99: '-', ok: '-', non2xx: '-', errors: '-', noise: '-',
      });
      notes.push(`${db.label} server RSS: ${(bootRss / MB).toFixed(1)} MB after boot, ${(memory.rssBytes / MB).toFixed(1)} MB after ` +
        `${fmtInt(logins)} logins, peak (VmHWM) ${(memory.peakRssBytes / MB).toFixed(1)} MB.`);
      if (logins < LOGINS_BEFORE_RSS) flags.push(`${db.label}: only ${logins} logins succeeded before the RSS reading (wanted ${LOGINS_BEFORE_RSS}).`);
      results = { me, returning, first };
    }
    // 6. Our authorization server's token endpoint: a machine client's client_credentials grant (client
    // authentication by hashed secret, an RFC 9068 JWT signed) — a third-party application's hot path.
    const machine = await registerClient(db, 'machine', ['client_credentials'], ['profile:read']);
    const cc = await scenario(servers, `POST /oauth/token client_credentials (${db.label})`, [{
      url: `${server.url}/oauth/token`, method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${machine.clientId}:${machine.secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials&scope=profile%3Aread', settings, sampleErrorBodies: true, expectInBody: '"access_token"',
    }], { retryIfNoisy: true, alsoUnderTest });
    rows.push(throughputRow('6. Token endpoint, client_credentials', db.label, cc, baselineRate, 'tokens/s'));

    // 7. The refresh_token grant as clients use it: every answer's refresh token is sent once, in a later request
    // (bench/load.ts `chained`); chains start from refresh tokens stored for the returning user, one grant each.
    const webApp = await registerClient(db, 'web', ['authorization_code', 'refresh_token'], ['openid', 'offline_access', 'profile:read']);
    const seeds = await seedRefreshTokens(db, webApp.clientId, subjectOf(accessToken), await resourceOf(server), settings.connections * 4);
    const basic = `Basic ${Buffer.from(`${webApp.clientId}:${webApp.secret}`).toString('base64')}`;
    const refreshBody = (token: string) => `grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}`;
    const refreshed = await scenario(servers, `POST /oauth/token refresh_token (${db.label})`, [{
      url: `${server.url}/oauth/token`, method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      chained: {
        first: () => refreshBody(seeds.next()),
        next: (answer) => {
          const token = (JSON.parse(answer) as { refresh_token?: unknown }).refresh_token;
          return typeof token === 'string' ? refreshBody(token) : undefined;
        },
      },
      settings, sampleErrorBodies: true, expectInBody: '"refresh_token"',
    }], { retryIfNoisy: true, alsoUnderTest });
    rows.push(throughputRow('7. Token endpoint, refresh_token', db.label, refreshed, baselineRate, 'tokens/s'));
    if (seeds.ranOut()) flags.push(`Refresh tokens (${db.label}): the seeded refresh tokens ran out; some chains reused one (and failed).`);

    await reportServerLog(db.label, server);
    return { rows, results };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/**
 * Rows 2-4 against `count` server processes sharing the database, Redis and the signing key. The load is spread by
 * running one autocannon per instance at the same time (settings.connections / count connections each, same
 * warm-up and duration) and summing their results; no balancer process competes for the cores.
 */
async function measureInstances(db: Database, count: number, baselineRate: number, single: SetupResults): Promise<Row[]> {
  const servers = await startServers(db, count);
  try {
    const rows: Row[] = [];
    const perInstance: LoadSettings = { ...settings, connections: Math.max(1, Math.round(settings.connections / count)) };
    const jsonPost = { method: 'POST' as const, headers: { 'content-type': 'application/json' } };
    const alsoUnderTest = servicesUnderTest(db);
    const vsOne = (r: Measured, one: Measured): string => {
      if (r.otherCpus > NOISE_WARN_CPUS || one.otherCpus > NOISE_WARN_CPUS) {
        notes.push(`WARNING: "x one instance" of "${r.title}" compares runs during which other processes used ${one.otherCpus.toFixed(2)} ` +
          `(one instance) and ${r.otherCpus.toFixed(2)} CPUs (two instances): the ratio is unreliable.`);
      }
      return one.okPerSecond > 0 ? (r.okPerSecond / one.okPerSecond).toFixed(2) : '-';
    };

    // One login on the first instance; the access token must work on every instance (shared signing key).
    const returningBody = JSON.stringify({ id_token: await google.signIdToken(identityClaims(`returning-${db.key}`)) });
    const accessToken = await loginOnce(servers[0]!, returningBody);
    for (const server of servers.slice(1)) {
      const me = await fetch(`${server.url}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      const text = await me.text();
      if (me.status !== 200) throw new Error(`${server.name}: GET /users/me with a token of ${servers[0]!.name} answered ${me.status}: ${text.slice(0, 300)}`);
    }

    const me = await scenario(servers, `GET /users/me (${db.label})`, servers.map((s) => ({
      url: `${s.url}/users/me`, headers: { authorization: `Bearer ${accessToken}` }, settings: perInstance, sampleErrorBodies: true,
      expectInBody: '"username"',
    })), { retryIfNoisy: true, alsoUnderTest });
    const meRatio = me.okPerSecond / baselineRate;
    rows.push({ ...throughputRow('2. GET /users/me (guarded)', db.label, me, baselineRate, 'req/s',
      `>= ${GUARDED_TARGET_RATIO.toFixed(2)}`, meRatio >= GUARDED_TARGET_RATIO ? 'PASS' : 'MISS'), vsOne: vsOne(me, single.me) });

    const returning = await scenario(servers, `returning-user logins (${db.label})`, servers.map((s) => ({
      url: `${s.url}/auth/google/token`, ...jsonPost, body: returningBody, settings: perInstance, sampleErrorBodies: true,
      expectInBody: '"is_new_user":false',
    })), { retryIfNoisy: true, alsoUnderTest });
    rows.push({ ...throughputRow('3. Login, returning user', db.label, returning, baselineRate, 'logins/s'), vsOne: vsOne(returning, single.returning) });

    const seconds = settings.warmupSeconds + settings.durationSeconds;
    const poolSize = Math.min(POOL_MAX, Math.ceil(Math.max(returning.okPerSecond, single.first.okPerSecond, POOL_MIN_RATE) * seconds * POOL_MARGIN));
    const pool = await newIdentityPool(poolSize, db.key);
    const first = await scenario(servers, `first logins (${db.label}, ${pool.size} pre-signed identities)`, servers.map((s) => ({
      url: `${s.url}/auth/google/token`, ...jsonPost, nextBody: pool.next, settings: perInstance, sampleErrorBodies: true,
      expectInBody: '"is_new_user":true',
    })), { alsoUnderTest });
    rows.push({ ...throughputRow('4. Login, first login (new user)', db.label, first, baselineRate, 'logins/s'), vsOne: vsOne(first, single.first) });
    if (pool.reused() > 0) {
      flags.push(`First login (${db.label}): the ${pool.size} pre-signed identities ran out; ${pool.reused()} requests reused one ` +
        '(returning logins counted as first logins). Raise POOL_MIN_RATE or POOL_MARGIN in bench/run.ts.');
    }

    notes.push(`${db.label}: server RSS at the end ${servers.map((s) => `${(s.memory().rssBytes / MB).toFixed(1)} MB`).join(' and ')} ` +
      `(peak ${servers.map((s) => `${(s.memory().peakRssBytes / MB).toFixed(1)} MB`).join(' and ')}); no RSS row (fewer logins each).`);
    for (const [i, server] of servers.entries()) await reportServerLog(`${db.label} instance ${i + 1}`, server);
    return rows;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function startServers(db: Database, count: number): Promise<ChildServer[]> {
  return startAppServers(count, {
    tmpDir,
    label: db.key,
    google: { jwksUrl: google.jwksUrl, tokeninfoUrl: google.tokeninfoUrl, userinfoUrl: google.userinfoUrl },
    googleClientId: CLIENT_ID,
    databaseUrl: db.url,
    extraEnv: {
      ...SERVER_ENV,
      ...(db.redis && { REDIS_URL: db.redis.url, REDIS_KEY_PREFIX: db.redis.keyPrefix }),
      ...serverEnvOverrides,
    },
    nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean),
  });
}

/**
 * A confidential application written straight into the server's database, as `npm run apps -- create` would: the
 * secret's hash only (src/oauth-server/applications/application-secrets.ts).
 */
async function registerClient(db: Database, kind: string, grants: string[], scopes: string[]): Promise<{ clientId: string; secret: string }> {
  const clientId = `bench-${runId}-${db.key}-${kind}`;
  const secret = randomBytes(32).toString('base64url');
  const redirectUris = grants.includes('authorization_code') ? ['https://bench.example/callback'] : [];
  const values = [clientId, `Bench ${kind}`, 'confidential', hashClientSecret(secret), JSON.stringify(redirectUris), JSON.stringify(grants), JSON.stringify(scopes)];
  const columns = '"clientId", "name", "type", "secretHash", "redirectUris", "grantTypes", "scopes"';
  await insertRows(db, 'oauth_applications', columns, [values]);
  return { clientId, secret };
}

/**
 * `count` refresh tokens, each of its own grant (user `accountId` to `clientId`, `openid profile:read`: a reuse
 * revokes one chain only), stored as our adapter stores what oidc-provider issues at the end of a code flow
 * (src/oauth-server/adapter.ts: ids as SHA-256), so a load can start without a browser. Each is handed out once.
 */
async function seedRefreshTokens(db: Database, clientId: string, accountId: string, resource: string, count: number): Promise<{ next: () => string; ranOut: () => boolean }> {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  const now = new Date();
  const iat = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date(now.getTime() + 86_400_000);
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const at = (date: Date) => (db.url ? date : date.toISOString().replace('T', ' ').replace('Z', ''));
  const columns = '"model", "idHash", "payload", "grantIdHash", "accountId", "clientId", "expiresAt", "createdAt"';
  const grant = { iat, exp, accountId, clientId, kind: 'Grant', openid: { scope: 'openid' }, resources: { [resource]: 'openid profile:read' } };
  const rows: unknown[][] = [];
  const tokens = Array.from({ length: count }, () => randomBytes(32).toString('base64url'));
  for (const token of tokens) {
    const grantId = randomBytes(32).toString('base64url');
    rows.push(['Grant', sha256(grantId), JSON.stringify(grant), sha256(grantId), accountId, clientId, at(expiresAt), at(now)]);
    const payload = {
      iat, exp, accountId, amr: ['fed'], authTime: iat, grantId, gty: 'authorization_code', resource, rotations: 0,
      scope: 'openid profile:read', kind: 'RefreshToken', clientId, iiat: iat,
    };
    rows.push(['RefreshToken', sha256(token), JSON.stringify(payload), sha256(grantId), accountId, clientId, at(expiresAt), at(now)]);
  }
  await insertRows(db, 'oauth_records', columns, rows);
  let handedOut = 0;
  return { next: () => tokens[handedOut++ % tokens.length]!, ranOut: () => handedOut > tokens.length };
}

async function insertRows(db: Database, table: string, columns: string, rows: unknown[][]): Promise<void> {
  const width = rows[0]!.length;
  if (db.url) {
    await withPg(db.url, async (client) => {
      for (const values of rows) await client.query(`INSERT INTO ${table} (${columns}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    });
  } else {
    const sqlite = new SqliteDatabase(join(tmpDir, `${db.key}.sqlite`));
    try {
      const insert = sqlite.prepare(`INSERT INTO ${table} (${columns}) VALUES (${Array(width).fill('?').join(', ')})`);
      sqlite.transaction(() => rows.forEach((values) => insert.run(...(values as unknown[]))))();
    } finally {
      sqlite.close();
    }
  }
}

/** The `sub` of our access token (the returning user's id). */
function subjectOf(accessToken: string): string {
  return (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
}

/** Our API's resource indicator, as the server publishes it (RFC 9728): the audience its refresh tokens are for. */
async function resourceOf(server: ChildServer): Promise<string> {
  const response = await fetch(`${server.url}/.well-known/oauth-protected-resource`);
  return ((await response.json()) as { resource: string }).resource;
}

/** A PostgreSQL and a Redis on this machine work for our server: their CPU time is not "other processes". */
function servicesUnderTest(db: Database): string[] {
  return [
    ...(db.url && isLoopback(new URL(db.url).hostname) ? ['postgres'] : []),
    ...(db.redis && isLoopback(new URL(db.redis.url).hostname) ? ['redis-server'] : []),
  ];
}

interface ScenarioOptions {
  /** Run it once more if other processes took more than NOISE_WARN_CPUS meanwhile, and keep the quieter run. */
  retryIfNoisy?: boolean;
  /** Sees every attempt, kept or not (to count the logins the server has done). */
  onAttempt?: (result: LoadResult) => void;
  /** Names of other processes working for the server (a local `postgres`), not counted as "other CPU". */
  alsoUnderTest?: string[];
}

/**
 * Runs one load phase (twice at most, see ScenarioOptions), flags its errors, and checks the servers are still alive.
 * Several specs (one per server instance) run at the same time and their results are summed (combineResults).
 */
async function scenario(servers: ChildServer[], what: string, specs: Array<Omit<LoadSpec, 'title'>>, options: ScenarioOptions = {}): Promise<Measured> {
  const spec = specs[0]!;
  const how = (spec.amount !== undefined ? `${spec.amount} requests` : `${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s`) +
    (specs.length > 1 ? `, ${specs.length} autocannon runs at once (${spec.settings?.connections ?? settings.connections} connections each)` : '');
  const pids = [process.pid, ...servers.map((s) => s.pid)];
  const attempts = options.retryIfNoisy ? 2 : 1;
  let kept: Measured | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const label = attempt > 1 ? `${what} (attempt ${attempt})` : what;
    progress(`${label}: ${how} ...`);
    const before = cpuSnapshot(pids, options.alsoUnderTest);
    const results = await Promise.all(specs.map((s) => runLoad({ title: what, ...s })));
    const result = results.length === 1 ? results[0]! : combineResults(results);
    const { otherCpus } = interference(before, cpuSnapshot(pids, options.alsoUnderTest));
    progress(`  ${fmtInt(result.okPerSecond)} 2xx/s, ${result.non2xx} non-2xx, ${result.errors} errors; other processes used ${otherCpus.toFixed(2)} CPUs`);
    options.onAttempt?.(result);
    checkForErrors(label, result);
    for (const server of servers) {
      const exit = server.exitStatus();
      if (exit) throw new Error(`${server.name} ${exit} during "${label}"\n--- last lines of its log ---\n${server.logTail()}`);
    }
    if (!kept || otherCpus < kept.otherCpus) kept = { ...result, otherCpus };
    if (otherCpus <= NOISE_WARN_CPUS) break;
    if (attempt < attempts) progress('  the machine was busy with other work: running it again');
  }
  if (kept!.otherCpus > NOISE_WARN_CPUS) {
    notes.push(`WARNING: other processes used ${kept!.otherCpus.toFixed(2)} CPUs during "${what}": its numbers are low by an unknown amount.`);
  }
  return kept!;
}

/**
 * The sum of load phases that ran at the same time against different instances: counts and 2xx/s add up; the
 * latency percentiles cannot be merged from autocannon's summaries, so the higher of the runs' p50 / p99 is kept.
 */
function combineResults(results: LoadResult[]): LoadResult {
  const sumCounts = (phases: PhaseCounts[]): PhaseCounts => {
    const statusCodes: Record<string, number> = {};
    for (const p of phases) for (const [code, n] of Object.entries(p.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
    const sum = (f: (p: PhaseCounts) => number): number => phases.reduce((acc, p) => acc + f(p), 0);
    return {
      seconds: Math.max(...phases.map((p) => p.seconds)),
      ok: sum((p) => p.ok), non2xx: sum((p) => p.non2xx), errors: sum((p) => p.errors), timeouts: sum((p) => p.timeouts),
      mismatches: sum((p) => p.mismatches), statusCodes,
    };
  };
  const warmups = results.map((r) => r.warmup).filter((w): w is PhaseCounts => w !== undefined);
  const errorSamples: Record<string, string[]> = {};
  for (const r of results) for (const [code, bodies] of Object.entries(r.errorSamples)) (errorSamples[code] ??= []).push(...bodies);
  return {
    title: results[0]!.title,
    expectedInBody: results[0]!.expectedInBody,
    ...sumCounts(results),
    okPerSecond: results.reduce((acc, r) => acc + r.okPerSecond, 0),
    latencyP50Ms: Math.max(...results.map((r) => r.latencyP50Ms)),
    latencyP99Ms: Math.max(...results.map((r) => r.latencyP99Ms)),
    latencyMaxMs: Math.max(...results.map((r) => r.latencyMaxMs)),
    warmup: warmups.length > 0 ? sumCounts(warmups) : undefined,
    errorSamples,
  };
}

async function loginOnce(server: ChildServer, body: string): Promise<string> {
  const response = await fetch(`${server.url}/auth/google/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`The first login answered ${response.status}: ${text.slice(0, 500)}\n--- last lines of ${server.name}'s log ---\n${server.logTail()}`);
  }
  const accessToken = (JSON.parse(text) as { access_token?: unknown }).access_token;
  if (typeof accessToken !== 'string') throw new Error(`The first login answered 200 without an access_token: ${text.slice(0, 500)}`);
  const me = await fetch(`${server.url}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (me.status !== 200) throw new Error(`GET /users/me with a fresh access token answered ${me.status}: ${(await me.text()).slice(0, 500)}`);
  await me.arrayBuffer().catch(() => undefined);
  return accessToken;
}

// ---------------------------------------------------------------------------------------------------------------
// Identities

function identityClaims(id: string): Record<string, unknown> {
  return {
    sub: `bench-${runId}-${id}`,
    aud: CLIENT_ID,
    email: `bench.${runId}.${id}@gmail.com`,
    email_verified: true,
    name: `Bench User ${id}`,
  };
}

/** `size` ID tokens of distinct new users, handed out one per request; wraps around (and counts it) if exhausted. */
async function newIdentityPool(size: number, prefix: string): Promise<{ size: number; next: () => string; reused: () => number }> {
  const started = Date.now();
  progress(`signing ${size} ID tokens for new identities ...`);
  const bodies: string[] = [];
  for (let i = 0; i < size; i++) bodies.push(JSON.stringify({ id_token: await google.signIdToken(identityClaims(`${prefix}-${i}`)) }));
  progress(`  signed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let index = 0;
  return {
    size,
    next: () => bodies[index++ % size]!,
    reused: () => Math.max(0, index - size),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL: a fresh schema per run in the given database, dropped at the end

async function preparePostgres(databaseUrl: string, suffix: string): Promise<string> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === 'test') throw new Error('DATABASE_URL names the database "test", which the test suite owns: use another one (e.g. bench)');
  if (url.searchParams.has('options')) throw new Error('DATABASE_URL already has an `options` parameter; the bench sets search_path through it');
  const schema = `bench_${runId}${suffix}`;
  await withPg(databaseUrl, (client) => client.query(`CREATE SCHEMA "${schema}"`));
  disposers.push(() => withPg(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => undefined));
  url.searchParams.set('options', `-c search_path=${schema}`);
  notes.push(`PostgreSQL: database "${database}", schema ${schema} made for this run and dropped at the end.`);
  return url.toString();
}

async function withPg<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Cannot connect to DATABASE_URL: ${(error as Error).message}`);
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Redis: a fresh key prefix per set-up, its keys deleted at the end

async function prepareRedis(redisUrl: string, setup: string): Promise<{ url: string; keyPrefix: string }> {
  if (!/^rediss?:\/\//.test(redisUrl)) throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got "${redisUrl}"`);
  const keyPrefix = `bench-${runId}-${setup}:`;
  await withRedis(redisUrl, (client) => client.ping());
  disposers.push(async () => {
    const deleted = await withRedis(redisUrl, async (client) => {
      let cursor = '0';
      let n = 0;
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) n += await client.del(...keys);
      } while (cursor !== '0');
      return n;
    });
    progress(`Redis: deleted ${deleted} keys with prefix ${keyPrefix}`);
  });
  notes.push(`Redis: key prefix ${keyPrefix} for the ${setup === 'one' ? 'one-instance' : 'two-instance'} set-up; its keys are deleted at the end (SCAN + DEL).`);
  return { url: redisUrl, keyPrefix };
}

async function withRedis<T>(url: string, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
  client.on('error', () => undefined); // reported through the failing command
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`Cannot connect to REDIS_URL: ${(error as Error).message}`);
  }
  try {
    return await work(client);
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

function checkForErrors(what: string, result: LoadResult): void {
  const phases: Array<[string, PhaseCounts | undefined]> = [['measured', result], ['warm-up', result.warmup]];
  for (const [phase, counts] of phases) {
    if (!counts) continue;
    if (counts.non2xx > 0 || counts.errors > 0) {
      const codes = Object.entries(counts.statusCodes).map(([code, n]) => `${code}: ${fmtInt(n)}`).join(', ');
      flags.push(`${what}, ${phase}: ${fmtInt(counts.non2xx)} non-2xx, ${fmtInt(counts.errors)} socket errors ` +
        `(${fmtInt(counts.timeouts)} timeouts); status codes {${codes}}`);
    }
    // Non-2xx answers are mismatches too; only the rest are 2xx answers with an unexpected body.
    const wrongBodies = counts.mismatches - counts.non2xx;
    if (wrongBodies > 0) flags.push(`${what}, ${phase}: ${fmtInt(wrongBodies)} answers lacked the expected ${JSON.stringify(result.expectedInBody)}`);
  }
  for (const [status, bodies] of Object.entries(result.errorSamples)) {
    for (const body of new Set(bodies)) flags.push(`  ${what}: sample ${status} body: ${body.replace(/\s+/g, ' ')}`);
  }
}

/**
 * Error and warning lines the server logged (its log is deleted with the temp dir). Streams the file: with request
 * logging on it holds a line per request. Understands pino JSON lines (`"level":"error"`) and Nest's plain format.
 */
async function reportServerLog(label: string, server: ChildServer): Promise<void> {
  const counts = { lines: 0, error: 0, warn: 0 };
  const samples = { error: new Set<string>(), warn: new Set<string>() };
  const lines = createInterface({ input: createReadStream(server.logFile, 'utf8'), crlfDelay: Infinity });
  for await (const raw of lines) {
    counts.lines++;
    const line = raw.replace(/\u001b\[[0-9;]*m/g, '');
    const level = /"level":"(fatal|error)"/.test(line) || /\bERROR\b/.test(line) ? 'error'
      : /"level":"warn"/.test(line) || /\bWARN\b/.test(line) ? 'warn' : undefined;
    if (!level || /Generated a development signing key/.test(line)) continue;
    counts[level]++;
    if (samples[level].size < 3) samples[level].add(logMessage(line));
  }
  if (counts.error > 0) flags.push(`${label} server logged ${fmtInt(counts.error)} error lines, e.g.: ${[...samples.error].join(' | ')}`);
  if (counts.warn > 0) notes.push(`${label} server logged ${fmtInt(counts.warn)} warning lines, e.g.: ${[...samples.warn].join(' | ')}`);
  notes.push(`${label} server wrote ${fmtInt(counts.lines)} log lines in all.`);
}

function logMessage(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; context?: unknown; err?: { message?: unknown } };
    return [entry.context, entry.msg, entry.err?.message].filter((x) => typeof x === 'string').join(': ').slice(0, 200);
  } catch {
    return line.replace(/^.*?\b(ERROR|WARN)\b\s*/, '$1 ').slice(0, 200);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function throughputRow(scenario: string, db: string, r: Measured, baselineRate: number, unit: string, target = '-', verdict = '-'): Row {
  const failed = [r, r.warmup].some((c) => c !== undefined && (c.non2xx > 0 || c.errors > 0 || c.mismatches > c.non2xx));
  return {
    scenario,
    db,
    result: `${fmtInt(r.okPerSecond)} ${unit}`,
    ratio: baselineRate > 0 ? (r.okPerSecond / baselineRate).toFixed(2) : '-',
    vsOne: '-',
    target,
    verdict: failed ? (verdict === '-' ? 'ERRORS' : `${verdict}, ERRORS`) : verdict,
    p50: fmtMs(r.latencyP50Ms),
    p99: fmtMs(r.latencyP99Ms),
    ok: fmtInt(r.ok),
    non2xx: fmtInt(r.non2xx),
    errors: fmtInt(r.errors),
    noise: r.otherCpus.toFixed(2),
  };
}

function printReport(rows: Row[]): void {
  const cpu = cpus();
  const out: string[] = [];
  out.push('');
  out.push(`nest-social-auth benchmark, ${new Date().toISOString()}`);
  out.push(`Machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ${process.platform}`);
  out.push(`Load:    ${describeLoadSettings(settings)}`);
  const overrides = Object.entries(serverEnvOverrides).map(([k, v]) => `${k}=${v}`).join(' ');
  out.push('Servers: child processes on 127.0.0.1; baseline = bench/baseline-server.ts; app = node dist/main.js with NODE_ENV=development, ' +
    `defaults otherwise (JWT ES256, LOG_LEVEL info, stdout to a file) except /auth rate limits raised out of reach and the dev IdP and demo off${overrides ? `; set: ${overrides}` : ''}; ` +
    'Google = FakeGoogle (RS256 ID tokens) in the bench process');
  out.push('Result = 2xx answers per measured second; "x baseline" = that / baseline req/s; p50/p99 = latency of 2xx answers; ' +
    'non-2xx and errors (socket errors + timeouts) are of the measured phase (warm-up problems are listed under Flags); ' +
    `"other CPU" = CPUs' worth of time other processes on the machine used meanwhile (above ${NOISE_WARN_CPUS} the row is suspect).`);
  if (rows.some((r) => r.vsOne !== '-')) {
    const per = Math.max(1, Math.round(settings.connections / 2));
    out.push(`2 instances: two app processes sharing the PostgreSQL schema, Redis and the signing key; the load is spread by two autocannon ` +
      `runs at the same time in the bench process (${per} connections each, same warm-up and duration), their results summed ` +
      '(no balancer process, which would compete for the same cores); p50/p99 = the higher of the two runs\'; ' +
      '"x one instance" = two-instance result / one-instance result of PostgreSQL+Redis.');
  }
  out.push('');
  const header: Row = {
    scenario: 'Scenario', db: 'DB', result: 'Result', ratio: 'x baseline', vsOne: 'x one instance', target: 'Target', verdict: 'Verdict',
    p50: 'p50 ms', p99: 'p99 ms', ok: '2xx', non2xx: 'non-2xx', errors: 'errors', noise: 'other CPU',
  };
  // The "x one instance" column only when there are two-instance rows, so the one-instance table keeps its format.
  const columns = (Object.keys(header) as Array<keyof Row>).filter((c) => c !== 'vsOne' || rows.some((r) => r.vsOne !== '-'));
  const rightAligned = new Set<keyof Row>(['result', 'ratio', 'vsOne', 'p50', 'p99', 'ok', 'non2xx', 'errors', 'noise']);
  const widths = columns.map((c) => Math.max(...[header, ...rows].map((r) => r[c].length)));
  const line = (r: Row): string =>
    `| ${columns.map((c, i) => (rightAligned.has(c) ? r[c].padStart(widths[i]!) : r[c].padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  out.push(line(header), rule, ...rows.map(line));
  out.push('');
  for (const note of notes) out.push(`Note: ${note}`);
  out.push(flags.length === 0 ? 'Flags: none (no non-2xx answers, no socket errors).' : 'Flags:');
  for (const flag of flags) out.push(`  ! ${flag}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers and lifecycle

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** autocannon records latency in whole milliseconds. */
function fmtMs(ms: number): string {
  return ms < 1 ? '<1' : String(Math.round(ms));
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]' || hostname === '::1';
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

let cleaning: Promise<void> | undefined;
/** Children, FakeGoogle, the PostgreSQL schema, the temp dir: once, whatever happened. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll().catch((e: unknown) => progress(`stopping servers failed: ${String(e)}`));
    await google.stop().catch(() => undefined);
    for (const dispose of disposers) await dispose().catch((e: unknown) => progress(`cleanup failed: ${String(e)}`));
    rmSync(tmpDir, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the servers and cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.once('exit', () => {
  killAllSync();
  rmSync(tmpDir, { recursive: true, force: true });
});

main()
  .then(() => cleanup())
  .then(() => {
    process.exitCode = flags.length > 0 ? 1 : 0;
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`\n[bench] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    await cleanup();
    process.exitCode = 1;
  });
