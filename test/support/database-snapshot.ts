import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

const TABLES = ['users', 'social_accounts', 'refresh_tokens'] as const;

export type DatabaseSnapshot = Record<string, { rows: number; checksum: string }>;

/**
 * Row counts and a checksum of every row of every table: two equal snapshots mean nothing was written in between
 * (an UPDATE that only changes a timestamp included). On PostgreSQL one round trip (the server hashes the rows),
 * as the fuzz test takes one after every request.
 */
export async function snapshotDatabase(dataSource: DataSource): Promise<DatabaseSnapshot> {
  if (dataSource.options.type === 'postgres') {
    const columns = TABLES.map(
      (t) =>
        `(SELECT json_build_object('rows', count(*), 'checksum', md5(coalesce(string_agg(r::text, '|' ORDER BY r.id), ''))) FROM ${t} r) AS ${t}`,
    );
    const [row] = await dataSource.query<Array<Record<string, { rows: number; checksum: string }>>>(`SELECT ${columns.join(', ')}`);
    return Object.fromEntries(TABLES.map((t) => [t, row[t]]));
  }
  const snapshot: DatabaseSnapshot = {};
  for (const table of TABLES) {
    const rows = await dataSource.query<Array<Record<string, unknown>>>(`SELECT * FROM ${table} ORDER BY id`);
    const canonical = rows.map((row) =>
      Object.keys(row)
        .sort()
        .map((k) => [k, row[k] instanceof Date ? row[k].toISOString() : row[k]]),
    );
    snapshot[table] = { rows: rows.length, checksum: createHash('sha256').update(JSON.stringify(canonical)).digest('hex') };
  }
  return snapshot;
}
