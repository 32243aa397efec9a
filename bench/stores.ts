/**
 * The databases a set-up runs on: SQLite in the temp dir, or a fresh PostgreSQL schema and Redis key prefix per
 * set-up, removed at the end (also on Ctrl-C or an error).
 */
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { disposers, isLoopback, notes, progress, runId, tmpDir } from './context.js';

export interface Database {
  /** As printed in the table: 'SQLite', 'PostgreSQL', 'PostgreSQL+Redis'. */
  label: string;
  /** Unique per set-up in this run: file names and client ids. */
  key: string;
  /**
   * The set-up without the Node: prefix of the login identities. Short on purpose: usernames are made from the
   * email's local part cut to 30 characters, and longer prefixes would make first logins share (and race for) them.
   */
  kind: 'sqlite' | 'postgres' | 'postgres2';
  url?: string;
  /** REDIS_URL and this run's REDIS_KEY_PREFIX for the servers, when Redis is used. */
  redis?: { url: string; keyPrefix: string };
}

export async function preparePostgres(databaseUrl: string, suffix: string): Promise<string> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === 'test')
    throw new Error('DATABASE_URL names the database "test", which the test suite owns: use another one (e.g. bench)');
  if (url.searchParams.has('options'))
    throw new Error('DATABASE_URL already has an `options` parameter; the bench sets search_path through it');
  const schema = `bench_${runId}${suffix}`;
  await withPg(databaseUrl, (client) => client.query(`CREATE SCHEMA "${schema}"`));
  disposers.push(() => withPg(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => undefined));
  url.searchParams.set('options', `-c search_path=${schema}`);
  notes.push(`PostgreSQL: database "${database}", schema ${schema} made for this run and dropped at the end.`);
  return url.toString();
}

export async function prepareRedis(redisUrl: string, setup: string): Promise<{ url: string; keyPrefix: string }> {
  if (!/^rediss?:\/\//.test(redisUrl)) throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got "${redisUrl}"`);
  const keyPrefix = `bench-${runId}-${setup}:`;
  await withRedis(redisUrl, (client) => client.ping());
  disposers.push(async () => {
    const deleted = await withRedis(redisUrl, async (client) => {
      let cursor = '0';
      let n = 0;
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) n += await client.del(...keys);
      } while (cursor !== '0');
      return n;
    });
    progress(`Redis: deleted ${deleted} keys with prefix ${keyPrefix}`);
  });
  notes.push(`Redis: key prefix ${keyPrefix} for the ${setup} set-up; its keys are deleted at the end (SCAN + DEL).`);
  return { url: redisUrl, keyPrefix };
}

/** Rows written straight into the set-up's database (the bench's OAuth clients and refresh tokens). */
export async function insertRows(db: Database, table: string, columns: string, rows: unknown[][]): Promise<void> {
  const width = rows[0].length;
  if (db.url) {
    await withPg(db.url, async (client) => {
      for (const values of rows)
        await client.query(`INSERT INTO ${table} (${columns}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    });
  } else {
    const sqlite = new SqliteDatabase(join(tmpDir, `${db.key}.sqlite`));
    try {
      const insert = sqlite.prepare(`INSERT INTO ${table} (${columns}) VALUES (${Array(width).fill('?').join(', ')})`);
      sqlite.transaction(() => rows.forEach((values) => insert.run(...values)))();
    } finally {
      sqlite.close();
    }
  }
}

/** A PostgreSQL and a Redis on this machine work for our server: their CPU time is not "other processes". */
export function servicesUnderTest(db: Database): string[] {
  return [
    ...(db.url && isLoopback(new URL(db.url).hostname) ? ['postgres'] : []),
    ...(db.redis && isLoopback(new URL(db.redis.url).hostname) ? ['redis-server'] : []),
  ];
}

async function withPg<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Cannot connect to DATABASE_URL: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function withRedis<T>(url: string, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
  client.on('error', () => undefined); // reported through the failing command
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`Cannot connect to REDIS_URL: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await work(client);
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}
