import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, type EntityManager, type Repository } from 'typeorm';
import { AuditTrail, type AuditEntry } from '../../audit/audit-trail.service.js';
import { randomToken, sha256 } from '../../common/crypto/random.js';
import { AppError } from '../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { insertRow, type RowInsert } from '../../database/entity-rows.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import type { User } from '../../users/entities/user.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { SessionLiveness } from './session-liveness.js';

export interface ClientInfo {
  device: string | null;
  ip: string | null;
}

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
}

export interface RotatedSession extends IssuedRefreshToken {
  user: User;
}

type RotationOutcome =
  | { kind: 'rotated'; session: RotatedSession }
  | { kind: 'reused'; endedFamily?: string }
  | { kind: 'superseded' }
  | { kind: 'invalid'; message: string }
  | { kind: 'inactive'; endedFamily: string };

/**
 * Refresh tokens: opaque, stored as SHA-256 hashes, rotated on every use. A token is spent by a
 * compare-and-set (`usedAt IS NULL`), so of two refreshes racing with one token exactly one wins, and a
 * family never forks. Presenting a spent token revokes its whole family (`refresh_token_reused`), unless it was
 * spent less than `REFRESH_REUSE_GRACE_SECONDS` ago (then `refresh_token_superseded`, no revocation):
 * see docs/decisions/0003-refresh-token-races.md.
 */
