import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import { ASSOCIATION_STEP_NAME, type AssociationContext, type PipelineStep } from './association.types.js';
import { pipelineProblems } from './pipeline-rules.js';

/**
 * The association pipeline: from a verified provider identity to a user of ours, as the table of steps in
 * `LOGIN_PIPELINE` (default: `DEFAULT_PIPELINE`), refused at boot when it breaks `PIPELINE_RULES`. It runs
 * inside the caller's transaction, so a failing step leaves nothing behind.
 */
@Injectable()
export class AssociationPipeline implements OnModuleInit {
  private steps: Array<{ name: string; step: PipelineStep }> = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const available = new Map<string, PipelineStep>();
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const name = this.reflector.get<string | undefined>(ASSOCIATION_STEP_NAME, wrapper.metatype);
      if (!name) continue;
      if (available.has(name)) throw new Error(`Two association steps are named "${name}"; step names must be unique`);
      available.set(name, wrapper.instance as PipelineStep);
    }
    const unknown = this.config.login.pipeline.filter((name) => !available.has(name));
    if (unknown.length > 0) {
      throw new Error(`LOGIN_PIPELINE names unknown steps: ${unknown.join(', ')} (known: ${[...available.keys()].join(', ')})`);
    }
    const problems = pipelineProblems(this.config.login.pipeline);
    if (problems.length > 0) throw new Error(`LOGIN_PIPELINE is not a pipeline we can run:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.steps = this.config.login.pipeline.map((name) => ({ name, step: available.get(name)! }));
  }

  get stepNames(): string[] {
    return this.steps.map((s) => s.name);
  }

  async run(
    identity: VerifiedIdentity,
    manager: EntityManager,
  ): Promise<AssociationContext & { user: NonNullable<AssociationContext['user']> }> {
    const context: AssociationContext = { identity, manager, profile: { ...identity.profile }, isNewUser: false };
    for (const { step } of this.steps) await step.run(context);
    // No step found or made a user: sign-up is closed (no create_user), or an application step declined.
    if (!context.user) throw new AppError('login_not_allowed', 'No account matches this sign-in, and none can be created here');
    return context as AssociationContext & { user: NonNullable<AssociationContext['user']> };
  }
}
