import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueryFailedError, type DataSource } from 'typeorm';
import { associationContext } from '../../test/support/association-context.js';
import { createMigratedSqlite } from '../../test/support/sqlite-data-source.js';
import { StatementRecorder } from '../../test/support/statement-recorder.js';
import { SocialUserStep } from '../users/association/steps/social-user.step.js';
import { SocialAccount } from '../users/entities/social-account.entity.js';
import { User } from '../users/entities/user.entity.js';
import { insertRow } from './entity-rows.js';
import { isUniqueViolation } from './transaction-runner.js';

/** The prepared statements write and read rows exactly as TypeORM's insert and find* do. */
describe('entity-rows', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await createMigratedSqlite();
  });
  afterAll(() => dataSource?.destroy());

  const newUser = (): User =>
    dataSource.manager.create(User, {
      id: randomUUID(),
      username: `u-${randomUUID().slice(0, 8)}`,
      email: null,
      emailVerified: false,
      unverifiedEmail: 'ann@example.com',
      name: 'Ann',
      firstName: null,
      lastName: null,
      picture: null,
      isActive: true,
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      updatedAt: new Date(),
    });
  const newAccount = (user: User): SocialAccount =>
    dataSource.manager.create(SocialAccount, {
      id: randomUUID(),
      userId: user.id,
      provider: 'google',
      uid: randomUUID(),
      extraData: { hd: 'example.com', scopes: ['a', 'b'] },
      accessTokenEncrypted: null,
      refreshTokenEncrypted: null,
      tokenExpiresAt: new Date('2026-03-01T00:00:00.000Z'),
      createdAt: new Date(),
      updatedAt: new Date(),
    });

  it('should store a row that findOne reads back as given (dates, booleans, simple-json)', async () => {
    const user = newUser();

    await insertRow(dataSource.manager, User, user);

    expect(await dataSource.manager.findOneByOrFail(User, { id: user.id })).toEqual(user);
  });

  it('should let social_user find the account with its user as findOne with relations does', async () => {
    const user = newUser();
    const account = newAccount(user);
    await insertRow(dataSource.manager, User, user);
    await insertRow(dataSource.manager, SocialAccount, account);
    const context = associationContext(
      dataSource.manager,
      { uid: account.uid, emailVerified: false, emailTrustedForLinking: false },
      { uid: account.uid },
    );

    await new SocialUserStep().run(context);

    const expected = await dataSource.manager.findOneOrFail(SocialAccount, { where: { id: account.id }, relations: { user: true } });
    expect(context.socialAccount).toBeInstanceOf(SocialAccount);
    expect(context.user).toBeInstanceOf(User);
    expect(context.socialAccount).toEqual(expected);
    expect(context.user).toEqual(expected.user);
  });

  it("should find social_user's account and user through indexes, never by scanning a table", async () => {
    const user = newUser();
    const account = newAccount(user);
    await insertRow(dataSource.manager, User, user);
    await insertRow(dataSource.manager, SocialAccount, account);
    const [read] = await StatementRecorder.during(dataSource, () =>
      new SocialUserStep().run(
        associationContext(
          dataSource.manager,
          { uid: account.uid, emailVerified: false, emailTrustedForLinking: false },
          { uid: account.uid },
        ),
      ),
    );

    const plan = await dataSource.query<Array<{ detail: string }>>(`EXPLAIN QUERY PLAN ${read.sql}`, read.parameters);

    const steps = plan.map((p) => p.detail);
    expect(steps.filter((d) => d.startsWith('SCAN'))).toEqual([]);
    expect(steps.some((d) => d.includes('UQ_social_accounts_provider_uid (provider=? AND uid=?)'))).toBe(true);
    expect(steps.some((d) => /^SEARCH u USING .*INDEX \S+ \(id=\?\)/.test(d))).toBe(true);
  });

  it('should refuse a row with a column left out instead of storing a default', async () => {
    const { updatedAt: _left, ...partial } = newUser();

    await expect(insertRow(dataSource.manager, User, partial)).rejects.toThrow('insertRow(users) needs a value for updatedAt');
  });

  it('should fail a duplicate as a unique violation, as TypeORM does, so logins replay', async () => {
    const user = newUser();
    await insertRow(dataSource.manager, User, user);

    const error = await insertRow(dataSource.manager, User, { ...user, id: randomUUID() }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryFailedError);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('should prepare its statements again when the DataSource is initialized again', async () => {
    const other = await createMigratedSqlite();
    await insertRow(other.manager, User, newUser());
    await other.destroy();
    await other.initialize();
    await other.runMigrations();
    const user = newUser();

    await insertRow(other.manager, User, user);

    expect(await other.manager.countBy(User, { id: user.id })).toBe(1);
    await other.destroy();
  });
});
