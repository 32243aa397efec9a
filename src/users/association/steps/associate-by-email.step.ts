import { hydrate, perDataSource, selectWhere } from '../../../database/entity-rows.js';
import { User } from '../../entities/user.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';
import { AccountLinkRequired } from '../login-outcomes.js';

/**
 * associate_by_email: links a new identity to the account that owns its email, but only when both sides vouch
 * for the address: the provider trusts it for linking and our account's email was trusted when recorded. Only
 * such accounts hold `users.email` (unverified addresses sit in `unverifiedEmail`, never matched), so an
 * unverified holder can neither be linked to nor keep the owner out. An untrusted identity with a trusted
 * account's address is `409 account_link_required` with nothing created, or anyone could claim an account by
 * signing up somewhere that does not verify emails.
 */
/** The user holding a (trusted) address: prepared once, as every first login with an email runs it. */
export const userByEmail = perDataSource((dataSource) =>
  selectWhere(dataSource, User, `t.${dataSource.driver.escape('email')} = ${dataSource.driver.createParameter('email', 0)}`),
);

@AssociationStep('associate_by_email')
export class AssociateByEmailStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    const { email, emailTrustedForLinking } = context.profile;
    if (context.user || !email) return;
    const row = await userByEmail(context.manager.connection).one([email], context.manager);
    if (!row) {
      context.readFree = { ...context.readFree, email };
      return;
    }
    const existing = hydrate(context.manager.connection, User, row);
    if (!emailTrustedForLinking || !existing.emailVerified) throw new AccountLinkRequired(context.identity.provider, existing.id);
    context.user = existing;
  }
}
