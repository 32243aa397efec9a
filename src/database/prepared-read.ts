import type { DataSource } from 'typeorm';
import { PreparedStatement, type Row } from './prepared-statement.js';

/**
 * One fixed SELECT that returns at most one row, prepared once on the driver (PreparedStatement), outside any
 * transaction: for reads on every request (the user of a token).
 */
export class PreparedRead {
  private readonly statement: PreparedStatement;

  /** `name` identifies the statement on PostgreSQL connections: one name per distinct SQL text. */
  constructor(dataSource: DataSource, name: string, sql: string) {
    this.statement = new PreparedStatement(dataSource, sql, name);
  }

  one(params: unknown[]): Promise<Row | undefined> {
    return this.statement.one(params);
  }
}
