import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createMigratedSqlite } from '../../../../test/support/sqlite-data-source.js';
import { StatementRecorder } from '../../../../test/support/statement-recorder.js';
import { loadConfig } from '../../../config/app-config.js';
import type { NormalizedProfile } from '../../../providers/identity-provider.types.js';
import { User } from '../../entities/user.entity.js';
import type { AssociationContext } from '../association.types.js';
import { UserDetailsStep } from './user-details.step.js';

describe(UserDetailsStep.name, () => {
  let dataSource: DataSource;
  let recorder: StatementRecorder;
  const updates = () => recorder.statements.filter((s) => /^UPDATE/i.test(s.sql));

  beforeEach(async () => {
    dataSource = await createMigratedSqlite();
    recorder = new StatementRecorder();
    Object.assign(dataSource, { logger: recorder });
  });
  afterEach(async () => {
    await dataSource.destroy();
  });

  const stepWith = (env: NodeJS.ProcessEnv = {}) => new UserDetailsStep(loadConfig({ NODE_ENV: 'test', ...env }));

  async function existingUser(): Promise<User> {
    const user = dataSource.manager.create(User, {
      id: randomUUID(),
      username: 'ann',
      email: 'ann@example.com',
      emailVerified: true,
      isActive: true,
      name: 'Ann Lee',
      firstName: 'Ann',
      lastName: 'Lee',
      picture: 'https://img.example/old.png',
    });
    await dataSource.manager.insert(User, user);
    return user;
  }

  const profileOf = (user: User, fields: Partial<NormalizedProfile> = {}): NormalizedProfile => ({
    uid: 'g-1',
    email: user.email!,
    emailVerified: true,
    emailTrustedForLinking: true,
    name: user.name!,
    firstName: user.firstName!,
    lastName: user.lastName!,
    picture: user.picture!,
    ...fields,
  });

  const contextWith = (user: User | undefined, profile: NormalizedProfile, isNewUser = false): AssociationContext => ({
    identity: { provider: 'google', profile, tokens: {}, extraData: {} },
    manager: dataSource.manager,
    profile,
    user,
    isNewUser,
  });

  const storedUser = (id: string) => dataSource.manager.findOneByOrFail(User, { id });

  describe('run', () => {
    it('should store the fields the provider changed', async () => {
      const user = await existingUser();
      const sut = stepWith();

      await sut.run(contextWith(user, profileOf(user, { name: 'Ann Smith', lastName: 'Smith' })));

      expect(await storedUser(user.id)).toMatchObject({ name: 'Ann Smith', firstName: 'Ann', lastName: 'Smith' });
      expect(user).toMatchObject({ name: 'Ann Smith', lastName: 'Smith' });
    });

    it('should write only the changed fields', async () => {
      const user = await existingUser();
      const sut = stepWith();

      await sut.run(contextWith(user, profileOf(user, { picture: 'https://img.example/new.png' })));

      expect(updates()).toHaveLength(1);
      expect(updates()[0].parameters).toContain('https://img.example/new.png');
      expect(updates()[0].sql).not.toMatch(/"(name|firstName|lastName)"/);
    });

    it('should not write when nothing changed', async () => {
      const user = await existingUser();
      const sut = stepWith();

      await sut.run(contextWith(user, profileOf(user)));

      expect(updates()).toEqual([]);
    });

    it('should keep a field the provider did not send', async () => {
      const user = await existingUser();
      const sut = stepWith();

      await sut.run(contextWith(user, profileOf(user, { picture: undefined, name: 'Ann Smith' })));

      expect(await storedUser(user.id)).toMatchObject({ name: 'Ann Smith', picture: 'https://img.example/old.png' });
    });

    it('should never touch a user created by this login', async () => {
      const user = await existingUser();
      const sut = stepWith();

      await sut.run(contextWith(user, profileOf(user, { name: 'Someone Else' }), true));

      expect(updates()).toEqual([]);
      expect(user.name).toBe('Ann Lee');
    });

    it('should skip the fields in LOGIN_PROTECTED_USER_FIELDS', async () => {
      const user = await existingUser();
      const sut = stepWith({ LOGIN_PROTECTED_USER_FIELDS: 'name,picture' });

      await sut.run(
        contextWith(user, profileOf(user, { name: 'Provider Name', picture: 'https://img.example/new.png', firstName: 'Annie' })),
      );

      expect(await storedUser(user.id)).toMatchObject({ name: 'Ann Lee', picture: 'https://img.example/old.png', firstName: 'Annie' });
    });

    it('should do nothing without a user', async () => {
      const user = await existingUser();
      const sut = stepWith();

      await sut.run(contextWith(undefined, profileOf(user, { name: 'Ann Smith' })));

      expect(updates()).toEqual([]);
    });
  });
});
