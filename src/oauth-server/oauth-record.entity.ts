import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One thing oidc-provider persists (a session, an interaction, a grant, a code, a refresh token, a registration
 * access token…), by its model name and the SHA-256 of its id: the ids are bearer secrets (cookie values, codes,
 * tokens), so a read of this table yields none of them. `payload` is oidc-provider's JSON without the id.
 */
@Entity('oauth_records')
@Index('IDX_oauth_records_grant', ['grantIdHash'])
@Index('IDX_oauth_records_uid', ['uidHash'])
@Index('IDX_oauth_records_account', ['accountId'])
@Index('IDX_oauth_records_expires', ['expiresAt'])
export class OAuthRecord {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  model: string;

  /** Hex SHA-256 of the id. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  idHash: string;

  @Column({ type: 'text' })
  payload: string;

  /** Hex SHA-256 of the grant the row belongs to, for `revokeByGrantId`; for a Grant row, of its own id. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  grantIdHash: string | null;

  /** Sessions only: hex SHA-256 of the session's `uid` (`findByUid`). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  uidHash: string | null;

  /** Sessions and grants: the id encrypted (SecretBox), for `findByUid` and the consent remembered per (user, client). */
  @Column({ type: 'text', nullable: true })
  sealedId: string | null;

  /** Hex SHA-256 of a device flow's user code (unused while the device flow is off). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  userCodeHash: string | null;

  /** Our user, for grants: what `GET /users/me/authorizations` lists, and the consent remembered per (user, client). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  accountId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  clientId: string | null;

  @Column({ type: Date, nullable: true })
  expiresAt: Date | null;

  /** Set once, by one `UPDATE … WHERE consumedAt IS NULL`: a second consumer of a code or refresh token fails. */
  @Column({ type: Date, nullable: true })
  consumedAt: Date | null;

  @Column({ type: Date })
  createdAt: Date;
}
