#!/usr/bin/env node
/**
 * A production install, walked as an operator (and the Dockerfile) does it: dist/ plus package.json and
 * package-lock.json in an empty directory, `npm ci --omit=dev`, then the documented commands with a production
 * environment on PostgreSQL and Redis: config check, first signing key, migrations, apps, reseal, the server, its
 * health check and a clean SIGTERM. The commands are those of production-commands.json, which the Dockerfile must
 * use too (test/deployment/deployment-files.e2e-spec.ts). Run by .ci/run; by hand:
 *   TEST_PG_URL=postgres://… TEST_REDIS_URL=redis://… npm run test:production-install
 * Runs every command on the Node running this script (npm run and npm exec put the repo's Node 24 first on PATH).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const repo = join(dirname(new URL(import.meta.url).pathname), '../..');
const commands = JSON.parse(readFileSync(join(repo, 'test/production/production-commands.json'), 'utf8'));
const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.TEST_PG_URL;
const redisUrl = process.env.TEST_REDIS_URL;
if (!databaseUrl || !redisUrl) throw new Error('production-install: set TEST_PG_URL (or TEST_DATABASE_URL) and TEST_REDIS_URL');

// `node` is this Node: the machine's own may be too old for better-sqlite3 (docs/decisions/0022-node-runtime.md).
const PATH = `${dirname(process.execPath)}:${process.env.PATH}`;
// npm gets this process's environment (a registry proxy, extra CA certificates); the app's commands only `env`.
const run = (cwd, [file, ...args], env = {}) => {
  const base = file === 'npm' ? process.env : { HOME: process.env.HOME };
  try {
    return execFileSync(file === 'node' ? process.execPath : file, args, {
      cwd,
      env: { ...base, PATH, ...env },
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (error) {
    throw new Error(`${[file, ...args].join(' ')} failed (${error.status}):\n${error.stdout}${error.stderr}`, { cause: error });
  }
};
const check = (ok, what, output) => {
  if (!ok) throw new Error(`${what}, got:\n${output}`);
  process.stdout.write(`ok  ${what}\n`);
};
const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'nsa-production-'));
try {
  run(repo, commands.build.at(-1).split(' '));
  for (const file of ['package.json', 'package-lock.json', 'dist']) cpSync(join(repo, file), join(dir, file), { recursive: true });
  run(dir, commands.install.split(' '));
  const devOnly = ['jest', 'ts-jest', 'supertest', 'node'].filter((name) => existsSync(join(dir, 'node_modules', name)));
  check(devOnly.length === 0, `${commands.install} installed no development tool`, devOnly.join(', '));

  const generated = run(dir, commands.keysGenerate);
  const privateKeys = /^JWT_PRIVATE_KEYS="(.+)"$/m.exec(generated)?.[1];
  check(privateKeys !== undefined, `${commands.keysGenerate.join(' ')} printed JWT_PRIVATE_KEYS`, generated);
  const port = await freePort();
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: 'https://auth.example.test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    JWT_PRIVATE_KEYS: privateKeys,
    ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    METRICS_TOKEN: randomBytes(24).toString('base64url'),
  };
  const kid = generated.split(' ')[0];
  const listed = run(dir, commands.keysList, env);
  check(listed.startsWith(`${kid}  ES256  signs and verifies`), `${commands.keysList.join(' ')} named the key`, listed);
  const summary = run(dir, commands.configCheck, env);
  check(
    summary.startsWith('Configuration valid (NODE_ENV=production)') && summary.includes('database PostgreSQL'),
    `${commands.configCheck.join(' ')} accepted the production environment`,
    summary,
  );
  const refused = (() => {
    try {
      run(dir, commands.configCheck, { ...env, PUBLIC_URL: 'http://auth.example.test' });
      return '';
    } catch (error) {
      return error.message;
    }
  })();
  check(
    refused.includes('PUBLIC_URL must be https in production'),
    `${commands.configCheck.join(' ')} refused an http PUBLIC_URL`,
    refused,
  );

  run(dir, commands.migrate, { DATABASE_URL: databaseUrl });
  const shown = run(dir, commands.migrationsShow, { DATABASE_URL: databaseUrl });
  check(/^\[X\] /m.test(shown) && !shown.includes('[ ]'), `${commands.migrate.join(' ')} left no migration pending`, shown);
  const apps = run(dir, commands.appsList, env);
  check(Array.isArray(JSON.parse(apps)), `${commands.appsList.join(' ')} answered a list`, apps);
  const resealed = run(dir, commands.reseal, env);
  check(resealed.startsWith('resealed '), `${commands.reseal.join(' ')} ran`, resealed);

  const [file, ...args] = commands.start;
  const server = spawn(file === 'node' ? process.execPath : file, args, {
    cwd: dir,
    env: { PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  for (const stream of [server.stdout, server.stderr]) stream.on('data', (chunk) => (log += chunk));
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    let healthy = false;
    for (let attempt = 0; attempt < 60 && !healthy && server.exitCode === null; attempt++) {
      try {
        run(dir, commands.healthcheck, env);
        healthy = true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    check(healthy, `${commands.start.join(' ')} started and ${commands.healthcheck.join(' ')} passed`, log.slice(-3000));
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    check(ready.status === 200, 'GET /health/ready answered 200 (database migrated, Redis reachable)', await ready.text());
  } finally {
    server.kill('SIGTERM');
  }
  const ended = await exited;
  check(ended.code === 0, 'SIGTERM stopped the server with exit code 0', `${JSON.stringify(ended)}\n${log.slice(-3000)}`);
  process.stdout.write('production install: every documented command works with production dependencies only\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
