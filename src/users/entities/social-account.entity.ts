import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { SealedPlace } from '../../common/crypto/secret-box.js';
import { User } from './user.entity.js';

export type ExtraData = Record<string, string | number | boolean | null | string[]>;

/** One identity at one provider, linked to one user. (provider, uid) is unique: an identity has one owner. */
@Entity('social_accounts')
@Index('UQ_social_accounts_provider_uid', ['provider', 'uid'], { unique: true })
export class SocialAccount {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('IDX_social_accounts_user')
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;

  @Column({ type: 'varchar', length: 50 })
  provider: string;

  @Column({ type: 'varchar', length: 255 })
  uid: string;

  /** What the provider said beyond the normalized profile (scopes, locale, hosted domain, ...). Never tokens. */
  @Column({ type: 'simple-json', nullable: true })
  extraData: ExtraData | null;

  /** AES-256-GCM ciphertexts (`SecretBox`), never plaintext, each sealed for its row and column (`tokenPlace`). */
  @Column({ type: 'text', nullable: true })
  accessTokenEncrypted: string | null;

  @Column({ type: 'text', nullable: true })
  refreshTokenEncrypted: string | null;

  @Column({ type: Date, nullable: true })
  tokenExpiresAt: Date | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}

export type TokenColumn = 'accessTokenEncrypted' | 'refreshTokenEncrypted';

/** What a stored provider token is sealed for: this column of this row, so it cannot be moved to another. */
export const tokenPlace = (accountId: string, column: TokenColumn): SealedPlace => ({
  purpose: `social_accounts.${column}`,
  id: accountId,
});
