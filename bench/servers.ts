/**
 * Child processes under test: the `node:http` baseline and the real server (`node dist/main.js`), each on its own
 * free port on 127.0.0.1, with stdout and stderr going to a log file (not through the bench process, which is busy
 * generating load). Every child started here is remembered until it exits, so `stopAll` / `killAllSync` can
 * clean up after an error or Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist-bench/bench/servers.js -> the project root. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The Node flags the server is shipped with: those of the start command in test/production/production-commands.json,
 * which the Dockerfile's CMD and `npm start` run too (test/deployment/deployment-files.e2e-spec.ts keeps them in
 * step). Every app server of the bench runs with them, before BENCH_SERVER_NODE_ARGS (a later flag wins in V8, so
 * `--max-semi-space-size=0` there measures V8's own default): what is measured is what is shipped.
 */
export const SHIPPED_NODE_ARGS: readonly string[] = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'test', 'production', 'production-commands.json'), 'utf8')) as { start: string[] }
).start.filter((arg) => arg.startsWith('--'));
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface MemoryUsage {
  /** VmRSS: resident set size now. */
  rssBytes: number;
  /** VmHWM: the highest RSS the process ever had. */
  peakRssBytes: number;
}

export interface ChildServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly logFile: string;
  /** Exit code or signal once the process has ended, otherwise undefined. */
  exitStatus(): string | undefined;
  /** Read from /proc/<pid>/status (Linux). */
  memory(): MemoryUsage;
  /** The last lines of the child's combined stdout and stderr. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

export interface GoogleEndpoints {
  jwksUrl: string;
  tokeninfoUrl: string;
  userinfoUrl: string;
}

export interface AppServerOptions {
  /** Scratch directory for this run: SQLite file, generated signing keys, logs. */
  tmpDir: string;
  google: GoogleEndpoints;
  googleClientId: string;
  /** PostgreSQL URL; without it each server uses SQLite in `tmpDir`. */
  databaseUrl?: string;
  /** Label used in file names and messages, e.g. "sqlite". */
  label: string;
  /** More server environment (e.g. JWT_ALGORITHM); wins over the defaults below. */
  extraEnv?: Record<string, string>;
  /** Node flags for the server process, e.g. ['--prof'] or ['--max-old-space-size=96']. */
  nodeArgs?: string[];
  /** The Node binary to run the server on; default the bench's own. */
  node?: string;
}

/** The bare `node:http` hello-world server the scenarios are compared with. */
export async function startBaseline(tmpDir: string, node?: string): Promise<ChildServer> {
  const port = await freePort();
  return spawnServer({
    name: 'baseline',
    node,
    script: join(PROJECT_ROOT, 'dist-bench', 'bench', 'baseline-server.js'),
    env: { ...baseEnv(), PORT: String(port), HOST },
    port,
    logFile: join(tmpDir, `baseline-${port}.log`),
  });
}

/** Rows 1a/1b's floor: NestJS on Fastify with only the work row 2 requires (bench/floor-server.ts). */
export async function startFloor(tmpDir: string, node: string | undefined, nodeArgs: string[]): Promise<ChildServer> {
  const port = await freePort();
  return spawnServer({
    name: 'floor',
    node,
    nodeArgs,
    script: join(PROJECT_ROOT, 'dist-bench', 'bench', 'floor-server.js'),
    env: { ...baseEnv(), PORT: String(port), HOST, FLOOR_DIR: join(tmpDir, `floor-${port}`) },
    port,
    logFile: join(tmpDir, `floor-${port}.log`),
  });
}

/**
 * `count` servers (`node dist/main.js`) on consecutive free ports, sharing one database and one signing key, as
 * several instances behind a load balancer would. Started one after the other, so the first one generates the
 * development signing key in JWT_KEYS_DIR and the others read it (every instance then verifies every token).
 * SQLite serves one process only (docs/decisions/0005-sqlite-transactions.md): more than one needs PostgreSQL.
 */
