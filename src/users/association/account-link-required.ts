import { AppError } from '../../common/errors/app-error.js';

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
