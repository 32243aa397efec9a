import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_ENCRYPTION_KEY, TEST_SIGNING_KEY_PEM } from '../fixtures/keys.js';
import { AppProcess, buildOnce, freePort } from '../support/app-process.js';

/** `node dist/main.js` as a deployment starts it, run until it exits on its own: its exit code and output. */
function runToExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/main.js'], { env: { PATH: process.env.PATH, ...env }, timeout: 25_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** The boot refuses what would otherwise serve insecurely or half-working, with one message saying what to do. */
describe('booting the built app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsa-boot-'));
  let files = 0;
  let app: AppProcess | undefined;
  const production = () => ({
    NODE_ENV: 'production',
    JWT_PRIVATE_KEYS: TEST_SIGNING_KEY_PEM,
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
    METRICS_TOKEN: 'metrics-test-token',
    PUBLIC_URL: 'https://auth.example.test',
    DATABASE_ALLOW_SQLITE_IN_PRODUCTION: 'true',
    SQLITE_PATH: join(dir, `db-${++files}.sqlite`),
    LOG_LEVEL: 'info',
  });

  beforeAll(() => buildOnce(), 60_000);
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should take an unset NODE_ENV as production and refuse to start without its keys, saying so', async () => {
    const { code, output } = await runToExit({ SQLITE_PATH: join(dir, 'never.sqlite') });

    expect(code).toBe(1);
    expect(output).toContain('NODE_ENV is not set, so production rules apply');
    expect(output).toMatch(/JWT_PRIVATE_KEYS is required in production[\s\S]*DATABASE_URL is required in production/);
  });

  it('should refuse to serve a database its migrations have not reached, naming them and the command', async () => {
    const { code, output } = await runToExit({ ...production(), PORT: String(await freePort()) });

    expect(code).toBe(1);
    // Every migration of this build is pending on a new database: their count, the first named, and the command.
    const migrations = readdirSync('src/database/migrations').filter((f) => /^\d+-.+\.ts$/.test(f));
    expect(output).toMatch(
      new RegExp(
        `Refusing to serve: the database lacks ${migrations.length} migration\\(s\\) of this build \\(InitialSchema1764000000000[^)]*\\)\\. Run \`node dist/cli/migrations.js run\``,
      ),
    );
  });

  it('should serve once migrated, warning loudly that production runs on SQLite', async () => {
    const env = production();
    execFileSync(process.execPath, ['node_modules/typeorm/cli.js', 'migration:run', '-d', 'dist/cli/typeorm-data-source.js'], {
      env: { PATH: process.env.PATH, ...env },
    });
    app = new AppProcess(await freePort(), env);

    await app.start();

    expect(app.log).toMatch(/"level":"warn".*Production on SQLite/);
    expect(app.log).toMatch(/"level":"warn".*Production without REDIS_URL: .*run one instance only/);
  });

  it('should let `npm run keys` rotate keys with only JWT_PRIVATE_KEYS set, though an unset NODE_ENV is production', () => {
    const output = execFileSync(process.execPath, ['dist/cli/keys.js', 'list'], {
      env: { PATH: process.env.PATH, JWT_PRIVATE_KEYS: TEST_SIGNING_KEY_PEM },
      encoding: 'utf8',
    });

    expect(output).toMatch(/ES256/);
  });

  it('should let `npm run config:check` judge an environment as the boot does, without starting or writing anything', () => {
    const check = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['dist/cli/config-check.js'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    const sqlite = join(dir, 'config-check.sqlite');

    const accepted = check({ ...production(), SQLITE_PATH: sqlite, GITHUB_CLIENT_IDS: 'gh-id', GITHUB_CLIENT_SECRETS: 'gh-secret' });
    expect([accepted.status, accepted.stderr]).toEqual([0, '']);
    expect(accepted.stdout).toMatch(/^Configuration valid \(NODE_ENV=production\); .*providers: github; OAuth server on$/m);
    expect(accepted.stdout).not.toContain('gh-secret');
    expect(existsSync(sqlite)).toBe(false);

    const refused = check({ ...production(), PUBLIC_URL: 'http://auth.example.test', RATE_LIMIT_WINDOW_SECONDS: 'soon' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/PUBLIC_URL[\s\S]*RATE_LIMIT_WINDOW_SECONDS|RATE_LIMIT_WINDOW_SECONDS[\s\S]*PUBLIC_URL/);
    expect(refused.stdout).toBe('');
  });

  it('should listen on 127.0.0.1 in development when HOST is not set', async () => {
    const port = await freePort();
    app = new AppProcess(port, {
      NODE_ENV: 'development',
      HOST: undefined,
      SQLITE_PATH: join(dir, 'dev.sqlite'),
      JWT_KEYS_DIR: join(dir, 'keys'),
      LOG_LEVEL: 'info',
    });

    await app.start();

    expect(app.log).toContain(`Listening on http://127.0.0.1:${port} (development`);
  });
});
