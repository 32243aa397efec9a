import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { IsNull } from 'typeorm';
import { RefreshToken } from '../../src/auth/tokens/refresh-token.entity.js';
import { User } from '../../src/users/entities/user.entity.js';
import { startAppWithDevIdp, type ListeningApp } from '../dev-idp/dev-idp-app.js';
import { buildOnce } from '../support/app-process.js';
import { docSection, fencedBlocks } from '../support/doc-snippets.js';

/**
 * The README's quick start, run as a newcomer runs it: its shell block through bash, `npm run dev:login` and curl
 * included, against the app listening for real. Only the address changes (a free port instead of 3000): the curl
 * lines are pointed at it, and `dev:login` finds it through PUBLIC_URL, as it would a server configured so.
 */
const section = docSection('README.md', '### Quick start: signed in, with no credentials');

/** bash with no stdin (on a socket, as Node's pipes are, bash would read ~/.bashrc), answering what it printed. */
function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return new Promise((resolve, reject) => child.on('error', reject).on('close', (code) => resolve({ code, ...out })));
}

describe('README quick start: our tokens through the dev IdP with no credentials, then /users/me, refresh, logout', () => {
  let t: ListeningApp;

  beforeAll(async () => {
    // `npm run dev:login` runs dist/; build it from this source, not whatever was built before.
    buildOnce();
    t = await startAppWithDevIdp();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.reset());

  it('should print our token pair for "alice" with the first command', async () => {
    const [command] = fencedBlocks(section, 'bash')[0].split(/\s+#/);

    const { code, stdout } = await bash(command, { PUBLIC_URL: t.url });

    // After npm's "> nest-social-auth@… dev:login" banner, the JSON.
    expect(code).toBe(0);
    expect(JSON.parse(stdout.slice(stdout.indexOf('{')))).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      user: { username: 'alice' },
    });
  });

  it('should show the user, refresh, and log out with the second block, leaving no live session', async () => {
    const script = fencedBlocks(section, 'bash')[1].replaceAll('localhost:3000', t.url.replace('http://', ''));

    const { code, stdout, stderr } = await bash(script, { PUBLIC_URL: t.url });

    const [me, logout] = stdout.trim().split('\n');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(me)).toMatchObject({ username: 'alice', email: 'alice@dev-idp.localhost' });
    expect(logout).toBe('204');
    const alice = await t.dataSource.getRepository(User).findOneByOrFail({ username: 'alice' });
    const tokens = t.dataSource.getRepository(RefreshToken);
    // Signed in, refreshed once (that token used), then logged out (the family revoked): nothing is live any more.
    expect(await tokens.countBy({ userId: alice.id, usedAt: IsNull(), revokedAt: IsNull() })).toBe(0);
    expect(await tokens.countBy({ userId: alice.id, usedAt: IsNull() })).toBeGreaterThan(0);
  });
});
