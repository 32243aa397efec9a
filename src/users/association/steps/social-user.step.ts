import { SocialAccount } from '../../entities/social-account.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** social_user: a returning person, found by (provider, uid) with their user, in one query. */
@AssociationStep('social_user')
export class SocialUserStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    const account = await context.manager.findOne(SocialAccount, {
      where: { provider: context.identity.provider, uid: context.uid ?? context.profile.uid },
      relations: { user: true },
    });
    if (!account) return;
    context.socialAccount = account;
    context.user = account.user;
  }
}
