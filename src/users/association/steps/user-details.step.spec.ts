import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource, type Logger } from 'typeorm';
import { loadConfig } from '../../../config/app-config.js';
import { ENTITIES, MIGRATIONS } from '../../../database/data-source.js';
import type { NormalizedProfile } from '../../../providers/identity-provider.types.js';
import { User } from '../../entities/user.entity.js';
import type { AssociationContext } from '../association.types.js';
import { UserDetailsStep } from './user-details.step.js';

/** Records the UPDATE statements the database receives. */
class UpdateRecorder implements Logger {
  updates: Array<{ query: string; parameters: unknown[] }> = [];
  logQuery(query: string, parameters: unknown[] = []): void {
    if (/^\s*UPDATE/i.test(query)) this.updates.push({ query, parameters });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

describe(UserDetailsStep.name, () => {
  let dataSource: DataSource;
  let recorder: UpdateRecorder;

  beforeEach(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: ENTITIES, migrations: MIGRATIONS });
    await dataSource.initialize();
    await dataSource.runMigrations();
    recorder = new UpdateRecorder();
    Object.assign(dataSource, { logger: recorder });
  });
  afterEach(async () => {
    await dataSource.destroy();
  });

  const stepWith = (env: NodeJS.ProcessEnv = {}) => new UserDetailsStep(loadConfig({ NODE_ENV: 'test', ...env }));

  async function existingUser(): Promise<User> {
    const user = dataSource.manager.create(User, {
      id: randomUUID(), username: 'ann', email: 'ann@example.com', emailVerified: true, isActive: true,
      name: 'Ann Lee', firstName: 'Ann', lastName: 'Lee', picture: 'https://img.example/old.png',
    });
    await dataSource.manager.insert(User, user);
    return user;
  }

  const profileOf = (user: User, fields: Partial<NormalizedProfile> = {}): NormalizedProfile => ({
    uid: 'g-1', email: user.email!, emailVerified: true, emailTrustedForLinking: true,
    name: user.name!, firstName: user.firstName!, lastName: user.lastName!, picture: user.picture!, ...fields,
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

      expect(recorder.updates).toHaveLength(1);
      expect(recorder.updates[0]!.parameters).toContain('https://img.example/new.png');
      expect(recorder.updates[0]!.query).not.toMatch(/"(name|firstName|lastName)"/);
    });

    it('should not write when nothing changed', async () => {
      const user = await existingUser();
      const sut = stepWith();

      await sut.run(contextWith(user, profileOf(user)));

      expect(recorder.updates).toEqual([]);
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

      expect(recorder.updates).toEqual([]);
      expect(user.name).toBe('Ann Lee');
    });

    it('should skip the fields in LOGIN_PROTECTED_USER_FIELDS', async () => {
      const user = await existingUser();
      const sut = stepWith({ LOGIN_PROTECTED_USER_FIELDS: 'name,picture' });

      await sut.run(contextWith(user, profileOf(user, { name: 'Provider Name', picture: 'https://img.example/new.png', firstName: 'Annie' })));

      expect(await storedUser(user.id)).toMatchObject({ name: 'Ann Lee', picture: 'https://img.example/old.png', firstName: 'Annie' });
    });

    it('should do nothing without a user', async () => {
      const user = await existingUser();
      const sut = stepWith();

      await sut.run(contextWith(undefined, profileOf(user, { name: 'Ann Smith' })));

      expect(recorder.updates).toEqual([]);
    });
  });
});
