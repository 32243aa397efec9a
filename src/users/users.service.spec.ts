import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource, Repository } from 'typeorm';
import { createMigratedSqlite } from '../../test/support/sqlite-data-source.js';
import { AppError } from '../common/errors/app-error.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { User } from './entities/user.entity.js';
import { UsersService } from './users.service.js';

/** `get` reads with its own SQL text and hydrates the row itself: it must give exactly what TypeORM's `findOne` gives. */
describe('UsersService.get', () => {
  let dataSource: DataSource;
  let users: Repository<User>;
  let service: UsersService;

  const saved = (fields: Partial<User>) =>
    users.save(users.create({ id: crypto.randomUUID(), username: `u-${crypto.randomUUID().slice(0, 8)}`, ...fields }));

  beforeAll(async () => {
    dataSource = await createMigratedSqlite();
    users = dataSource.getRepository(User);
    service = new UsersService(users, new TransactionRunner(dataSource));
  });
  afterAll(() => dataSource?.destroy());

  it('should return what findOne returns, with booleans as booleans and dates as Dates', async () => {
    const user = await saved({
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
      picture: 'https://example.com/a.png',
    });

    const got = await service.get(user.id);

    expect(got).toBeInstanceOf(User);
    expect(got).toEqual(await users.findOneByOrFail({ id: user.id }));
    expect(got.emailVerified).toBe(true);
    expect(got.isActive).toBe(true);
    expect(got.createdAt).toBeInstanceOf(Date);
  });

  it('should return nulls and false as findOne does', async () => {
    const user = await saved({});
    const got = await service.get(user.id);
    expect(got).toEqual(await users.findOneByOrFail({ id: user.id }));
    expect({ email: got.email, emailVerified: got.emailVerified, name: got.name }).toEqual({
      email: null,
      emailVerified: false,
      name: null,
    });
  });

  it('should see a change made directly in the database on the next call (nothing is cached)', async () => {
    const user = await saved({ name: 'Before' });
    await service.get(user.id);
    await users.update({ id: user.id }, { name: 'After' });
    expect((await service.get(user.id)).name).toBe('After');
  });

  it('should refuse an unknown id with invalid_token and an inactive user with account_inactive', async () => {
    const inactive = await saved({ isActive: false });
    await expect(service.get(crypto.randomUUID())).rejects.toMatchObject({ code: 'invalid_token' } satisfies Partial<AppError>);
    await expect(service.get(inactive.id)).rejects.toMatchObject({ code: 'account_inactive' } satisfies Partial<AppError>);
  });
});
