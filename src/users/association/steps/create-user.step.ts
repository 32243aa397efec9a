import { randomUUID } from 'node:crypto';
import { insertRow } from '../../../database/transaction-runner.js';
import { User } from '../../entities/user.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** create_user: a new user from the profile. Its email counts as verified only if the provider is trusted for it. */
@AssociationStep('create_user')
export class CreateUserStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    if (context.user) return;
    const p = context.profile;
    const user = context.manager.create(User, {
      id: randomUUID(),
      username: context.username ?? `user-${randomUUID().slice(0, 8)}`,
      email: p.email ?? null,
      emailVerified: p.email !== undefined && p.emailTrustedForLinking,
      name: p.name ?? null,
      firstName: p.firstName ?? null,
      lastName: p.lastName ?? null,
      picture: p.picture ?? null,
      isActive: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await insertRow(context.manager, User, user);
    context.user = user;
    context.isNewUser = true;
  }
}
