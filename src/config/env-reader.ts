import { createHash } from 'node:crypto';
import { ConfigError } from './app-config.js';
import { isDeclared } from './settings/index.js';

/** Reads typed values out of the environment and remembers every problem instead of throwing at the first. */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  problem(key: string, message: string): void {
    this.problems.push(`${key} ${message}`);
  }

  throwIfProblems(note?: string): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems, note);
  }

  raw(key: string): string | undefined {
    // A programming error, not a configuration one: every variable is declared once, with its default and meaning.
    if (!isDeclared(key)) throw new Error(`EnvReader: ${key} is not declared in src/config/settings/; add it there (and to the README's configuration table)`);
    const value = this.env[key];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(key: string, fallback: string): string {
    return this.raw(key) ?? fallback;
  }

  optional(key: string, rule?: { pattern: RegExp; hint: string }): string | undefined {
    const value = this.raw(key);
    if (value !== undefined && rule && !rule.pattern.test(value)) this.problem(key, `must be ${rule.hint}`);
    return value;
  }

  int(key: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n)) {
      this.problem(key, `must be a whole number, got "${value}"`);
      return fallback;
    }
    if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
      this.problem(key, `must be between ${range.min ?? '-∞'} and ${range.max ?? '∞'}, got ${n}`);
    }
    return n;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.raw(key)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problem(key, `must be true or false, got "${value}"`);
    return fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problem(key, `must be one of ${allowed.join(', ')}, got "${value}"`);
    return fallback;
  }

  list(key: string, fallback: string[]): string[] {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    return value.split(',').map((s) => s.trim()).filter(Boolean);
  }

  url(key: string, fallback: string): string {
    const value = this.string(key, fallback);
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
    } catch {
      this.problem(key, `must be an http(s) URL, got "${value}"`);
    }
    return value;
  }

  /** PEM keys separated by blank lines or given with literal "\n" (one-line env files). */
  pemList(key: string): string[] {
    const value = this.raw(key);
    if (value === undefined) return [];
    const text = value.replace(/\\n/g, '\n');
    const keys = text.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g) ?? [];
    if (keys.length === 0) this.problem(key, 'must hold one or more PEM private keys');
    return keys;
  }

  /**
   * `ENCRYPTION_KEYS=id1:base64key,id2:base64key`: the first encrypts, all decrypt, so a key can be rotated
   * without re-encrypting old rows at once. Keys are 32 bytes (AES-256-GCM).
   */
  encryptionKeys(key: string, allowDevDefault: boolean): Array<{ id: string; key: Buffer }> {
    const value = this.raw(key);
    if (value === undefined) {
      if (!allowDevDefault) {
        this.problem(key, 'is required in production (id:base64-of-32-bytes, comma separated)');
        return [];
      }
      // Development only: a fixed, public key so a restarted dev server can still read its own rows.
      return [{ id: 'dev', key: createHash('sha256').update('nest-social-auth development key').digest() }];
    }
    const keys = value.split(',').map((entry, i) => {
      const [id, b64] = entry.trim().split(':');
      const bytes = Buffer.from(b64 ?? '', 'base64');
      if (!id || bytes.length !== 32) this.problem(key, `entry ${i + 1} must be id:base64 of exactly 32 bytes`);
      return { id: id ?? `k${i}`, key: bytes };
    });
    const ids = keys.map((k) => k.id);
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (repeated.length > 0) this.problem(key, `names key id "${repeated[0]}" twice; ids must be unique`);
    return keys;
  }
}
