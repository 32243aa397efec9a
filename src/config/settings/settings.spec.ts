import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { PRESETS } from '../../providers/presets/index.js';
import { ConfigError, loadConfig } from '../app-config.js';
import { EnvReader } from '../env-reader.js';
import { renderEnvExample } from './env-example.js';
import { isDeclared, SETTINGS } from './index.js';
import { isFamily, settingPattern } from './setting.js';

const plainNames = SETTINGS.filter((s) => !isFamily(s)).map((s) => s.name);
const families = SETTINGS.filter(isFamily);

/** Every key `loadConfig` looks up in `env`, whether the configuration is accepted or refused. */
function keysRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, { get: (target, key) => (typeof key === 'string' && read.add(key), target[key as string]) });
  try {
    loadConfig(recording, PRESETS);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  return read;
}

/** The variable names in the first column of the README's configuration table (`_PRESET` stands for PROVIDER_<ID>_PRESET). */
function readmeNames(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('### The association pipeline'));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => {
      const cell = line.split('|')[1];
      return [...cell.matchAll(/`([A-Z_<>]+)`/g)].map(([, name]) => (name.startsWith('_') ? `PROVIDER_<ID>${name}` : name));
    });
}

describe('the configuration catalogue (src/config/settings/)', () => {
  it('should declare each variable once', () => {
    expect(SETTINGS.map((s) => s.name).filter((name, i, all) => all.indexOf(name) !== i)).toEqual([]);
  });

  it('should declare exactly what the configuration reads: nothing read undeclared, nothing declared unread', () => {
    const read = new Set([
      ...keysRead({}),
      ...keysRead({ NODE_ENV: 'development' }),
      ...keysRead({
        NODE_ENV: 'development',
        PROVIDERS: 'acme,fruit',
        PROVIDER_ACME_TYPE: 'oauth2',
        PROVIDER_ACME_DISPLAY_NAME: 'Acme',
        PROVIDER_ACME_CLIENT_IDS: 'a',
        PROVIDER_FRUIT_PRESET: 'apple',
        PROVIDER_FRUIT_CLIENT_IDS: 'com.example',
        PROVIDER_FRUIT_TEAM_ID: 'T',
        PROVIDER_FRUIT_KEY_ID: 'K',
      }),
    ]);

    expect([...read].filter((key) => !isDeclared(key))).toEqual([]);
    expect(plainNames.filter((name) => !read.has(name))).toEqual([]);
    expect(families.filter((family) => ![...read].some((key) => settingPattern(family.name).test(key))).map((f) => f.name)).toEqual([]);
  });

  it('should make EnvReader refuse a variable nobody declared', () => {
    expect(() => new EnvReader({ SOME_TYPO: 'x' }).raw('SOME_TYPO')).toThrow(/SOME_TYPO is not declared in src\/config\/settings/);
    expect(new EnvReader({ PROVIDER_ACME_ISSUER: ' https://idp ' }).raw('PROVIDER_ACME_ISSUER')).toBe('https://idp');
  });

  it('should give no secret a sample value and mark each of them in .env.example as empty', () => {
    expect(SETTINGS.filter((s) => s.secret && s.example !== undefined).map((s) => s.name)).toEqual([]);
    expect(renderEnvExample()).toMatch(/^JWT_PRIVATE_KEYS=$/m);
  });

  it('should match the committed .env.example (after a change: npm run env:example)', () => {
    expect(readFileSync('.env.example', 'utf8')).toBe(renderEnvExample());
  });

  it("should list every declared variable in the README's configuration table, and nothing else", () => {
    const documented = readmeNames();

    expect(SETTINGS.map((s) => s.name).filter((name) => !documented.includes(name))).toEqual([]);
    expect(
      documented.filter((name) => (name.includes('<') ? !isDeclared(name.replace(/<[A-Z]+>/g, 'ACME')) : !plainNames.includes(name))),
    ).toEqual([]);
  });
});
