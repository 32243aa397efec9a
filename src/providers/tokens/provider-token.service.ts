import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { AppError } from '../../common/errors/app-error.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { SocialAccount } from '../../users/entities/social-account.entity.js';
import { IdentityProviderRegistry } from '../identity-provider.registry.js';
import type { IdentityProvider, ProviderTokens } from '../identity-provider.types.js';
import { RefreshLock } from './refresh-lock.js';

/** A token this close to expiry is renewed first: the caller still needs time to use it. */
const MARGIN_MS = 60_000;

/**
 * The user's provider access token, for backend code that calls the provider on the user's behalf. Stored
 * encrypted on the social account by the login; renewed here when it is about to expire, one renewal per user
 * and provider at a time (`RefreshLock`). Every write re-encrypts with the current `ENCRYPTION_KEYS` key.
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

  /** `not_found` without an account at that provider; `provider_reauthentication_required` when only a new sign-in helps. */
  async getProviderAccessToken(userId: string, provider: string): Promise<string> {
    const definition = this.registry.get(provider);
    const usable = this.usable(definition, await this.read(userId, provider));
    if (usable !== undefined) return usable;
    return this.lock.run(`${userId}:${provider}`, () => this.renew(definition, userId));
  }

  private async read(userId: string, provider: string): Promise<SocialAccount> {
    const account = await this.accounts.findOne({ where: { userId, provider } });
    if (!account) throw new AppError('not_found', `The user has no ${provider} account connected`);
    return account;
  }

  /** The stored access token when it needs no renewal. No expiry (GitHub OAuth app tokens) means it lives until revoked. */
  private usable(provider: IdentityProvider, account: SocialAccount): string | undefined {
    if (!account.accessTokenEncrypted) return undefined;
    if (account.tokenExpiresAt) {
      const left = account.tokenExpiresAt.getTime() - Date.now();
      if (left <= MARGIN_MS) return undefined;
      if (provider.extendAccessToken && left <= (provider.extendWithinMs ?? 0)) return undefined;
    }
    return this.decrypt(account.accessTokenEncrypted);
  }

  private async renew(provider: IdentityProvider, userId: string): Promise<string> {
    // Re-read under the lock: the flight or instance before us may have renewed it already.
    const account = await this.read(userId, provider.id);
    const usable = this.usable(provider, account);
    if (usable !== undefined) return usable;
    const access = account.accessTokenEncrypted ? this.decrypt(account.accessTokenEncrypted) : undefined;
    const refresh = account.refreshTokenEncrypted ? this.decrypt(account.refreshTokenEncrypted) : undefined;
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
        throw new AppError('provider_reauthentication_required', `The stored ${provider.displayName} token has expired; sign in with ${provider.displayName} again`);
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'provider_reauthentication_required' && (access ?? refresh) !== undefined) {
        await this.store(account.id, { accessTokenEncrypted: null, refreshTokenEncrypted: null, tokenExpiresAt: null });
      }
      throw error;
    }
    const accessToken = tokens.accessToken!;
    await this.store(account.id, {
      accessTokenEncrypted: this.secretBox.encrypt(accessToken),
      // Kept when the provider sends none (Google), re-encrypted so a retired key stops being needed.
      refreshTokenEncrypted: this.secretBox.encryptOptional(tokens.refreshToken ?? refresh),
      tokenExpiresAt: tokens.expiresAt ?? null,
    });
    return accessToken;
  }

  private async store(id: string, changes: Partial<SocialAccount>): Promise<void> {
    await this.tx.run((manager) => manager.update(SocialAccount, { id }, changes));
  }

  /** A ciphertext under a key no longer configured is as good as no token. */
  private decrypt(ciphertext: string): string {
    try {
      return this.secretBox.decrypt(ciphertext);
    } catch (error) {
      this.logger.warn(`A stored provider token cannot be decrypted: ${(error as Error).message}`);
      throw new AppError('provider_reauthentication_required', 'The stored provider token is unreadable; sign in with the provider again', { cause: error });
    }
  }
}
