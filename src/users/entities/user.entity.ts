import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('users')
export class User {
  /** UUIDs made in the app, not by the database, so one migration serves SQLite and PostgreSQL. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 150, unique: true })
  username: string;

  /**
   * Lower-cased, and only an address a provider we trust for linking vouched for: unique, so one account owns it.
   * An address nobody vouched for never takes this slot (`unverifiedEmail`), or whoever typed someone else's
   * address first would keep its owner out (docs/email-trust.md, docs/decisions/0010-unverified-email-column.md).
   */
  @Column({ type: 'varchar', length: 320, nullable: true, unique: true })
  email: string | null;

  /** True exactly when `email` is set (every address in it was trusted); kept for readers of the table. */
  @Column({ type: 'boolean', default: false })
  emailVerified: boolean;

  /** Lower-cased; an address no trusted provider vouched for (Facebook's, a typed one...). Not unique, never matched. */
  @Column({ type: 'varchar', length: 320, nullable: true })
  unverifiedEmail: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  firstName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  lastName: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  picture: string | null;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
