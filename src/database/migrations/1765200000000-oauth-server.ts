import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Our authorization server (src/oauth-server/): its applications, and what oidc-provider persists. Portable (schema API). */
export class OAuthServer1765200000000 implements MigrationInterface {
  name = 'OAuthServer1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const ts = postgres ? 'timestamp' : 'datetime';
    const now = postgres ? 'now()' : "datetime('now')";

    await queryRunner.createTable(
      new Table({
        name: 'oauth_applications',
        columns: [
          { name: 'clientId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'secretHash', type: 'varchar', length: '100', isNullable: true },
          { name: 'redirectUris', type: 'text' },
          { name: 'grantTypes', type: 'text' },
          { name: 'scopes', type: 'text' },
          { name: 'firstParty', type: 'boolean', default: false },
          { name: 'createdAt', type: ts, default: now },
          { name: 'updatedAt', type: ts, default: now },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'oauth_records',
        columns: [
          { name: 'model', type: 'varchar', length: '40', isPrimary: true },
          { name: 'idHash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'payload', type: 'text' },
          { name: 'grantIdHash', type: 'varchar', length: '64', isNullable: true },
          { name: 'uidHash', type: 'varchar', length: '64', isNullable: true },
          { name: 'sealedId', type: 'text', isNullable: true },
          { name: 'userCodeHash', type: 'varchar', length: '64', isNullable: true },
          { name: 'accountId', type: 'varchar', length: '36', isNullable: true },
          { name: 'clientId', type: 'varchar', length: '64', isNullable: true },
          { name: 'expiresAt', type: ts, isNullable: true },
          { name: 'consumedAt', type: ts, isNullable: true },
          { name: 'createdAt', type: ts },
        ],
        indices: [
          new TableIndex({ name: 'IDX_oauth_records_grant', columnNames: ['grantIdHash'] }),
          new TableIndex({ name: 'IDX_oauth_records_uid', columnNames: ['uidHash'] }),
          new TableIndex({ name: 'IDX_oauth_records_account', columnNames: ['accountId'] }),
          new TableIndex({ name: 'IDX_oauth_records_expires', columnNames: ['expiresAt'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oauth_records');
    await queryRunner.dropTable('oauth_applications');
  }
}
