import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The audit trail (src/audit/, docs/decisions/0030-audit-trail.md). Portable (schema API): a new table, no rebuild. */
export class AuditEvents1765400000000 implements MigrationInterface {
  name = 'AuditEvents1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = queryRunner.connection.driver.options.type === 'postgres' ? 'timestamp' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'event', type: 'varchar', length: '40' },
          { name: 'provider', type: 'varchar', length: '50', isNullable: true },
          { name: 'sessionId', type: 'varchar', length: '36', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'userAgent', type: 'varchar', length: '64', isNullable: true },
          { name: 'detail', type: 'text', isNullable: true },
          { name: 'createdAt', type: ts },
        ],
        indices: [
          // A user's page of activity, newest first; and the retention's DELETE by age.
          new TableIndex({ name: 'IDX_audit_events_user_created', columnNames: ['userId', 'createdAt'] }),
          new TableIndex({ name: 'IDX_audit_events_created', columnNames: ['createdAt'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_events');
  }
}
