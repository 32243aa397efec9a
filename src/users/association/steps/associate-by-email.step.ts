import { AppError } from '../../../common/errors/app-error.js';
import { User } from '../../entities/user.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/**
 * associate_by_email: links a new identity to the account that already has its email, but only when both
 * sides vouch for the address: the provider trusts it for linking and our account's email was verified.
 * Anything less is `409 account_link_required` with nothing created, or anyone could claim an account by
 * signing up somewhere that does not verify emails.
 */
@AssociationStep('associate_by_email')
export class AssociateByEmailStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    const { email, emailTrustedForLinking } = context.profile;
    if (context.user || !email) return;
    const existing = await context.manager.findOne(User, { where: { email } });
    if (!existing) return;
    if (!emailTrustedForLinking || !existing.emailVerified) throw new AccountLinkRequired(context.identity.provider, existing.id);
    context.user = existing;
  }
}

/**
 * `409 account_link_required`, knowing which account the identity collided with. `existingUserId` is not in the
 * answer (it would tell strangers who has an account): LoginService binds the `link_token` it offers to it.
 */
export class AccountLinkRequired extends AppError {
  constructor(
    provider: string,
    readonly existingUserId: string,
  ) {
    super('account_link_required', 'An account with this email already exists. Sign in to it and connect this provider from there.', {
      details: { provider },
    });
  }
}
