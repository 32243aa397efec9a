import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { insertRow } from '../../../database/entity-rows.js';
import { SocialAccount } from '../../entities/social-account.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** associate_user: records that this provider identity belongs to the user. (provider, uid) is unique. */
@AssociationStep('associate_user')
export class AssociateUserStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    if (context.socialAccount || !context.user) return;
    context.socialAccount = await insertSocialAccount(
      context.manager,
      context.user.id,
      context.identity.provider,
      context.uid ?? context.profile.uid,
    );
  }
}

/** A new identity of the user's, with no provider data yet (`saveProviderData` stores it); also for connecting one. */
export async function insertSocialAccount(manager: EntityManager, userId: string, provider: string, uid: string): Promise<SocialAccount> {
  const now = new Date();
  const account = Object.assign(new SocialAccount(), {
    id: randomUUID(),
    userId,
    provider,
    uid,
    extraData: null,
    accessTokenEncrypted: null,
    refreshTokenEncrypted: null,
    tokenExpiresAt: null,
    createdAt: now,
    updatedAt: now,
  });
  await insertRow(manager, SocialAccount, account);
  return account;
}
