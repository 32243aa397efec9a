import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../common/crypto/secret-box.js';
import { randomToken, sha256 } from '../common/crypto/random.js';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { VerifiedIdentity } from '../providers/identity-provider.types.js';
import type { AccountLinkRequired } from '../users/association/steps/associate-by-email.step.js';
import { OneTimeStore } from './nonce/one-time-store.js';

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
    private readonly store: OneTimeStore,
    private readonly box: SecretBox,
  ) {}

  /** The `409 account_link_required` answer, with `details.link_token` added. */
  async offer(identity: VerifiedIdentity, refusal: AccountLinkRequired): Promise<AppError> {
    const linkToken = randomToken();
    const pending: PendingLink = { identity, userId: refusal.existingUserId };
    await this.store.putValue(key(linkToken), this.box.encrypt(JSON.stringify(pending)), this.config.login.linkTokenTtlSeconds);
    return new AppError(refusal.code, refusal.message, { details: { ...refusal.details, link_token: linkToken } });
  }

  /** Spends the token (whoever presents it) and gives back the identity, for the user it was bound to only. */
  async redeem(linkToken: string, userId: string): Promise<VerifiedIdentity> {
    const stored = await this.store.takeValue(key(linkToken));
    if (stored === undefined) throw new AppError('invalid_link_token', 'The link token is unknown, expired or already used; sign in with the provider again');
    const pending = JSON.parse(this.box.decrypt(stored)) as PendingLink;
    // Spent above even on a mismatch: a token shown to the wrong account must not stay usable.
    if (pending.userId !== userId) throw new AppError('link_token_user_mismatch', 'This link token was issued for another account');
    // JSON turned the expiry into a string.
    if (pending.identity.tokens.expiresAt) pending.identity.tokens.expiresAt = new Date(pending.identity.tokens.expiresAt);
    return pending.identity;
  }
}

const key = (linkToken: string) => `link-token:${sha256(linkToken)}`;
