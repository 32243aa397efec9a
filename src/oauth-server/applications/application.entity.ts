import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type ApplicationType = 'confidential' | 'public';

const json = { to: (value: unknown) => JSON.stringify(value), from: (value: string) => JSON.parse(value) as unknown };

/**
 * A third-party application (an OAuth client) registered with our authorization server. The secret is stored as
 * a hash only (`secretHash`, shown once when made); oidc-provider compares through `compareClientSecret`.
 */
@Entity('oauth_applications')
export class Application {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  clientId: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  type: ApplicationType;

  /** `sha256:` + base64url of the secret's SHA-256; null for public clients. The secret is 256 random bits. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  secretHash: string | null;

  /** Exact strings, compared whole (no prefix or wildcard). */
  @Column({ type: 'text', transformer: json })
  redirectUris: string[];

  @Column({ type: 'text', transformer: json })
  grantTypes: string[];

  /** The scope ceiling: what this application may ever be granted. */
  @Column({ type: 'text', transformer: json })
  scopes: string[];

  /** Our own application: consent is implied. */
  @Column({ type: 'boolean', default: false })
  firstParty: boolean;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
