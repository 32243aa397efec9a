import { z } from 'zod';
import { isDeclared } from './settings/index.js';
import type { Variable } from './settings/setting.js';

/** The one boot error: every bad key, each problem on its own line, named by its variable. */
export class ConfigError extends Error {
  /** `note`: one line of context for the whole list (why production rules apply). */
  constructor(
    readonly problems: string[],
    note?: string,
  ) {
    super(`Invalid configuration${note ? ` (${note})` : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Runs variables through their schemas (src/config/settings/) and remembers every problem instead of throwing at
 * the first, so one `ConfigError` names every bad key. Families of variables (`PROVIDER_<ID>_*`), which no fixed
 * schema lists, are read by name here too.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  problem(key: string, message: string): void {
    this.problems.push(`${key} ${message}`);
  }

  hasProblem(key: string): boolean {
    return this.problems.some((problem) => problem.startsWith(`${key} `));
  }

  throwIfProblems(note?: string): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems, note);
  }

  raw(key: string): string | undefined {
    // A programming error, not a configuration one: every variable is declared once, with its default and meaning.
    if (!isDeclared(key))
      throw new Error(`EnvReader: ${key} is not declared in src/config/settings/; add it there (and to the README's configuration table)`);
    const value = this.env[key];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  /** `key` through its schema; a value with problems reports each (zod's issues, named by `key`) and reads as unset. */
  read<T>(key: string, schema: Variable<T>): T {
    const result = schema.safeParse(this.raw(key));
    if (result.success) return result.data;
    for (const issue of result.error.issues) this.problem(key, issue.message);
    return schema.parse(undefined);
  }

  /** Every variable of a group (or of several: `z.object({ ...A.shape, ...B.shape })`), typed by its schema. */
  readAll<S extends Record<string, Variable>>(schema: z.ZodObject<S>): z.output<z.ZodObject<S>> {
    return Object.fromEntries(Object.entries(schema.shape).map(([key, variable]) => [key, this.read(key, variable)])) as z.output<
      z.ZodObject<S>
    >;
  }
}
