import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Written with TypeORM's schema API rather than SQL so it runs unchanged on SQLite and PostgreSQL
 * (the only per-driver choice is the timestamp type).
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = queryRunner.connection.driver.options.type === 'postgres' ? 'timestamp' : 'datetime';
    const now = queryRunner.connection.driver.options.type === 'postgres' ? 'now()' : "datetime('now')";
    const id = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
    const created = { name: 'createdAt', type: ts, default: now };
    const updated = { name: 'updatedAt', type: ts, default: now };

    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '150', isUnique: true },
          { name: 'email', type: 'varchar', length: '320', isNullable: true, isUnique: true },
          { name: 'emailVerified', type: 'boolean', default: false },
          { name: 'name', type: 'varchar', length: '200', isNullable: true },
          { name: 'firstName', type: 'varchar', length: '100', isNullable: true },
          { name: 'lastName', type: 'varchar', length: '100', isNullable: true },
          { name: 'picture', type: 'varchar', length: '2048', isNullable: true },
          { name: 'isActive', type: 'boolean', default: true },
          created,
          updated,
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'social_accounts',
        columns: [
          id,
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'provider', type: 'varchar', length: '50' },
          { name: 'uid', type: 'varchar', length: '255' },
          { name: 'extraData', type: 'text', isNullable: true },
          { name: 'accessTokenEncrypted', type: 'text', isNullable: true },
          { name: 'refreshTokenEncrypted', type: 'text', isNullable: true },
          { name: 'tokenExpiresAt', type: ts, isNullable: true },
          created,
          updated,
        ],
        indices: [
          new TableIndex({ name: 'UQ_social_accounts_provider_uid', columnNames: ['provider', 'uid'], isUnique: true }),
          new TableIndex({ name: 'IDX_social_accounts_user', columnNames: ['userId'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['userId'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          id,
          { name: 'familyId', type: 'varchar', length: '36' },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'tokenHash', type: 'varchar', length: '64' },
          { name: 'device', type: 'varchar', length: '255', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'sessionCreatedAt', type: ts },
          created,
          { name: 'expiresAt', type: ts },
          { name: 'usedAt', type: ts, isNullable: true },
          { name: 'revokedAt', type: ts, isNullable: true },
          { name: 'revokedReason', type: 'varchar', length: '32', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'UQ_refresh_tokens_hash', columnNames: ['tokenHash'], isUnique: true }),
          new TableIndex({ name: 'IDX_refresh_tokens_family', columnNames: ['familyId'] }),
          new TableIndex({ name: 'IDX_refresh_tokens_user', columnNames: ['userId'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['userId'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('refresh_tokens');
    await queryRunner.dropTable('social_accounts');
    await queryRunner.dropTable('users');
  }
}