@Injectable()
export class RefreshTokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    private readonly tx: TransactionRunner,
    private readonly liveness: SessionLiveness,
    private readonly metrics: MetricsService,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * A new family (a new session) for the login's transaction to insert: the row, and the token it stands for. The
   * caller inserts it with the session's audit event (AuditTrail.record), one statement on PostgreSQL.
   */
  newSession(userId: string, client: ClientInfo): { row: RowInsert<RefreshToken>; issued: IssuedRefreshToken } {
    const now = new Date();
    return this.build(userId, randomUUID(), now, client, now);
  }

  async rotate(token: string, client: ClientInfo): Promise<RotatedSession> {
    const outcome = await this.tx.run((manager) => this.tryRotate(manager, token, client));
    if ('endedFamily' in outcome && outcome.endedFamily) await this.liveness.ended(outcome.endedFamily);
    // A reuse that ended its family just now; the family's other tokens, presented later, count as refreshes only.
    if (outcome.kind === 'reused' && outcome.endedFamily) this.metrics.refreshTokenReused();
    if (outcome.kind === 'rotated') {
      this.metrics.tokenRefreshed('success');
      return outcome.session;
    }
    const error = rotationError(outcome);
    this.metrics.tokenRefreshed(error.code);
    throw error;
  }

  /** Ends the session the token belongs to. Any token of the family will do, spent or not. */
  async revokeByToken(token: string, client: ClientInfo | null = null): Promise<void> {
    const row = await this.tokens.findOne({ where: { tokenHash: sha256(token) } });
    if (!row) throw new AppError('invalid_refresh_token', 'Unknown refresh token');
    await this.tx.run((manager) => this.endFamily(manager, row, 'logout', { event: 'session_ended', client, detail: { how: 'logout' } }));
    await this.liveness.ended(row.familyId);
  }

  async endSession(userId: string, familyId: string, client: ClientInfo | null = null): Promise<void> {
    const ended = await this.tx.run(async (manager) => {
      const live = await manager.count(RefreshToken, { where: { userId, familyId, revokedAt: IsNull(), usedAt: IsNull() } });
      if (live === 0) return false;
      await this.endFamily(manager, { userId, familyId }, 'logout', { event: 'session_ended', client, detail: { how: 'one' } });
      return true;
    });
    if (!ended) throw new AppError('not_found', 'No such session');
    await this.liveness.ended(familyId);
  }

  async endAllSessions(userId: string, client: ClientInfo | null = null): Promise<void> {
    const families = await this.tokens.find({ select: { familyId: true }, where: { userId, revokedAt: IsNull() } });
    await this.tx.run(async (manager) => {
      await manager.update(RefreshToken, { userId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: 'logout_all' });
      await this.audit.record(manager, {
        event: 'session_ended',
        userId,
        client,
        detail: { how: 'logout_all', sessions: new Set(families.map((f) => f.familyId)).size },
      });
    });
    await Promise.all(families.map(({ familyId }) => this.liveness.ended(familyId)));
  }

  /** The user's live sessions: one live token per family. */
  listSessions(userId: string): Promise<RefreshToken[]> {
    return this.tokens.find({
      where: { userId, usedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC' },
    });
  }

  private async tryRotate(manager: EntityManager, token: string, client: ClientInfo): Promise<RotationOutcome> {
    const row = await manager.findOne(RefreshToken, { where: { tokenHash: sha256(token) }, relations: { user: true } });
    if (!row?.user) return { kind: 'invalid', message: 'Unknown refresh token' };
    if (row.revokedAt) {
      return row.revokedReason === 'reuse' ? { kind: 'reused' } : { kind: 'invalid', message: 'This session has ended' };
    }
    const now = new Date();
    if (row.usedAt) return this.onReuse(manager, row, now, client);
    if (row.expiresAt <= now) return { kind: 'invalid', message: 'The refresh token has expired' };
    if (!row.user.isActive) {
      await this.endFamily(manager, row, 'inactive');
      return { kind: 'inactive', endedFamily: row.familyId };
    }
    const spent = await manager.update(RefreshToken, { id: row.id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: now });
    if (spent.affected !== 1) return this.onReuse(manager, { ...row, usedAt: now }, now, client);
    const next = this.build(row.userId, row.familyId, row.sessionCreatedAt, client, now);
    await insertRow(manager, next.row.entity, next.row.values);
    return { kind: 'rotated', session: { ...next.issued, user: row.user } };
  }

  private async onReuse(manager: EntityManager, row: RefreshToken, now: Date, client: ClientInfo): Promise<RotationOutcome> {
    const graceMs = this.config.refresh.reuseGraceSeconds * 1000;
    if (graceMs > 0 && row.usedAt && now.getTime() - row.usedAt.getTime() < graceMs) return { kind: 'superseded' };
    // The client is whoever presented the spent token: possibly the thief, possibly the user after a theft.
    await this.endFamily(manager, row, 'reuse', { event: 'refresh_token_reused', client, detail: { session_ended: true } });
    return { kind: 'reused', endedFamily: row.familyId };
  }

  /** Revokes the family and, given an audit entry, records it for the family's session, in `manager`'s transaction. */
  private async endFamily(
    manager: EntityManager,
    { userId, familyId }: Pick<RefreshToken, 'userId' | 'familyId'>,
    reason: string,
    entry?: Pick<AuditEntry, 'event' | 'client' | 'detail'>,
  ): Promise<void> {
    // Callers announce the end (SessionLiveness.ended) after the commit, so no instance re-reads the row as live.
    await manager.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    if (entry) await this.audit.record(manager, { ...entry, userId, sessionId: familyId });
  }

  /** A token of the family, and the row that stores it. */
  private build(userId: string, familyId: string, sessionCreatedAt: Date, client: ClientInfo, now: Date) {
    const token = randomToken();
    const values = {
      id: randomUUID(),
      familyId,
      userId,
      tokenHash: sha256(token),
      device: client.device,
      ip: client.ip,
      sessionCreatedAt,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.refresh.ttlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
      revokedReason: null,
    };
    return {
      row: { entity: RefreshToken, values } satisfies RowInsert<RefreshToken>,
      issued: { token, familyId } satisfies IssuedRefreshToken,
    };
  }
}

function rotationError(outcome: Exclude<RotationOutcome, { kind: 'rotated' }>): AppError {
  switch (outcome.kind) {
    case 'reused':
      return new AppError('refresh_token_reused', 'This refresh token was already used; the session has been ended for safety');
    case 'superseded':
      return new AppError('refresh_token_superseded', 'This refresh token was just rotated by a concurrent request; use the newest one');
    case 'inactive':
      return new AppError('account_inactive', 'This account is inactive');
    case 'invalid':
      return new AppError('invalid_refresh_token', outcome.message);
  }
}
