import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

const TABLES = ['users', 'social_accounts', 'refresh_tokens'] as const;

/**
 * Row counts and a checksum of every row of every table: two equal snapshots mean nothing was written in between
 * (an UPDATE that changes a timestamp included).
 */
export async function snapshotDatabase(dataSource: DataSource): Promise<Record<string, { rows: number; sha256: string }>> {
  const snapshot: Record<string, { rows: number; sha256: string }> = {};
  for (const table of TABLES) {
    const rows = (await dataSource.query(`SELECT * FROM ${table} ORDER BY id`)) as Array<Record<string, unknown>>;
    const canonical = rows.map((row) => Object.keys(row).sort().map((k) => [k, row[k] instanceof Date ? (row[k] as Date).toISOString() : row[k]]));
    snapshot[table] = { rows: rows.length, sha256: createHash('sha256').update(JSON.stringify(canonical)).digest('hex') };
  }
  return snapshot;
}
