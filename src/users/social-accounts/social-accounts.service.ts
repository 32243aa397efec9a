import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditTrail } from '../../audit/audit-trail.service.js';
import type { ClientInfo } from '../../auth/tokens/refresh-token.service.js';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { AppError } from '../../common/errors/app-error.js';
import { isUniqueViolation, TransactionRunner } from '../../database/transaction-runner.js';
import type { VerifiedIdentity } from '../../providers/identity-provider.types.js';
import { insertSocialAccount } from '../association/steps/associate-user.step.js';
import { saveProviderData } from '../association/steps/load-extra-data.step.js';
import { usableUid } from '../association/steps/social-uid.step.js';
import { SocialAccount } from '../entities/social-account.entity.js';
import { User } from '../entities/user.entity.js';

/** The signed-in user's provider identities: list, connect (verified identity or confirmed link), disconnect. */
@Injectable()
export class SocialAccountsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditTrail,
  ) {}

  list(userId: string): Promise<SocialAccount[]> {
    return this.tx.run((manager) => manager.find(SocialAccount, { where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } }));
  }

  /**
   * Attaches a verified identity to the user, storing extra data and tokens like a login does. Idempotent for
   * the user's own identity; `409 social_account_in_use` when another user has it. Two users connecting one
   * identity at once: the unique (provider, uid) index lets one insert win; the retry shows the loser the
   * winner's row, hence the same 409.
   */
  async connect(userId: string, identity: VerifiedIdentity, client: ClientInfo | null = null, via = 'token'): Promise<SocialAccount> {
    const uid = usableUid(identity.provider, identity.profile.uid);
    try {
      return await this.tx.runWithRetryOnConflict(async (manager) => {
        await activeUser(manager, userId);
        const existing = await manager.findOne(SocialAccount, { where: { provider: identity.provider, uid } });
        const account = existing ?? (await insertSocialAccount(manager, userId, identity.provider, uid));
        if (account.userId !== userId) throw new AppError('social_account_in_use', 'This provider account is connected to another user');
        await saveProviderData(manager, this.secretBox, account, identity);
        // Connecting one's own identity again only refreshes its data: not an event.
        if (!existing)
          await this.audit.record(manager, { event: 'account_linked', userId, client, provider: identity.provider, detail: { via } });
        return account;
      });
    } catch (error) {
      // Still losing after the retries: the identity belongs to someone else now.
      if (isUniqueViolation(error))
        throw new AppError('social_account_in_use', 'This provider account is connected to another user', { cause: error });
      throw error;
    }
  }

  /** Users have no password: their last social account is their only way in, so it stays. */
  async disconnect(userId: string, accountId: string, client: ClientInfo | null = null): Promise<void> {
    await this.tx.run(async (manager) => {
      // Two disconnects at once could each count the other account and leave none: on PostgreSQL they queue on
      // the user's row (TransactionRunner already runs SQLite transactions one at a time).
      if (manager.connection.options.type === 'postgres')
        await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      const account = await manager.findOne(SocialAccount, { where: { id: accountId, userId } });
      if (!account) throw new AppError('not_found', 'No such social account');
      if ((await manager.count(SocialAccount, { where: { userId } })) <= 1) {
        throw new AppError('last_login_method', 'This is your only way to sign in; connect another provider first');
      }
      await manager.delete(SocialAccount, { id: account.id, userId });
      await this.audit.record(manager, { event: 'account_unlinked', userId, client, provider: account.provider });
    });
  }
}

async function activeUser(manager: EntityManager, userId: string): Promise<void> {
  const user = await manager.findOne(User, { where: { id: userId } });
  if (!user) throw new AppError('invalid_token', 'The user of this token no longer exists');
  if (!user.isActive) throw new AppError('account_inactive', 'This account is inactive');
}