export async function startAppServers(count: number, options: AppServerOptions): Promise<ChildServer[]> {
  if (count > 1 && !options.databaseUrl)
    throw new Error('Several server instances need PostgreSQL (DATABASE_URL); SQLite serves one process');
  const servers: ChildServer[] = [];
  for (let i = 0; i < count; i++) servers.push(await startAppServer(options, i));
  return servers;
}

export async function startAppServer(options: AppServerOptions, index = 0): Promise<ChildServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    NODE_ENV: 'development',
    PORT: String(port),
    HOST,
    SQLITE_PATH: join(options.tmpDir, `${options.label}.sqlite`),
    JWT_KEYS_DIR: join(options.tmpDir, `${options.label}-keys`),
    GOOGLE_CLIENT_IDS: options.googleClientId,
    GOOGLE_JWKS_URL: options.google.jwksUrl,
    GOOGLE_TOKENINFO_URL: options.google.tokeninfoUrl,
    GOOGLE_USERINFO_URL: options.google.userinfoUrl,
    ...(options.databaseUrl && { DATABASE_URL: options.databaseUrl }),
    ...options.extraEnv,
  };
  const script = join(PROJECT_ROOT, 'dist', 'main.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  return spawnServer({
    name: `server-${options.label}-${index}`,
    script,
    node: options.node,
    nodeArgs: options.nodeArgs,
    env,
    port,
    logFile: join(options.tmpDir, `server-${options.label}-${index}.log`),
  });
}

/** Stops every child this module started that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child)));
}

/** Last resort from a `process.on('exit')` handler, where nothing asynchronous runs any more. */
export function killAllSync(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** Polls until an HTTP request to `url` gets any answer (any status); throws if `gaveUp()` says the child died. */
export async function waitForHttp(url: string, timeoutMs: number, gaveUp: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = gaveUp();
    if (why) throw new Error(why);
    if (await answers(url)) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** A port the OS just handed out on 127.0.0.1 (free unless something grabs it before the child binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function readMemory(pid: number): MemoryUsage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

interface SpawnOptions {
  name: string;
  script: string;
  node?: string;
  nodeArgs?: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  logFile: string;
}

async function spawnServer(opts: SpawnOptions): Promise<ChildServer> {
  const logFd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.node ?? process.execPath, [...(opts.nodeArgs ?? []), opts.script], {
      cwd: PROJECT_ROOT,
      env: opts.env,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd); // the child has its own copy
  }
  live.add(child);
  let exitStatus: string | undefined;
  child.once('exit', (code, signal) => {
    exitStatus = signal ? `killed by ${signal}` : `exited with code ${code}`;
    live.delete(child);
  });
  child.once('error', (error) => {
    exitStatus = `failed to start: ${error.message}`;
    live.delete(child);
  });

  const url = `http://${HOST}:${opts.port}`;
  const logTail = (lines = 30): string => {
    try {
      return readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const server: ChildServer = {
    name: opts.name,
    pid: child.pid ?? -1,
    port: opts.port,
    url,
    logFile: opts.logFile,
    exitStatus: () => exitStatus,
    memory: () => readMemory(child.pid ?? -1),
    logTail,
    stop: () => stopChild(child),
  };
  try {
    await waitForHttp(`${url}/`, READY_TIMEOUT_MS, () => exitStatus && `${opts.name} ${exitStatus} before answering on ${url}`);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n--- last lines of ${opts.name}'s log ---\n${logTail()}`, { cause: error });
  }
  return server;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !live.has(child)) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const req = request(url, { method: 'GET', timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolveAnswer(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolveAnswer(false));
    req.end();
  });
}

/** Only what a Node process needs, so a DATABASE_URL or LOGIN_* variable in the caller's shell cannot leak in. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[key] !== undefined) env[key] = process.env[key];
  return env;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
