import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unverified addresses leave the unique `users.email` for a column of their own, `unverifiedEmail`, which is not
 * unique (docs/decisions/0010-unverified-email-column.md). Plain SQL that SQLite and PostgreSQL both run as is:
 * TypeORM's schema API rebuilds a SQLite table for any column change, and a rebuild of `users` inside the
 * migration's transaction (where SQLite ignores `PRAGMA foreign_keys = OFF`) would cascade-delete its children.
 */
export class UnverifiedEmail1765000000000 implements MigrationInterface {
  name = 'UnverifiedEmail1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD COLUMN "unverifiedEmail" varchar(320) NULL');
    // Both right-hand sides read the row as it was, on SQLite as on PostgreSQL.
    await queryRunner.query(
      `UPDATE "users" SET "unverifiedEmail" = "email", "email" = NULL WHERE "email" IS NOT NULL AND "emailVerified" = ${sqlBoolean(queryRunner, false)}`,
    );
  }

  /**
   * Back to one unique column: an unverified address returns to `email` only where no other row has it there, one
   * row per address (the oldest); the others lose it, as the old schema could not hold two.
   */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE "users" SET "email" = "unverifiedEmail", "emailVerified" = ${sqlBoolean(queryRunner, false)}
      WHERE "email" IS NULL AND "unverifiedEmail" IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "users" "holder" WHERE "holder"."email" = "users"."unverifiedEmail")
        AND "id" = (
          SELECT "first"."id" FROM "users" "first" WHERE "first"."unverifiedEmail" = "users"."unverifiedEmail" AND "first"."email" IS NULL
          ORDER BY "first"."createdAt", "first"."id" LIMIT 1
        )`);
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "unverifiedEmail"');
  }
}

/** A boolean literal: `false`/`true` on PostgreSQL; 0/1 on SQLite, where TypeORM stores booleans as integers. */
function sqlBoolean(queryRunner: QueryRunner, value: boolean): string {
  if (queryRunner.connection.driver.options.type === 'postgres') return value ? 'true' : 'false';
  return value ? '1' : '0';
}
