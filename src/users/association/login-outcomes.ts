import { AppError } from '../../common/errors/app-error.js';
import type { ReplayableConflict } from '../../database/transaction-runner.js';

// What a login can end in besides tokens: paused for a missing field (`422 profile_incomplete`) or refused
// because the address belongs to another account (`409 account_link_required`). Steps throw these; LoginService
// turns each into its answer after the login's transaction has rolled back.

/**
 * Thrown by a step that cannot go on without something the provider did not give (an email, a name...).
 * Not an error for the user: `LoginService` catches it after the transaction has rolled back, keeps the
 * verified identity under a single-use `pending_token`, and answers `422 profile_incomplete` naming `missing`.
 * `POST /auth/complete` then reruns the whole pipeline with the supplied fields, so the step passes.
 */
export class PipelinePause extends Error {
  constructor(
    /** The step's name in LOGIN_PIPELINE. */
    readonly step: string,
    /** Fields the frontend should ask the user for, in the API's names (`email`). */
    readonly missing: string[],
    message: string,
  ) {
    super(message);
    this.name = 'PipelinePause';
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

/**
 * The same refusal from a step that found the address taken just before inserting it (`create_user`): the holder
 * may be a concurrent first login of this very identity, or one `associate_by_email` links to, committed since
 * the earlier steps read. LoginService replays the login then, and answers this only if it is still so.
 */
export class AddressTaken extends AccountLinkRequired implements ReplayableConflict {
  readonly replayOnConflict = true;
}
