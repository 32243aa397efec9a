import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppProcess, buildOnce, freePort } from '../support/app-process.js';

/**
 * The built app ends on SIGTERM by closing and then exiting (src/common/shutdown/exit-on-signals.ts), not by a
 * re-raised signal: so Node's exit work runs, and `node --cpu-prof` writes its profile (`npm run profile`).
 */
describe('SIGTERM to the built app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsa-signal-'));

  beforeAll(() => buildOnce());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should drain, close the stores, exit 0, and leave the CPU profile --cpu-prof asked for', async () => {
    const profiles = join(dir, 'profiles');
    const app = new AppProcess(await freePort(), { NODE_ENV: 'development', SQLITE_PATH: join(dir, 'app.sqlite'), LOG_LEVEL: 'info' }, [
      '--cpu-prof',
      `--cpu-prof-dir=${profiles}`,
    ]);
    await app.start();
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);

    const ended = await app.stop();

    expect(ended).toEqual({ code: 0, signal: null });
    expect(app.log).toMatch(/HTTP closed in \d+ ms/);
    expect(app.log).toContain('Database closed (SQLite)');
    // Started: the URLs a person needs, in place of Nest's line per route.
    expect(app.log).toContain(
      `"API http://localhost:${app.port} · demo http://localhost:${app.port}/demo · docs http://localhost:${app.port}/docs`,
    );
    expect(app.log).not.toMatch(/Mapped \{|dependencies initialized/);
    expect(readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(1);
  });
});
