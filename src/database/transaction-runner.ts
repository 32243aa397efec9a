import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';

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
