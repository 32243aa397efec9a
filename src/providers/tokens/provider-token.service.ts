import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SecretBox, type Opened } from '../../common/crypto/secret-box.js';
import { AppError } from '../../common/errors/app-error.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { SocialAccount, tokenPlace, type TokenColumn } from '../../users/entities/social-account.entity.js';
import { IdentityProviderRegistry } from '../identity-provider.registry.js';
import type { IdentityProvider, ProviderTokens } from '../identity-provider.types.js';
import { RefreshLock } from './refresh-lock.js';

/** A token this close to expiry is renewed first: the caller still needs time to use it. */
const MARGIN_MS = 60_000;

/**
 * The user's provider access token, for backend code that calls the provider on the user's behalf. Stored
 * encrypted on the social account (one row per provider identity: a user may connect several of one provider)
 * by the login; renewed here when it is about to expire, one renewal per social account at a time
 * (`RefreshLock`). Every write seals with the current `ENCRYPTION_KEYS` key, bound to the row and column; a
 * token read under a retired key or an unbound legacy seal is sealed again on that read.
 */
@Injectable()
export class ProviderTokenService {
  private readonly logger = new Logger(ProviderTokenService.name);

  constructor(
    @InjectRepository(SocialAccount) private readonly accounts: Repository<SocialAccount>,
    private readonly registry: IdentityProviderRegistry,
    private readonly secretBox: SecretBox,
    private readonly tx: TransactionRunner,
    private readonly lock: RefreshLock,
  ) {}

  /**
   * The access token of one social account (an id from `GET /users/me/social-accounts`) of this user.
   * `not_found` when the user has no such account; `provider_reauthentication_required` when only a new sign-in helps.
   */
  async getAccountAccessToken(userId: string, socialAccountId: string): Promise<string> {
    const account = await this.accounts.findOne({ where: { id: socialAccountId, userId } });
    if (!account) throw new AppError('not_found', 'The user has no such social account');
    return this.tokenOf(account);
  }

  /**
   * Shorthand for a user with one account at `provider`. With several, no account is picked for the caller
   * (the token of the wrong identity would act as another person): `provider_account_ambiguous`, name one with
   * `getAccountAccessToken`.
   */
  async getProviderAccessToken(userId: string, provider: string): Promise<string> {
    this.registry.get(provider); // a provider we do not have is unknown_provider, not "no account there"
    const accounts = await this.accounts.find({ where: { userId, provider }, take: 2 });
    if (accounts.length === 0) throw new AppError('not_found', `The user has no ${provider} account connected`);
    if (accounts.length > 1) {
      throw new AppError(
        'provider_account_ambiguous',
        `The user has several ${provider} accounts connected; ask for one by its social account id`,
      );
    }
    return this.tokenOf(accounts[0]);
  }

  private async tokenOf(account: SocialAccount): Promise<string> {
    const definition = this.registry.get(account.provider);
    const usable = await this.usable(definition, account);
    if (usable !== undefined) return usable;
    return this.lock.run(account.id, () => this.renew(definition, account.id));
  }

  /** The stored access token when it needs no renewal. No expiry (GitHub OAuth app tokens) means it lives until revoked. */
  private async usable(provider: IdentityProvider, account: SocialAccount): Promise<string | undefined> {
    if (!account.accessTokenEncrypted) return undefined;
    if (account.tokenExpiresAt) {
      const left = account.tokenExpiresAt.getTime() - Date.now();
      if (left <= MARGIN_MS) return undefined;
      if (provider.extendAccessToken && left <= (provider.extendWithinMs ?? 0)) return undefined;
    }
    return this.open(account, 'accessTokenEncrypted');
  }

  private async renew(provider: IdentityProvider, accountId: string): Promise<string> {
    // Re-read under the lock: the flight or instance before us may have renewed it already.
    const account = await this.accounts.findOne({ where: { id: accountId } });
    if (!account) throw new AppError('not_found', 'The social account was disconnected');
    const usable = await this.usable(provider, account);
    if (usable !== undefined) return usable;
    const access = await this.open(account, 'accessTokenEncrypted');
    const refresh = await this.open(account, 'refreshTokenEncrypted');
    const stillValid = access !== undefined && (account.tokenExpiresAt?.getTime() ?? Infinity) - Date.now() > MARGIN_MS;
    let tokens: ProviderTokens;
    try {
      if (refresh !== undefined && provider.refreshAccessToken) {
        tokens = await provider.refreshAccessToken(refresh, account.extraData ?? {});
      } else if (stillValid && provider.extendAccessToken) {
        tokens = await provider.extendAccessToken(access, account.extraData ?? {}).catch((error: unknown) => {
          // The current token still works: a provider outage must not fail the caller, we retry on the next read.
          if (error instanceof AppError && error.code !== 'provider_reauthentication_required') return { accessToken: access };
          throw error;
        });
        if (tokens.accessToken === access) return access;
      } else {
        throw new AppError(
          'provider_reauthentication_required',
          `The stored ${provider.displayName} token has expired; sign in with ${provider.displayName} again`,
        );
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'provider_reauthentication_required' && (access ?? refresh) !== undefined) {
        await this.store(account.id, { accessTokenEncrypted: null, refreshTokenEncrypted: null, tokenExpiresAt: null });
      }
      throw error;
    }
    const accessToken = tokens.accessToken!;
    await this.store(account.id, {
      accessTokenEncrypted: this.secretBox.seal(accessToken, tokenPlace(account.id, 'accessTokenEncrypted')),
      // Kept when the provider sends none (Google), sealed again so a retired key stops being needed.
      refreshTokenEncrypted: this.secretBox.sealOptional(tokens.refreshToken ?? refresh, tokenPlace(account.id, 'refreshTokenEncrypted')),
      tokenExpiresAt: tokens.expiresAt ?? null,
    });
    return accessToken;
  }

  private async store(id: string, changes: Partial<SocialAccount>): Promise<void> {
    await this.tx.run((manager) => manager.update(SocialAccount, { id }, changes));
  }

  /**
   * A stored token, sealed again when stale (retired key, or a legacy seal bound to no place). The write is
   * conditional on the ciphertext read, so it never overwrites a renewal that landed in between. A ciphertext
   * that does not open here (key no longer configured, or moved from another row or column) is as good as no token.
   */
  private async open(account: SocialAccount, column: TokenColumn): Promise<string | undefined> {
    const ciphertext = account[column];
    if (!ciphertext) return undefined;
    const place = tokenPlace(account.id, column);
    let opened: Opened;
    try {
      opened = this.secretBox.open(ciphertext, place);
    } catch (error) {
      this.logger.warn(
        `The stored provider token ${column} of social account ${account.id} cannot be decrypted: ${(error as Error).message}`,
      );
      throw new AppError('provider_reauthentication_required', 'The stored provider token is unreadable; sign in with the provider again', {
        cause: error,
      });
    }
    if (opened.stale) {
      const resealed = this.secretBox.seal(opened.plaintext, place);
      await this.tx.run((manager) => manager.update(SocialAccount, { id: account.id, [column]: ciphertext }, { [column]: resealed }));
      account[column] = resealed;
    }
    return opened.plaintext;
  }
}
