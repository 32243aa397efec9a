import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { associationContext } from '../../../../test/support/association-context.js';
import { createMigratedSqlite } from '../../../../test/support/sqlite-data-source.js';
import type { NormalizedProfile } from '../../../providers/identity-provider.types.js';
import { User } from '../../entities/user.entity.js';
import type { AssociationContext } from '../association.types.js';
import { GetUsernameStep, slugifyUsername } from './get-username.step.js';

describe(slugifyUsername.name, () => {
  it('should lower-case and drop accents', () => {
    expect(slugifyUsername('José Álvarez')).toBe('jose-alvarez');
  });

  it('should turn runs of other characters into one dash', () => {
    expect(slugifyUsername('ann  @ home!!')).toBe('ann-home');
  });

  it('should keep dots, underscores and dashes inside the name', () => {
    expect(slugifyUsername('j.doe_jr-1')).toBe('j.doe_jr-1');
  });

  it('should strip leading and trailing separators', () => {
    expect(slugifyUsername('__.john.__')).toBe('john');
  });

  it('should not end on a separator when the cut falls on one', () => {
    expect(slugifyUsername(`${'a'.repeat(29)} b`)).toBe('a'.repeat(29));
  });

  it('should cut the name to 30 characters', () => {
    expect(slugifyUsername('a'.repeat(40))).toBe('a'.repeat(30));
  });

  it('should give an empty string when nothing usable is left', () => {
    expect(slugifyUsername('日本語')).toBe('');
  });
});

describe(GetUsernameStep.name, () => {
  let dataSource: DataSource;
  const sut = new GetUsernameStep();

  beforeEach(async () => {
    dataSource = await createMigratedSqlite();
  });
  afterEach(async () => {
    await dataSource.destroy();
  });

  const profileWith = (fields: Partial<NormalizedProfile> = {}): NormalizedProfile => ({
    uid: 'uid-1',
    emailVerified: false,
    emailTrustedForLinking: false,
    ...fields,
  });

  const contextWith = (profile: NormalizedProfile, extra: Partial<AssociationContext> = {}): AssociationContext =>
    associationContext(dataSource.manager, profile, { provider: 'github', ...extra });

  const userNamed = (username: string): User =>
    dataSource.manager.create(User, { id: randomUUID(), username, email: null, emailVerified: false, isActive: true });

  const existingUsers = (...usernames: string[]) => dataSource.manager.insert(User, usernames.map(userNamed));

  describe('run', () => {
    it('should take the slug of the provider username when it is free', async () => {
      const context = contextWith(profileWith({ username: 'Octo Cat', email: 'someone@example.com' }));

      await sut.run(context);

      expect(context.username).toBe('octo-cat');
    });

    it('should fall back to the local part of the email', async () => {
      const context = contextWith(profileWith({ email: 'mary.jones@example.com', name: 'Mary' }));

      await sut.run(context);

      expect(context.username).toBe('mary.jones');
    });

    it('should fall back to the name', async () => {
      const context = contextWith(profileWith({ name: 'Mary Jones' }));

      await sut.run(context);

      expect(context.username).toBe('mary-jones');
    });

    it('should fall back to user-<provider> when the profile has nothing usable', async () => {
      const context = contextWith(profileWith({ name: '日本語' }));

      await sut.run(context);

      expect(context.username).toBe('user-github');
    });

    it('should suffix -2 when the name is taken', async () => {
      await existingUsers('octocat');
      const context = contextWith(profileWith({ username: 'octocat' }));

      await sut.run(context);

      expect(context.username).toBe('octocat-2');
    });

    it('should record the name it found free, so create_user need not look it up again', async () => {
      await existingUsers('octocat');
      const context = contextWith(profileWith({ username: 'octocat' }));

      await sut.run(context);

      expect(context.readFree).toEqual({ username: 'octocat-2' });
    });

    it('should suffix -3 when the name and its -2 are taken', async () => {
      await existingUsers('octocat', 'octocat-2');
      const context = contextWith(profileWith({ username: 'octocat' }));

      await sut.run(context);

      expect(context.username).toBe('octocat-3');
    });

    it('should not count names that only start with the same prefix', async () => {
      await existingUsers('octocat-fan');
      const context = contextWith(profileWith({ username: 'octocat' }));

      await sut.run(context);

      expect(context.username).toBe('octocat');
    });

    it('should do nothing when the context already has a user', async () => {
      const context = contextWith(profileWith({ username: 'octocat' }), { user: userNamed('returning') });

      await sut.run(context);

      expect(context.username).toBeUndefined();
    });
  });
});
