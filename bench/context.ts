/**
 * What every part of one `npm run bench` shares: the knobs (environment variables, bench/README.md), the run's id
 * and temp dir, the fake Google, and the flags and notes printed under the table.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeGoogle } from '../test/fakes/google.fake.js';
import { DEFAULT_LOAD_SETTINGS, type LoadSettings } from './load.js';
import { SHIPPED_NODE_ARGS } from './servers.js';

export const CLIENT_ID = 'bench-client';
export const MB = 1024 * 1024;
/** Other processes using more than this many CPUs during a scenario make its numbers suspect. */
export const NOISE_WARN_CPUS = 0.15;

export const runId = randomBytes(4).toString('hex');
export const tmpDir = mkdtempSync(join(tmpdir(), 'nest-social-auth-bench-'));
export const google = new FakeGoogle();
/** Cleanups registered along the way (a PostgreSQL schema, Redis keys), run once at the end. */
export const disposers: Array<() => Promise<void>> = [];

/** Problems worth a reader's attention; any of them makes the exit code 1. */
export const flags: string[] = [];
/** Worth knowing, not a failure. */
export const notes: string[] = [];

export const settings: LoadSettings = {
  ...DEFAULT_LOAD_SETTINGS,
  connections: envInt('BENCH_CONNECTIONS', DEFAULT_LOAD_SETTINGS.connections),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', DEFAULT_LOAD_SETTINGS.warmupSeconds),
  durationSeconds: envInt('BENCH_DURATION_SECONDS', DEFAULT_LOAD_SETTINGS.durationSeconds),
};

/**
 * Rows 3 and 4 (logins): the same load, after a longer warm-up. Server CPU per returning login is highest over the
 * first ~15 s of login load on a fresh server (V8 optimizing the login path, the heap growing to its working size),
 * then levels off (ADR 0006, "Login path, fourth pass"): a deployed server is past that within its first minute, so
 * the rows measure the server after it. BENCH_LOGIN_WARMUP_SECONDS=2 shows the fresh server.
 */
export const loginSettings: LoadSettings = {
  ...settings,
  warmupSeconds: envInt('BENCH_LOGIN_WARMUP_SECONDS', 15),
};

/** A Node binary the servers run on, and the version it reports. */
export interface NodeRuntime {
  path: string;
  version: string;
  /** Short tag for file, schema and key names: `n22`. */
  tag: string;
}

if (![undefined, '', 'token-endpoint', 'soak', 'guarded', 'logins', 'instances'].includes(process.env.BENCH_ONLY)) {
  throw new Error(`BENCH_ONLY must be token-endpoint, soak, guarded, logins or instances, got "${process.env.BENCH_ONLY}"`);
}

export const knobs = {
  /** BENCH_ONLY=token-endpoint: the baseline and the token endpoint rows (6, 7) only, on one instance per database. */
  tokenEndpointOnly: process.env.BENCH_ONLY === 'token-endpoint',
  /** BENCH_ONLY=soak: the baseline and the soak row (5b) only. */
  soakOnly: process.env.BENCH_ONLY === 'soak',
  /** BENCH_ONLY=guarded: the baseline and rows 2, 2a, 2b only (a quick loop for the request path). */
  guardedOnly: process.env.BENCH_ONLY === 'guarded',
  /** BENCH_ONLY=logins: the baseline and the login and memory rows (3-5a) only, on one instance per database. */
  loginsOnly: process.env.BENCH_ONLY === 'logins',
  /**
   * BENCH_ONLY=instances: the baseline, then PostgreSQL+Redis only (DATABASE_URL and REDIS_URL required): rows 2-4
   * on one instance, then the two-instance rows (item 5's quick loop; no SQLite, RSS or token endpoint rows).
   */
  instancesOnly: process.env.BENCH_ONLY === 'instances',
  /** BENCH_NODES: comma-separated Node binaries for the servers, each a full pass; default the bench's own Node. */
  nodes: (process.env.BENCH_NODES ?? process.execPath)
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map(nodeRuntime)
    .map((node, i, all) => (all.findIndex((other) => other.tag === node.tag) === i ? node : { ...node, tag: `${node.tag}-${i}` })),
  /** Row 5: RSS read after at least this many logins (BENCH_RSS_LOGINS shortens it for trying the bench out). */
  rssLogins: envInt('BENCH_RSS_LOGINS', 20_000),
  /** BENCH_LEAK=1: row 5a, this many further logins (BENCH_LEAK_LOGINS) then RSS again. */
  leakLogins: process.env.BENCH_LEAK === '1' ? envInt('BENCH_LEAK_LOGINS', 100_000) : 0,
  /** BENCH_SOAK=1: row 5b, sustained logins for this many seconds on a server with a capped old space. */
  soakSeconds: process.env.BENCH_SOAK === '1' || process.env.BENCH_ONLY === 'soak' ? envInt('BENCH_SOAK_SECONDS', 180) : 0,
  /** Row 5b's cap: by default the shipped one (production-commands.json's start command). */
  soakMaxOldSpaceMb: envInt('BENCH_SOAK_MAX_OLD_SPACE_MB', shippedOldSpaceMb() ?? 256),
  serverNodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [],
};

/** `JWT_ALGORITHM` and every `BENCH_SERVER_ENV_<NAME>` of the bench's environment, passed to the server as `<NAME>`. */
export const serverEnvOverrides: Record<string, string> = Object.fromEntries([
  ...(process.env.JWT_ALGORITHM ? [['JWT_ALGORITHM', process.env.JWT_ALGORITHM] as const] : []),
  ...Object.entries(process.env)
    .filter(([key, value]) => key.startsWith('BENCH_SERVER_ENV_') && value !== undefined)
    .map(([key, value]) => [key.slice('BENCH_SERVER_ENV_'.length), value!] as const),
]);

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** autocannon records latency in whole milliseconds. */
export function fmtMs(ms: number): string {
  return ms < 1 ? '<1' : String(Math.round(ms));
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]' || hostname === '::1';
}

function shippedOldSpaceMb(): number | undefined {
  const flag = SHIPPED_NODE_ARGS.map((arg) => /^--max-old-space-size=(\d+)$/.exec(arg)).find(Boolean);
  return flag ? Number(flag[1]) : undefined;
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** `path`: a file (relative to the working directory) or a command on PATH such as `node`. */
function nodeRuntime(given: string): NodeRuntime {
  const path = given.includes('/') ? resolve(given) : given;
  let version: string;
  try {
    version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`BENCH_NODES: cannot run "${path} --version": ${(error as Error).message}`, { cause: error });
  }
  return { path, version, tag: `n${version.replace(/^v/, '').split('.')[0]}` };
}
