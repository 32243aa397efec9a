import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, LessThan, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { insertRows, type RowInsert } from '../database/entity-rows.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { AuditEvent, type AuditDetail, type AuditEventName } from './audit-event.entity.js';
import { summarizeUserAgent } from './user-agent-summary.js';

export interface AuditEntry {
  event: AuditEventName;
  userId: string;
  /** Where the request came from, as sessions record it (`ClientInfo`). */
  client?: { ip: string | null; device: string | null } | null;
  provider?: string | null;
  sessionId?: string | null;
  detail?: AuditDetail;
}

/** Where a page of activity ends: the next page starts strictly older than this event. */
export interface ActivityCursor {
  createdAt: Date;
  id: string;
}

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The audit trail: each security event is one row in `audit_events`, written with the manager of the change's own
 * transaction (so a rolled-back login leaves no "signed in" behind), and one `Audit` log line. Rows older than
 * `AUDIT_RETENTION_DAYS` are deleted at boot and hourly by each instance: one indexed DELETE, never on a request.
 */
@Injectable()
export class AuditTrail implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private timer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * One INSERT in `manager`'s transaction; call it last there, so the log line is of a change about to commit.
   * `alongside`: rows of the change itself to insert in the same statement (the login's new session), so on
   * PostgreSQL the event costs no round trip of its own (`insertRows`).
   */
  async record(manager: EntityManager, entry: AuditEntry, alongside: RowInsert[] = []): Promise<void> {
    const row = {
      id: randomUUID(),
      userId: entry.userId,
      event: entry.event,
      provider: entry.provider ?? null,
      sessionId: entry.sessionId ?? null,
      ip: entry.client?.ip ?? null,
      userAgent: summarizeUserAgent(entry.client?.device),
      detail: entry.detail ?? null,
      createdAt: new Date(),
    };
    await insertRows(manager, [...alongside, { entity: AuditEvent, values: row }]);
    const { id: _id, detail, createdAt: _at, ...fields } = row;
    // The row's own fields last: no detail can pass for a user or session id.
    this.logger.log({ msg: `audit ${row.event}`, ...detail, ...fields });
  }

  /** For a change made outside our transactions (oidc-provider saved a grant through its adapter): the event alone, after it. */
  recordAfter(entry: AuditEntry): Promise<void> {
    return this.tx.run((manager) => this.record(manager, entry));
  }

  /** A user's events, newest first. */
  list(userId: string, limit: number, before?: ActivityCursor): Promise<AuditEvent[]> {
    const query = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.userId = :userId', { userId })
      .orderBy('e.createdAt', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit);
    if (before) {
      query.andWhere('(e.createdAt < :at OR (e.createdAt = :at AND e.id < :id))', { at: before.createdAt, id: before.id });
    }
    return query.getMany();
  }

  /** Deletes the events older than the retention; returns how many went. */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.audit.retentionDays * 86_400_000);
    // Through the TransactionRunner like every write: on SQLite it must not land inside a login's open transaction.
    const result = await this.tx.run((manager) => manager.delete(AuditEvent, { createdAt: LessThan(cutoff) }));
    return result.affected ?? 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    await (this.pruning = this.pruneAndLog());
    this.timer = setInterval(() => void (this.pruning = this.pruneAndLog()), PRUNE_INTERVAL_MS).unref();
  }

  /** Before the database closes (`onApplicationShutdown`): no prune starts, and one under way finishes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.pruning;
  }

  private async pruneAndLog(): Promise<void> {
    try {
      const deleted = await this.prune();
      if (deleted > 0) this.logger.log(`Deleted ${deleted} audit event(s) older than ${this.config.audit.retentionDays} days`);
    } catch (error) {
      // Pruning is housekeeping: a failure waits for the next hour, it never stops the app.
      this.logger.warn(`Pruning audit events failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
