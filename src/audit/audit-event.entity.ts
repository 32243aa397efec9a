import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What happened: the `event` of a log line and of a row. Add a name here before recording it anywhere. */
export const AUDIT_EVENTS = [
  'sign_in',
  'account_linked',
  'account_unlinked',
  'session_ended',
  'refresh_token_reused',
  'authorization_granted',
  'authorization_revoked',
  'application_created',
  'application_updated',
  'application_secret_rotated',
  'application_deleted',
] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** Small facts about an event (the sign-in flow, why a session ended, which application): never a token, code, secret or email. */
export type AuditDetail = Record<string, string | boolean | number>;

/**
 * One security event of one user, as `GET /users/me/activity` shows it (docs/decisions/0030-audit-trail.md).
 * No foreign key to `users`: the row is written last in the transaction of the change and costs no lookup, and
 * the retention timer, not a cascade, decides when it goes.
 */
@Entity('audit_events')
@Index('IDX_audit_events_user_created', ['userId', 'createdAt'])
export class AuditEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 40 })
  event: AuditEventName;

  @Column({ type: 'varchar', length: 50, nullable: true })
  provider: string | null;

  /** The session (refresh-token family) the event started or ended. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  sessionId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  /** "Firefox on Linux", not the whole User-Agent. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  userAgent: string | null;

  @Column({ type: 'simple-json', nullable: true })
  detail: AuditDetail | null;

  @Index('IDX_audit_events_created')
  @Column({ type: Date })
  createdAt: Date;
}
