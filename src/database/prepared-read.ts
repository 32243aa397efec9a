import type { DataSource } from 'typeorm';

type Row = Record<string, unknown>;

interface SqliteStatement {
  get(...params: unknown[]): Row | undefined;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}

/**
 * One fixed SELECT that returns at most one row, run on the driver's own connection instead of through
 * TypeORM's query runner: for reads on every request (the user of a token), where the runner's bookkeeping
 * (subscriber broadcasts, a pool checkout per query, several awaits) cost more than the query itself
 * (docs/decisions/0006-request-path-performance.md).
 *
 * - SQLite (better-sqlite3): a statement prepared once and run synchronously on TypeORM's one connection, the
 *   connection every other query of this process uses.
 * - PostgreSQL (pg): a named prepared statement on the pool TypeORM opened, so each pooled connection parses
 *   the text once. The pool's timeouts (data-source.ts) apply.
 *
 * The statement still goes to the DataSource's logger, as every TypeORM query does, so `DATABASE_LOGGING` and
 * the tests that count statements see it.
 */
export class PreparedRead {
  private run: ((params: unknown[]) => Promise<Row | undefined>) | undefined;

  /** `name` identifies the statement on PostgreSQL connections: one name per distinct SQL text. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly name: string,
    private readonly sql: string,
  ) {}

  one(params: unknown[]): Promise<Row | undefined> {
    this.dataSource.logger.logQuery(this.sql, params);
    return (this.run ??= this.prepare())(params);
  }

  private prepare(): (params: unknown[]) => Promise<Row | undefined> {
    const { driver, options } = this.dataSource;
    if (options.type === 'better-sqlite3') {
      const statement = (driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection.prepare(this.sql);
      return (params) => {
        try {
          return Promise.resolve(statement.get(...params));
        } catch (error) {
          return Promise.reject(error as Error);
        }
      };
    }
    if (options.type === 'postgres') {
      const pool = (driver as unknown as { master: PgPool }).master;
      return async (params) => (await pool.query({ name: this.name, text: this.sql, values: params })).rows[0];
    }
    throw new Error(`PreparedRead does not support the ${options.type} driver`);
  }
}
