import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../common/crypto/secret-box.js';
import { randomToken, sha256 } from '../common/crypto/random.js';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { VerifiedIdentity } from '../providers/identity-provider.types.js';
import type { PipelinePause } from '../users/association/pipeline-pause.js';
import { OneTimeStore } from './nonce/one-time-store.js';

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
    private readonly store: OneTimeStore,
    private readonly box: SecretBox,
  ) {}

  /** The `422 profile_incomplete` answer for a paused login, with the token that resumes it. */
  async pause(identity: VerifiedIdentity, pause: PipelinePause): Promise<AppError> {
    const pendingToken = randomToken();
    const pending: PendingLogin = { identity, step: pause.step, missing: pause.missing };
    await this.store.putValue(key(pendingToken), this.box.encrypt(JSON.stringify(pending)), this.config.login.pendingTtlSeconds);
    return new AppError('profile_incomplete', pause.message, { details: { missing: pause.missing, pending_token: pendingToken } });
  }

  /** Spends the token and gives back the identity with the supplied fields in its profile. */
  async resume(pendingToken: string, supplied: SuppliedFields): Promise<VerifiedIdentity> {
    const stored = await this.store.takeValue(key(pendingToken));
    if (stored === undefined) throw new AppError('invalid_pending_token', 'The pending token is unknown, expired or already used; sign in again');
    const { identity, missing } = JSON.parse(this.box.decrypt(stored)) as PendingLogin;
    // JSON turned the expiry into a string.
    if (identity.tokens.expiresAt) identity.tokens.expiresAt = new Date(identity.tokens.expiresAt);
    // Only what was asked for: a typed email must never replace one the provider vouched for.
    if (supplied.email !== undefined && missing.includes('email')) {
      // Typed by the user, proven by no one: never verified, never a reason to link to an existing account.
      Object.assign(identity.profile, { email: supplied.email.trim().toLowerCase(), emailVerified: false, emailTrustedForLinking: false });
    }
    return identity;
  }
}

const key = (pendingToken: string) => `pending-login:${sha256(pendingToken)}`;
