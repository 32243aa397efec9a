import { createHash } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

export type Row = Record<string, unknown>;

interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): Row[];
  run(...params: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}
interface PgQueryable {
  query(config: { name: string | undefined; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}

type Runner = (params: unknown[], manager: EntityManager | undefined) => Promise<Row[]>;

export interface StatementOptions {
  /**
   * PostgreSQL: plan the statement at every run, with that run's values (the unnamed statement), instead of keeping
   * it prepared on each connection. After five runs of a named statement PostgreSQL may switch to one generic plan
   * and keep it; made while the table was small, that plan can be a sequential scan, which then stays as the table
   * grows, until autovacuum next analyzes it (measured: a fresh deployment's username lookup read the whole users
   * table on every first login). For statements whose best plan depends on the values and the table's size, such as
   * an IN list probing an index; a lookup by one unique key gets an index scan from any plan. SQLite: no difference.
   */
  readonly planEachRun?: boolean;
}

/** Statements already prepared, per DataSource, by SQL text: a step made with `new` finds the one prepared before. */
const prepared = new WeakMap<DataSource, Map<string, PreparedStatement>>();

/**
 * One fixed statement, prepared once, run on the driver's own connection instead of through TypeORM's query runner
 * and query builder: for the statements of every request or every login, where the ORM's bookkeeping (building the
 * SQL, subscriber broadcasts, a pool checkout, several awaits, entity hydration) costs more than the query itself
 * (docs/decisions/0006-request-path-performance.md).
 *
 * - SQLite (better-sqlite3): `prepare` once on TypeORM's one connection, the one every query and transaction of
 *   this process uses; run synchronously.
 * - PostgreSQL (pg): a named prepared statement, so each connection parses the text once. Given the manager of a
 *   transaction, it runs on that transaction's connection; otherwise on the pool TypeORM opened (its timeouts apply).
 *
 * The statement still goes to the DataSource's logger, as every TypeORM query does, so `DATABASE_LOGGING` and the
 * tests that count statements see it; a failure is a QueryFailedError, as TypeORM throws (isUniqueViolation reads it).
 */
export class PreparedStatement {
  private runner: Runner | undefined;

  /** The statement for `sql` on `dataSource`, prepared at its first run and kept for the DataSource's lifetime. */
  static for(dataSource: DataSource, sql: string, options: StatementOptions = {}): PreparedStatement {
    let statements = prepared.get(dataSource);
    if (!statements) prepared.set(dataSource, (statements = new Map<string, PreparedStatement>()));
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = new PreparedStatement(dataSource, sql, undefined, options)));
    return statement;
  }

  /** `name` identifies the statement on PostgreSQL connections: one name per distinct SQL text (default: from its hash). */
  constructor(
    private readonly dataSource: DataSource,
    readonly sql: string,
    private readonly name = `nsa_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`,
    private readonly options: StatementOptions = {},
  ) {}

  /** The rows it returns (none for a write). `manager`: the transaction to run in, on PostgreSQL. */
  rows(params: unknown[], manager?: EntityManager): Promise<Row[]> {
    this.dataSource.logger.logQuery(this.sql, params);
    return (this.runner ??= this.prepare())(params, manager);
  }

  async one(params: unknown[], manager?: EntityManager): Promise<Row | undefined> {
    return (await this.rows(params, manager))[0];
  }

  private prepare(): Runner {
    const { driver, options } = this.dataSource;
    if (options.type === 'better-sqlite3') {
      const sqlite = driver as unknown as { databaseConnection: SqliteConnection };
      // Prepared on the connection of the moment; again if the DataSource was destroyed and initialized since.
      let connection: SqliteConnection | undefined;
      let statement: SqliteStatement;
      return (params) => {
        try {
          if (sqlite.databaseConnection !== connection) statement = (connection = sqlite.databaseConnection).prepare(this.sql);
          if (statement.reader) return Promise.resolve(statement.all(...params));
          statement.run(...params);
          return Promise.resolve([]);
        } catch (error) {
          return Promise.reject(this.failed(error, params));
        }
      };
    }
    if (options.type === 'postgres') {
      const pg = driver as unknown as { master: PgQueryable };
      // Without a name, node-postgres sends the unnamed statement: parsed and planned with each run's values.
      const name = this.options.planEachRun ? undefined : this.name;
      return async (params, manager) => {
        // In a transaction: its connection (TypeORM connected it at BEGIN); elsewhere any pooled connection.
        const client = (manager?.queryRunner as { databaseConnection?: PgQueryable } | undefined)?.databaseConnection ?? pg.master;
        try {
          return (await client.query({ name, text: this.sql, values: params })).rows;
        } catch (error) {
          throw this.failed(error, params);
        }
      };
    }
    throw new Error(`PreparedStatement does not support the ${options.type} driver`);
  }

  private failed(error: unknown, params: unknown[]): QueryFailedError {
    this.dataSource.logger.logQueryError(error as Error, this.sql, params);
    return new QueryFailedError(this.sql, params, error as Error);
  }
}
