import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';

/**
 * Runs work as one database transaction, the only way this codebase writes.
 *
 * TypeORM's SQLite drivers share a single connection and query runner, so two transactions started at once
 * would interleave on it (the second nests as a savepoint inside the first). On SQLite we therefore queue
 * transactions in this process. PostgreSQL runs them concurrently and unique constraints settle races:
 * `runWithRetryOnConflict` replays the work once, when it then sees the row the winner committed.
 */
@Injectable()
export class TransactionRunner {
  private readonly serialize: boolean;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {
    this.serialize = dataSource.options.type !== 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialize) return this.dataSource.transaction(work);
    const result = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async runWithRetryOnConflict<T>(work: (manager: EntityManager) => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.run(work);
      } catch (error) {
        if (attempt >= attempts || !(isUniqueViolation(error) || isReplayableConflict(error))) throw error;
      }
    }
  }
}

/**
 * An error a step throws when it finds a unique value taken that it checked for before writing (so it can
 * answer a 4xx instead of meeting the index): replayed like a unique violation, since the holder may be a
 * concurrent login that committed since the step's earlier reads; the last attempt's error is the answer.
 */
export interface ReplayableConflict {
  readonly replayOnConflict: true;
}

function isReplayableConflict(error: unknown): error is ReplayableConflict {
  return typeof error === 'object' && error !== null && (error as Partial<ReplayableConflict>).replayOnConflict === true;
}

export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = String((error.driverError as { code?: unknown } | undefined)?.code ?? '');
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** One row for `insertRows`. */
export interface RowInsert<T extends ObjectLiteral = ObjectLiteral> {
  entity: EntityTarget<T>;
  values: QueryDeepPartialEntity<T>;
}

/**
 * Several rows, into one table or several, as one statement on PostgreSQL: each INSERT but the last becomes a
 * data-modifying CTE (`WITH w0 AS (INSERT …) INSERT …`), which PostgreSQL runs in full, so N rows cost one round
 * trip instead of N. SQLite has no such CTEs, and runs in this process where a statement costs no round trip: one
 * `insertRow` each there.
 */
export async function insertRows(manager: EntityManager, rows: RowInsert[]): Promise<void> {
  if (manager.connection.options.type !== 'postgres' || rows.length < 2) {
    for (const row of rows) await insertRow(manager, row.entity, row.values);
    return;
  }
  const parameters: unknown[] = [];
  const statements = rows.map(({ entity, values }) => {
    const [sql, own] = manager.createQueryBuilder().insert().into(entity).values(values).updateEntity(false).getQueryAndParameters();
    const offset = parameters.length;
    parameters.push(...own);
    // Placeholders are numbered per statement ($1…); identifiers are quoted and values are parameters, so `$n` is never data.
    return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  const last = statements.pop()!;
  await manager.query(`WITH ${statements.map((sql, i) => `w${i} AS (${sql})`).join(', ')} ${last}`, parameters);
}

/**
 * INSERT without TypeORM's follow-up SELECT of generated columns (it does one on SQLite after every `insert`).
 * Callers set every column themselves, so there is nothing to read back.
 */
export async function insertRow<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, values: QueryDeepPartialEntity<T>): Promise<void> {
  await manager.createQueryBuilder().insert().into(entity).values(values).updateEntity(false).execute();
}
