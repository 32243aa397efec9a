import { AppError } from '../../common/errors/app-error.js';
import type { ReplayableConflict } from '../../database/transaction-runner.js';

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

/**
 * The same refusal from a step that found the address taken just before inserting it (`create_user`): the holder
 * may be a concurrent first login of this very identity, or one `associate_by_email` links to, committed since
 * the earlier steps read. LoginService replays the login then, and answers this only if it is still so.
 */
export class AddressTaken extends AccountLinkRequired implements ReplayableConflict {
  readonly replayOnConflict = true;
}
