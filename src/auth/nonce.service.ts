import { Inject, Injectable } from '@nestjs/common';
import { randomToken } from '../common/crypto/random.js';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { OneTimeStore } from '../one-time/one-time-store.js';
import type { NonceResponse } from './dto/nonce.response.js';

/**
 * Server-issued ID-token nonces against replay. The frontend asks for one, puts it in the provider's sign-in
 * request, and the ID token comes back carrying it; we accept each nonce once, for the provider it was issued for.
 * Whether a nonce is required: docs/decisions/0002-id-token-nonce-default.md.
 */
@Injectable()
export class NonceService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: OneTimeStore,
  ) {}

  async issue(provider: string): Promise<NonceResponse> {
    const nonce = randomToken();
    const ttl = this.config.login.nonceTtlSeconds;
    await this.store.put(key(provider, nonce), ttl);
    return { nonce, expires_in: ttl };
  }

  /** A nonce in the token must be one of ours, unused; a missing one is accepted unless nonces are required. */
  async consume(provider: string, nonce: string | undefined): Promise<void> {
    if (nonce === undefined) {
      if (this.config.login.nonceRequired)
        throw new AppError('invalid_nonce', 'The ID token carries no nonce; get one from /auth/{provider}/nonce');
      return;
    }
    if (!(await this.store.take(key(provider, nonce)))) {
      throw new AppError('invalid_nonce', 'The ID token nonce is unknown, expired or already used');
    }
  }
}

function key(provider: string, nonce: string): string {
  return `nonce:${provider}:${nonce}`;
}
