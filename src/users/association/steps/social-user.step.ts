import { SocialAccount } from '../../entities/social-account.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** social_user: a returning person, found by (provider, uid) with their user, in one query. */
@AssociationStep('social_user')
export class SocialUserStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    // A query builder, not findOne with relations: that adds a DISTINCT pre-query (a second round trip).
    const account = await context.manager
      .createQueryBuilder(SocialAccount, 'account')
      .innerJoinAndSelect('account.user', 'user')
      .where('account.provider = :provider AND account.uid = :uid', { provider: context.identity.provider, uid: context.uid ?? context.profile.uid })
      .getOne();
    if (!account) return;
    context.socialAccount = account;
    context.user = account.user;
  }
}
