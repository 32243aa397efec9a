import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import { User } from '../../entities/user.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** Fields a provider may refresh. Email and username are never overwritten by a provider. */
const PROVIDER_FIELDS = ['name', 'firstName', 'lastName', 'picture'] as const;

/** user_details: refreshes the profile from the provider, except fields in `LOGIN_PROTECTED_USER_FIELDS`; writes only on change. */
@AssociationStep('user_details')
export class UserDetailsStep implements PipelineStep {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async run(context: AssociationContext): Promise<void> {
    const user = context.user;
    if (!user || context.isNewUser) return;
    const changes: Partial<Pick<User, (typeof PROVIDER_FIELDS)[number]>> = {};
    for (const field of PROVIDER_FIELDS) {
      const value = context.profile[field];
      if (value !== undefined && value !== user[field] && !this.config.login.protectedUserFields.includes(field)) {
        changes[field] = value;
      }
    }
    if (Object.keys(changes).length === 0) return;
    await context.manager.update(User, { id: user.id }, changes);
    Object.assign(user, changes);
  }
}
