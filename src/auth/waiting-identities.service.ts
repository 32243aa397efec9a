import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SealedTickets } from '../one-time/sealed-tickets.js';
import { reviveIdentity, type VerifiedIdentity } from '../providers/identity-provider.types.js';
import type { AccountLinkRequired, PipelinePause } from '../users/association/login-outcomes.js';

/** What the user supplies to resume a paused login; one optional member per field a step may ask for. */
export interface SuppliedFields {
  email?: string;
}

/**
 * Verified identities waiting, in `SealedTickets` (encrypted: the identity may hold the provider's tokens; keyed by
 * the token's hash, single use and short-lived, so the store never holds anything that can act by itself):
 * - paused logins (`PipelinePause`), under a `pending_token` that resumes them with what the user typed;
 * - linking confirmed by signing in: a login refused with `account_link_required` is answered with a `link_token`
 *   bound to the refused identity and to the account it collided with. Only that account, signed in, can redeem it
 *   (`POST /users/me/social-accounts/link`), so proving the existing account is what links, never the email.
 */
@Injectable()
export class WaitingIdentities {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: SealedTickets,
  ) {}

  /** The `422 profile_incomplete` answer for a paused login, with the token that resumes it. */
  async pause(identity: VerifiedIdentity, pause: PipelinePause): Promise<AppError> {
    const pending: PendingLogin = { identity, step: pause.step, missing: pause.missing };
    const pendingToken = await this.tickets.issue(PENDING_LOGIN, pending, this.config.login.pendingTtlSeconds);
    return new AppError('profile_incomplete', pause.message, { details: { missing: pause.missing, pending_token: pendingToken } });
  }

  /** Spends the token and gives back the identity with the supplied fields in its profile. */
  async resume(pendingToken: string, supplied: SuppliedFields): Promise<VerifiedIdentity> {
    const pending = await this.tickets.redeem<PendingLogin>(PENDING_LOGIN, pendingToken);
    if (pending === undefined)
      throw new AppError('invalid_pending_token', 'The pending token is unknown, expired or already used; sign in again');
    const identity = reviveIdentity(pending.identity);
    // Only what was asked for: a typed email must never replace one the provider vouched for.
    if (supplied.email !== undefined && pending.missing.includes('email')) {
      // Typed by the user, proven by no one: never verified, never a reason to link to an existing account.
      Object.assign(identity.profile, { email: supplied.email.trim().toLowerCase(), emailVerified: false, emailTrustedForLinking: false });
    }
    return identity;
  }

  /** The `409 account_link_required` answer, with `details.link_token` added. */
  async offerLink(identity: VerifiedIdentity, refusal: AccountLinkRequired): Promise<AppError> {
    const pending: PendingLink = { identity, userId: refusal.existingUserId };
    const linkToken = await this.tickets.issue(LINK_TOKEN, pending, this.config.login.linkTokenTtlSeconds);
    return new AppError(refusal.code, refusal.message, { details: { ...refusal.details, link_token: linkToken } });
  }

  /** Spends the token (whoever presents it) and gives back the identity, for the user it was bound to only. */
  async redeemLink(linkToken: string, userId: string): Promise<VerifiedIdentity> {
    const pending = await this.tickets.redeem<PendingLink>(LINK_TOKEN, linkToken);
    if (pending === undefined)
      throw new AppError('invalid_link_token', 'The link token is unknown, expired or already used; sign in with the provider again');
    // Spent above even on a mismatch: a token shown to the wrong account must not stay usable.
    if (pending.userId !== userId) throw new AppError('link_token_user_mismatch', 'This link token was issued for another account');
    return reviveIdentity(pending.identity);
  }
}

type PendingLogin = { identity: VerifiedIdentity; step: string; missing: string[] };
type PendingLink = { identity: VerifiedIdentity; userId: string };

const PENDING_LOGIN = 'pending-login';
const LINK_TOKEN = 'link-token';
