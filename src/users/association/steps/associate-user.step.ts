import { randomUUID } from 'node:crypto';
import { insertRow } from '../../../database/entity-rows.js';
import { SocialAccount } from '../../entities/social-account.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** associate_user: records that this provider identity belongs to the user. (provider, uid) is unique. */
@AssociationStep('associate_user')
export class AssociateUserStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    if (context.socialAccount || !context.user) return;
    const account = Object.assign(new SocialAccount(), {
      id: randomUUID(),
      userId: context.user.id,
      provider: context.identity.provider,
      uid: context.uid ?? context.profile.uid,
      extraData: null,
      accessTokenEncrypted: null,
      refreshTokenEncrypted: null,
      tokenExpiresAt: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await insertRow(context.manager, SocialAccount, account);
    context.socialAccount = account;
  }
}
