import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { associationContext } from '../../../../test/support/association-context.js';
import { createMigratedSqlite } from '../../../../test/support/sqlite-data-source.js';
import { AppError } from '../../../common/errors/app-error.js';
import type { NormalizedProfile } from '../../../providers/identity-provider.types.js';
import { User } from '../../entities/user.entity.js';
import type { AssociationContext } from '../association.types.js';
import { AssociateByEmailStep } from './associate-by-email.step.js';

describe(AssociateByEmailStep.name, () => {
  let dataSource: DataSource;
  const sut = new AssociateByEmailStep();

  beforeEach(async () => {
    dataSource = await createMigratedSqlite();
  });
  afterEach(async () => {
    await dataSource.destroy();
  });

  const profileWith = (fields: Partial<NormalizedProfile> = {}): NormalizedProfile => ({
    uid: 'g-123',
    email: 'ann@example.com',
    emailVerified: true,
    emailTrustedForLinking: true,
    ...fields,
  });

  const contextWith = (profile: NormalizedProfile, extra: Partial<AssociationContext> = {}): AssociationContext =>
    associationContext(dataSource.manager, profile, { provider: 'google', ...extra });

  async function existingUser(fields: Partial<User> = {}): Promise<User> {
    const user = dataSource.manager.create(User, {
      id: randomUUID(),
      username: `user-${randomUUID().slice(0, 8)}`,
      email: 'ann@example.com',
      emailVerified: true,
      isActive: true,
      ...fields,
    });
    await dataSource.manager.insert(User, user);
    return user;
  }

  describe('run', () => {
    it('should link to the account with that email when the provider is trusted and the account verified', async () => {
      const owner = await existingUser();
      const context = contextWith(profileWith());

      await sut.run(context);

      expect(context.user?.id).toBe(owner.id);
    });

    it('should refuse with account_link_required when the provider is not trusted for linking', async () => {
      await existingUser();
      const context = contextWith(profileWith({ emailTrustedForLinking: false }));

      await expect(sut.run(context)).rejects.toMatchObject({ code: 'account_link_required', status: 409, details: { provider: 'google' } });
      expect(context.user).toBeUndefined();
    });

    it('should refuse with account_link_required when the account email was never verified', async () => {
      await existingUser({ emailVerified: false });
      const context = contextWith(profileWith());

      const error = await sut.run(context).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'account_link_required' });
      expect(context.user).toBeUndefined();
    });

    it('should leave the context without a user when no account has that email', async () => {
      await existingUser({ email: 'someone-else@example.com' });
      const context = contextWith(profileWith());

      await sut.run(context);

      expect(context.user).toBeUndefined();
      expect(context.readFree).toEqual({ email: 'ann@example.com' });
    });

    it('should not record an address as free when an account holds it', async () => {
      await existingUser({ emailVerified: false });
      const context = contextWith(profileWith());

      await sut.run(context).catch(() => undefined);

      expect(context.readFree).toBeUndefined();
    });

    it('should do nothing when the context already has a user', async () => {
      await existingUser({ emailVerified: false });
      const returning = await existingUser({ email: 'returning@example.com' });
      const context = contextWith(profileWith({ emailTrustedForLinking: false }), { user: returning });

      await sut.run(context);

      expect(context.user).toBe(returning);
    });

    it('should do nothing when the profile has no email', async () => {
      await existingUser({ emailVerified: false });
      const context = contextWith(profileWith({ email: undefined, emailVerified: false, emailTrustedForLinking: false }));

      await sut.run(context);

      expect(context.user).toBeUndefined();
    });
  });
});
