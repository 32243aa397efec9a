import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SealedTickets } from '../one-time/sealed-tickets.js';
import { reviveIdentity, type VerifiedIdentity } from '../providers/identity-provider.types.js';
import type { AccountLinkRequired } from '../users/association/login-outcomes.js';

interface PendingLink {
  identity: VerifiedIdentity;
  userId: string;
}

/**
 * Linking confirmed by signing in: a login refused with `account_link_required` is answered with a `link_token`
 * bound to the refused identity and to the account it collided with. Only that account, signed in, can redeem it
 * (`POST /users/me/social-accounts/link`), so proving the existing account is what links, never the email.
 * Stored like paused logins: encrypted (the identity holds provider tokens), keyed by the token's hash, single use.
 */
@Injectable()
export class LinkTokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: SealedTickets,
  ) {}

  /** The `409 account_link_required` answer, with `details.link_token` added. */
  async offer(identity: VerifiedIdentity, refusal: AccountLinkRequired): Promise<AppError> {
    const pending: PendingLink = { identity, userId: refusal.existingUserId };
    const linkToken = await this.tickets.issue(KIND, pending, this.config.login.linkTokenTtlSeconds);
    return new AppError(refusal.code, refusal.message, { details: { ...refusal.details, link_token: linkToken } });
  }

  /** Spends the token (whoever presents it) and gives back the identity, for the user it was bound to only. */
  async redeem(linkToken: string, userId: string): Promise<VerifiedIdentity> {
    const pending = await this.tickets.redeem<PendingLink>(KIND, linkToken);
    if (pending === undefined)
      throw new AppError('invalid_link_token', 'The link token is unknown, expired or already used; sign in with the provider again');
    // Spent above even on a mismatch: a token shown to the wrong account must not stay usable.
    if (pending.userId !== userId) throw new AppError('link_token_user_mismatch', 'This link token was issued for another account');
    return reviveIdentity(pending.identity);
  }
}

const KIND = 'link-token';
