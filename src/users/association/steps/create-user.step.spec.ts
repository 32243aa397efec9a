import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { associationContext } from '../../../../test/support/association-context.js';
import { createMigratedSqlite } from '../../../../test/support/sqlite-data-source.js';
import { isUniqueViolation } from '../../../database/transaction-runner.js';
import type { NormalizedProfile } from '../../../providers/identity-provider.types.js';
import { User } from '../../entities/user.entity.js';
import type { AssociationContext } from '../association.types.js';
import { AccountLinkRequired } from '../login-outcomes.js';
import { CreateUserStep } from './create-user.step.js';

describe(CreateUserStep.name, () => {
  let dataSource: DataSource;
  const sut = new CreateUserStep();

  beforeEach(async () => {
    dataSource = await createMigratedSqlite();
  });
  afterEach(async () => {
    await dataSource.destroy();
  });

  const profileWith = (fields: Partial<NormalizedProfile> = {}): NormalizedProfile => ({
    uid: 'uid-1',
    email: 'ann@example.com',
    emailVerified: true,
    emailTrustedForLinking: true,
    ...fields,
  });
  const contextWith = (profile: NormalizedProfile, extra: Partial<AssociationContext> = {}): AssociationContext =>
    associationContext(dataSource.manager, profile, { provider: 'github', ...extra });
  const existingUser = (fields: Partial<User>) =>
    dataSource.manager.insert(User, {
      id: randomUUID(),
      username: `u-${randomUUID().slice(0, 8)}`,
      email: null,
      emailVerified: false,
      isActive: true,
      ...fields,
    });
  const stored = (context: AssociationContext) => dataSource.manager.findOneByOrFail(User, { id: context.user!.id });

  describe('run', () => {
    it('should put a trusted address in the unique email column', async () => {
      const context = contextWith(profileWith());

      await sut.run(context);

      expect(await stored(context)).toMatchObject({ email: 'ann@example.com', emailVerified: true, unverifiedEmail: null });
      expect(context.isNewUser).toBe(true);
    });

    it('should put an untrusted address in unverifiedEmail, even one another account has there', async () => {
      await existingUser({ unverifiedEmail: 'ann@example.com' });
      const context = contextWith(profileWith({ emailTrustedForLinking: false }));

      await sut.run(context);

      expect(await stored(context)).toMatchObject({ email: null, emailVerified: false, unverifiedEmail: 'ann@example.com' });
    });

    it('should not let an untrusted address another account verified collide with it', async () => {
      await existingUser({ email: 'ann@example.com', emailVerified: true });
      const context = contextWith(profileWith({ emailVerified: true, emailTrustedForLinking: false }));

      await sut.run(context);

      expect(await stored(context)).toMatchObject({ email: null, unverifiedEmail: 'ann@example.com' });
    });

    it('should refuse a trusted address another account owns with account_link_required, bound to that account, writing nothing', async () => {
      const ownerId = randomUUID();
      await existingUser({ id: ownerId, email: 'ann@example.com', emailVerified: true });
      const context = contextWith(profileWith());

      const error = await sut.run(context).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AccountLinkRequired);
      expect(error).toMatchObject({ code: 'account_link_required', existingUserId: ownerId });
      expect(await dataSource.manager.count(User)).toBe(1);
    });

    it('should take the next free variant when the chosen username was taken since', async () => {
      await existingUser({ username: 'ann' });
      const context = contextWith(profileWith(), { username: 'ann' });

      await sut.run(context);

      expect((await stored(context)).username).toBe('ann-2');
    });

    it('should not look up again a username get_username found free in this transaction: one taken since gets a random suffix', async () => {
      await existingUser({ username: 'ann' });
      const context = contextWith(profileWith(), { username: 'ann', readFree: { username: 'ann' } });

      await sut.run(context);

      expect((await stored(context)).username).toMatch(/^ann-[0-9a-f]{8}$/);
    });

    it('should not look up again an address associate_by_email found free: one taken since meets the unique index', async () => {
      await existingUser({ email: 'ann@example.com', emailVerified: true });
      const context = contextWith(profileWith(), { readFree: { email: 'ann@example.com' } });

      const error = await sut.run(context).catch((e: unknown) => e);

      expect(isUniqueViolation(error)).toBe(true);
    });

    it('should look up an address again when the one read free was another', async () => {
      await existingUser({ email: 'ann@example.com', emailVerified: true });
      const context = contextWith(profileWith(), { readFree: { email: 'bob@example.com', username: 'bob' }, username: 'ann' });

      await expect(sut.run(context)).rejects.toBeInstanceOf(AccountLinkRequired);
    });

    it('should do nothing when the context already has a user', async () => {
      const context = contextWith(profileWith(), { user: dataSource.manager.create(User, { id: 'x' }) });

      await sut.run(context);

      expect(await dataSource.manager.count(User)).toBe(0);
    });
  });
});
