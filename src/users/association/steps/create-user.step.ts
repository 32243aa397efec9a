import { randomBytes, randomUUID } from 'node:crypto';
import { insertRow, insertRowUnlessTaken } from '../../../database/entity-rows.js';
import { User } from '../../entities/user.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';
import { AddressTaken } from '../login-outcomes.js';
import { userByEmail } from './associate-by-email.step.js';
import { uniqueUsername } from './get-username.step.js';

/**
 * create_user: a new user from the profile. A trusted address takes the unique `email`; any other goes to
 * `unverifiedEmail`, which anyone may share, so an unverified address never keeps its owner out.
 *
 * It checks the unique columns itself rather than meet them in the INSERT, whatever ran before it: a trusted
 * address another account owns (`associate_by_email` left out of `LOGIN_PIPELINE`) is `409 account_link_required`
 * (that account signs in to confirm the link), and a username set by a step that did not look it up gets the next
 * free variant. What an earlier step of this transaction already read free (`readFree`: `associate_by_email`'s
 * address, `get_username`'s choice, as in the default pipeline) is not read again: a first login reads each once
 * (on PostgreSQL two round trips fewer). A username taken by a sign-up that commits while this one runs (many new
 * users from one email local part at once) is not met as a unique violation, which would abort the transaction and
 * cost a replay each: the INSERT skips it and the user gets a random suffix instead. Concurrent sign-ups of one
 * identity or one trusted address meet the unique indexes, or find the address taken by a login that committed
 * since `social_user` and `associate_by_email` read: LoginService then replays the login, which finds the winner
 * (the same identity, or an account to link).
 */
@AssociationStep('create_user')
export class CreateUserStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    if (context.user) return;
    const p = context.profile;
    const trusted = p.email !== undefined && p.emailTrustedForLinking;
    if (trusted && context.readFree?.email !== p.email) {
      const holder = await userByEmail(context.manager.connection).one([p.email], context.manager);
      if (holder) throw new AddressTaken(context.identity.provider, String(holder.id));
    }
    const user = Object.assign(new User(), {
      id: randomUUID(),
      username: await this.usernameFor(context),
      email: trusted ? p.email! : null,
      emailVerified: trusted,
      unverifiedEmail: trusted ? null : (p.email ?? null),
      name: p.name ?? null,
      firstName: p.firstName ?? null,
      lastName: p.lastName ?? null,
      picture: p.picture ?? null,
      isActive: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    if (!(await insertRowUnlessTaken(context.manager, User, user, 'username'))) {
      user.username = `${user.username.slice(0, 140)}-${randomBytes(4).toString('hex')}`;
      await insertRow(context.manager, User, user);
    }
    context.user = user;
    context.isNewUser = true;
  }

  /** The chosen username, looked up again unless `get_username` found it free in this same transaction. */
  private async usernameFor(context: AssociationContext): Promise<string> {
    const { username, readFree } = context;
    if (!username) return `user-${randomUUID().slice(0, 8)}`;
    return username === readFree?.username ? username : uniqueUsername(context.manager, username);
  }
}
