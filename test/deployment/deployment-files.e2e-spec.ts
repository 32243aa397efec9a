import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { isDeclared } from '../../src/config/settings/index.js';

/**
 * No container engine runs here, so what can be checked is checked: the Dockerfile and compose.yaml run exactly the
 * commands that CI runs on a production-only install (test/production/production-install.mjs reads the same list).
 */
const commands = JSON.parse(readFileSync('test/production/production-commands.json', 'utf8')) as Record<string, string | string[]>;

interface Instruction {
  stage: number;
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped, each with the index of its stage. */
function dockerfile(): Instruction[] {
  const lines = readFileSync('Dockerfile', 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  let stage = -1;
  return lines.map((line) => {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (keyword.toUpperCase() === 'FROM') stage++;
    return { stage, keyword: keyword.toUpperCase(), args };
  });
}

const instructions = dockerfile();
const runtime = instructions.filter((i) => i.stage === Math.max(...instructions.map((x) => x.stage)));
const all = (list: Instruction[], keyword: string) => list.filter((i) => i.keyword === keyword).map((i) => i.args);
/** `CMD ["node", "dist/main.js"]` → the JSON array; the shell form would need a shell (and mis-handle SIGTERM). */
const execForm = (args: string) => JSON.parse(args.replace(/^(--\S+\s+)*(CMD\s+)?/, '')) as string[];

describe('Dockerfile', () => {
  it('should build in a first stage with the development dependencies, as CI builds', () => {
    expect(
      all(
        instructions.filter((i) => i.stage === 0),
        'RUN',
      ),
    ).toEqual(commands.build);
  });

  it('should install production dependencies only in the image it runs, with the command CI checks', () => {
    expect(all(runtime, 'RUN')).toEqual([commands.install]);
    expect(commands.install).toContain('--omit=dev');
    // The build stage's node_modules (TypeScript, Jest…) must not reach the image: only its dist/.
    expect(all(runtime, 'COPY')).toEqual(['package.json package-lock.json ./', '--from=build /app/dist ./dist']);
    expect(all(runtime, 'ENV')).toContain('NODE_ENV=production');
  });

  it('should run as a non-root user', () => {
    const users = all(runtime, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.findIndex((i) => i.keyword === 'USER')).toBeLessThan(runtime.findIndex((i) => i.keyword === 'CMD'));
  });

  it('should start and probe the server with the commands CI runs', () => {
    expect(all(runtime, 'CMD').map(execForm)).toEqual([commands.start]);
    expect(all(runtime, 'HEALTHCHECK').map(execForm)).toEqual([commands.healthcheck]);
  });

  it('should use one Node line, one this project supports', () => {
    const images = all(instructions, 'FROM').map((args) => args.split(' ')[0]);
    expect(new Set(images).size).toBe(1);
    expect(images[0]).toMatch(/^node:24-/);
  });

  it('should keep secrets and local builds out of the build context (.dockerignore)', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'node_modules', 'dist', 'data', '.git']));
  });
});

describe('Node flags of the server', () => {
  // One list: the start command CI runs (and the Dockerfile's CMD, above); the bench's servers read it too (bench/servers.ts).
  const shipped = (commands.start as string[]).filter((arg) => arg.startsWith('--'));
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('should cap V8\'s young generation (Node 24 sizes it from the machine\'s memory) and old space (docs/deployment.md, "Memory")', () => {
    expect(shipped).toEqual(
      expect.arrayContaining([expect.stringMatching(/^--max-semi-space-size=\d+$/), expect.stringMatching(/^--max-old-space-size=\d+$/)]),
    );
  });

  it.each(['start', 'start:dev', 'profile'])('should start the server with the same flags in npm run %s', (name) => {
    const node = /\bnode ((?:--\S+ )*)dist\/main\.js/.exec(scripts[name]);
    expect(node).not.toBeNull();
    expect(node![1].trim().split(' ')).toEqual(expect.arrayContaining(shipped));
  });
});

describe('compose.yaml', () => {
  const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; image?: string }
    >;
  };
  const { migrate, app } = compose.services;

  it('should migrate once, with the command CI runs, before the app starts', () => {
    expect(migrate.command).toEqual(commands.migrate);
    expect(app.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
    expect(app.command).toBeUndefined();
  });

  it('should run the app on PostgreSQL and Redis with variables the configuration declares', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'migrate', 'postgres', 'redis']);
    expect(app.environment!.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(app.environment!.REDIS_URL).toBe('redis://redis:6379');
    expect(Object.keys(app.environment!).filter((key) => !isDeclared(key))).toEqual([]);
  });
});

describe('docs/deployment.md', () => {
  it('should document every production command CI runs', () => {
    const doc = readFileSync('docs/deployment.md', 'utf8');
    const undocumented = Object.values(commands)
      .filter((c): c is string[] => Array.isArray(c) && c[0] === 'node')
      .filter((c) => !doc.includes(c.join(' ')));
    expect(undocumented).toEqual([]);
    expect(doc).toContain(commands.install);
  });
});
