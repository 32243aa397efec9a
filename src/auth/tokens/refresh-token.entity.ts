import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity.js';

/**
 * One refresh token. Tokens of one login share a `familyId`: the family *is* the session the user sees in
 * `GET /auth/sessions`. Only a hash is stored. A rotated token gets `usedAt`; presenting it again revokes the
 * whole family. At most one row per family is live (not used, not revoked): that is the invariant rotation keeps.
 */
@Entity('refresh_tokens')
@Index('IDX_refresh_tokens_family', ['familyId'])
@Index('IDX_refresh_tokens_user', ['userId'])
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  familyId: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;

  @Index('UQ_refresh_tokens_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  /** Device as the client described it (User-Agent), for the session list. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  device: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  /** When the family (the session) began; copied to each rotation so listing sessions reads one row. */
  @Column({ type: Date })
  sessionCreatedAt: Date;

  /** When this token was issued, which is when the session was last used. */
  @CreateDateColumn()
  createdAt: Date;

  @Column({ type: Date })
  expiresAt: Date;

  @Column({ type: Date, nullable: true })
  usedAt: Date | null;

  @Column({ type: Date, nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  revokedReason: string | null;
}
