import { afterEach, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config/app-config.js';
import { ConfigModule } from '../../config/config.module.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import type { User } from '../entities/user.entity.js';
import { AssociationPipeline } from './association.pipeline.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from './association.types.js';
import { SocialUidStep } from './steps/social-uid.step.js';
import { SocialUserStep } from './steps/social-user.step.js';

/** What the recording steps saw, in the order they ran. */
@Injectable()
class Trail {
  readonly seen: Array<{ step: string; uid: string | undefined }> = [];
}

abstract class RecordingStep implements PipelineStep {
  protected abstract readonly name: string;
  constructor(@Inject(Trail) private readonly trail: Trail) {}
  async run(context: AssociationContext): Promise<void> {
    this.trail.seen.push({ step: this.name, uid: context.uid });
  }
}

@AssociationStep('first')
class FirstStep extends RecordingStep {
  protected readonly name = 'first';
}

@AssociationStep('second')
class SecondStep extends RecordingStep {
  protected readonly name = 'second';
}

@AssociationStep('make_user')
class MakeUserStep extends RecordingStep {
  protected readonly name = 'make_user';
  override async run(context: AssociationContext): Promise<void> {
    await super.run(context);
    context.user = { id: 'user-1', username: 'ann' } as User;
  }
}

/** A step of the application's own, in its own module: known to the pipeline only through DI and config. */
@AssociationStep('require_company_uid')
class RequireCompanyUidStep extends RecordingStep {
  protected readonly name = 'require_company_uid';
}

@Module({ providers: [Trail, RequireCompanyUidStep], exports: [Trail] })
class CompanyStepsModule {}

const identity: VerifiedIdentity = {
  provider: 'google',
  profile: { uid: 'g-1', emailVerified: false, emailTrustedForLinking: false },
  tokens: {},
  extraData: {},
};
/** The steps here never touch the database; a real, unconnected manager stands in for the login's transaction. */
const manager = new DataSource({ type: 'better-sqlite3', database: ':memory:' }).manager;

describe(AssociationPipeline.name, () => {
  const modules: TestingModule[] = [];

  afterEach(async () => {
    await Promise.all(modules.splice(0).map((m) => m.close()));
  });

  async function pipelineFor(loginPipeline: string): Promise<{ sut: AssociationPipeline; trail: Trail }> {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig({ NODE_ENV: 'test', LOGIN_PIPELINE: loginPipeline })), DiscoveryModule, CompanyStepsModule],
      providers: [AssociationPipeline, SocialUidStep, SocialUserStep, FirstStep, SecondStep, MakeUserStep],
    }).compile();
    modules.push(moduleRef);
    await moduleRef.init();
    return { sut: moduleRef.get(AssociationPipeline), trail: moduleRef.get(Trail) };
  }

  describe('onModuleInit', () => {
    it('should take the steps in the order of LOGIN_PIPELINE', async () => {
      const { sut } = await pipelineFor('second,social_uid,first,make_user');

      expect(sut.stepNames).toEqual(['second', 'social_uid', 'first', 'make_user']);
    });

    it('should refuse a pipeline that breaks a rule of the built-in steps, saying which and why', async () => {
      await expect(pipelineFor('first,make_user,social_user,social_uid')).rejects.toThrow(
        /social_uid must come before social_user: it looks the identity up/,
      );
    });

    it('should fail on an unknown step name, naming it', async () => {
      await expect(pipelineFor('first,no_such_step,make_user')).rejects.toThrow(/LOGIN_PIPELINE names unknown steps: no_such_step\b/);
    });
  });

  describe('run', () => {
    it('should run the steps in the configured order', async () => {
      const { sut, trail } = await pipelineFor('second,social_uid,first,make_user');

      await sut.run(identity, manager);

      expect(trail.seen).toEqual([
        { step: 'second', uid: undefined },
        { step: 'first', uid: 'g-1' },
        { step: 'make_user', uid: 'g-1' },
      ]);
    });

    it('should run a step that was added only through DI and config', async () => {
      const { sut, trail } = await pipelineFor('social_uid,require_company_uid,make_user');

      await sut.run(identity, manager);

      expect(trail.seen.map((s) => s.step)).toEqual(['require_company_uid', 'make_user']);
    });

    it('should not run a step left out of the configuration', async () => {
      const { sut, trail } = await pipelineFor('first,make_user');

      await sut.run(identity, manager);

      expect(trail.seen.map((s) => s.step)).not.toContain('second');
    });

    it('should return the context with the user the steps found', async () => {
      const { sut } = await pipelineFor('social_uid,make_user');

      const context = await sut.run(identity, manager);

      expect(context).toMatchObject({ uid: 'g-1', user: { id: 'user-1' }, isNewUser: false });
    });

    it('should refuse with 403 login_not_allowed when the steps end without a user (sign-up closed)', async () => {
      const { sut } = await pipelineFor('first,second');

      await expect(sut.run(identity, manager)).rejects.toMatchObject({ code: 'login_not_allowed', status: 403 });
    });

    it('should not change the identity profile', async () => {
      const { sut } = await pipelineFor('make_user');

      const context = await sut.run(identity, manager);
      context.profile.name = 'changed by a step';

      expect(identity.profile.name).toBeUndefined();
    });
  });
});
