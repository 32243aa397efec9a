import type { DataSource, Logger } from 'typeorm';

/** Records every statement a DataSource sends, to count round trips or find the writes of a step. */
export class StatementRecorder implements Logger {
  statements: Array<{ sql: string; parameters: unknown[] }> = [];

  /** Records the statements `work` causes on `dataSource`, then puts the original logger back. */
  static async during(dataSource: DataSource, work: () => Promise<unknown>): Promise<StatementRecorder['statements']> {
    const recorder = new StatementRecorder();
    const original = dataSource.logger;
    Object.assign(dataSource, { logger: recorder });
    try {
      await work();
    } finally {
      Object.assign(dataSource, { logger: original });
    }
    return recorder.statements;
  }

  logQuery(query: string, parameters: unknown[] = []): void {
    this.statements.push({ sql: query.trim(), parameters });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
