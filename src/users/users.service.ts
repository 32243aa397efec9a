import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { AppError } from '../common/errors/app-error.js';
import { tableOf } from '../database/entity-rows.js';
import { PreparedStatement } from '../database/prepared-statement.js';
import { isUniqueViolation, TransactionRunner } from '../database/transaction-runner.js';
import type { UpdateMeDto } from './dto/update-me.dto.js';
import { User } from './entities/user.entity.js';

@Injectable()
export class UsersService {
  /** "The user with this id", prepared once from the entity's metadata, and the columns it returns. */
  private byId: { read: PreparedStatement; columns: readonly ColumnMetadata[] } | undefined;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * The user of a token, read from the database on every call (no cache): a PATCH, or a deactivation made
   * directly in the database, shows on the next request, on every instance.
   *
   * `GET /users/me` runs this on every call, so it is one prepared statement run on the driver's connection
   * (PreparedStatement) and hydrated by the driver's own column conversion, instead of `findOne`, whose query builder
   * and query runner cost more than the rest of the request (docs/decisions/0006-request-path-performance.md).
   * users.service.spec.ts checks it returns what `findOne` does.
   */
  async get(id: string): Promise<User> {
    const query = (this.byId ??= this.buildByIdQuery());
    const row = await query.read.one([id]);
    if (!row) throw new AppError('invalid_token', 'The user of this token no longer exists');
    const user = this.hydrate(row, query.columns);
    if (!user.isActive) throw new AppError('account_inactive', 'This account is inactive');
    return user;
  }

  async update(id: string, dto: UpdateMeDto): Promise<User> {
    const given = { username: dto.username, name: dto.name, firstName: dto.first_name, lastName: dto.last_name };
    const changes: Partial<User> = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    await this.get(id);
    if (Object.keys(changes).length > 0) {
      try {
        await this.tx.run((manager) => manager.update(User, { id }, changes));
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('username_taken', 'That username is taken', { cause: error });
        throw error;
      }
    }
    return this.get(id);
  }

  /** Outside any transaction, named `users_by_id` on PostgreSQL connections. */
  private buildByIdQuery(): NonNullable<UsersService['byId']> {
    const { metadata, manager } = this.users;
    const { columns } = metadata;
    const { driver } = manager.connection;
    const [primary, ...more] = metadata.primaryColumns;
    if (!primary || more.length > 0) throw new Error('UsersService expects one primary column on User');
    const list = columns.map((c) => driver.escape(c.databaseName)).join(', ');
    const where = `${driver.escape(primary.databaseName)} = ${driver.createParameter('id', 0)}`;
    const sql = `SELECT ${list} FROM ${tableOf(manager.connection, metadata)} WHERE ${where}`;
    return { read: new PreparedStatement(manager.connection, sql, 'users_by_id'), columns };
  }

  /** Each column through the driver's conversion (SQLite 0/1 to booleans, date strings to Dates), as `find*` does. */
  private hydrate(row: Record<string, unknown>, columns: readonly ColumnMetadata[]): User {
    const driver = this.users.manager.connection.driver;
    const user = new User();
    const target = user as unknown as Record<string, unknown>;
    for (const column of columns) target[column.propertyName] = driver.prepareHydratedValue(row[column.databaseName], column);
    return user;
  }
}
