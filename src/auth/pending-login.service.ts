import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SealedTickets } from '../one-time/sealed-tickets.js';
import { reviveIdentity, type VerifiedIdentity } from '../providers/identity-provider.types.js';
import type { PipelinePause } from '../users/association/login-outcomes.js';

/** What the user supplies to resume a paused login; one optional member per field a step may ask for. */
export interface SuppliedFields {
  email?: string;
}

interface PendingLogin {
  identity: VerifiedIdentity;
  step: string;
  missing: string[];
}

/**
 * Paused logins (`PipelinePause`): the verified identity waits in the `OneTimeStore` under a random
 * `pending_token`, single use and short-lived. Stored encrypted (it may hold the provider's tokens) and keyed by
 * the token's hash, so the store never holds anything that can resume a login by itself.
 */
@Injectable()
export class PendingLoginService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: SealedTickets,
  ) {}

  /** The `422 profile_incomplete` answer for a paused login, with the token that resumes it. */
  async pause(identity: VerifiedIdentity, pause: PipelinePause): Promise<AppError> {
    const pending: PendingLogin = { identity, step: pause.step, missing: pause.missing };
    const pendingToken = await this.tickets.issue(KIND, pending, this.config.login.pendingTtlSeconds);
    return new AppError('profile_incomplete', pause.message, { details: { missing: pause.missing, pending_token: pendingToken } });
  }

  /** Spends the token and gives back the identity with the supplied fields in its profile. */
  async resume(pendingToken: string, supplied: SuppliedFields): Promise<VerifiedIdentity> {
    const pending = await this.tickets.redeem<PendingLogin>(KIND, pendingToken);
    if (pending === undefined)
      throw new AppError('invalid_pending_token', 'The pending token is unknown, expired or already used; sign in again');
    const { missing } = pending;
    const identity = reviveIdentity(pending.identity);
    // Only what was asked for: a typed email must never replace one the provider vouched for.
    if (supplied.email !== undefined && missing.includes('email')) {
      // Typed by the user, proven by no one: never verified, never a reason to link to an existing account.
      Object.assign(identity.profile, { email: supplied.email.trim().toLowerCase(), emailVerified: false, emailTrustedForLinking: false });
    }
    return identity;
  }
}

const KIND = 'pending-login';
