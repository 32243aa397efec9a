import { Injectable } from '@nestjs/common';
import { randomToken, sha256 } from '../../common/crypto/random.js';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { OneTimeStore } from './one-time-store.js';

/**
 * Single-use tickets that carry a payload (a paused login, a pending account link): the client holds a random
 * token; the store holds the payload encrypted (it may include provider tokens) under the token's hash, so
 * nothing in the store can be presented by itself. Redeeming spends the ticket whatever happens next.
 */
@Injectable()
export class SealedTickets {
  constructor(
    private readonly store: OneTimeStore,
    private readonly box: SecretBox,
  ) {}

  async issue(kind: string, payload: unknown, ttlSeconds: number): Promise<string> {
    const token = randomToken();
    await this.store.putValue(key(kind, token), this.box.encrypt(JSON.stringify(payload)), ttlSeconds);
    return token;
  }

  /** The payload, or `undefined` for a ticket that is unknown, expired or already spent. */
  async redeem<T>(kind: string, token: string): Promise<T | undefined> {
    const stored = await this.store.takeValue(key(kind, token));
    return stored === undefined ? undefined : (JSON.parse(this.box.decrypt(stored)) as T);
  }
}

const key = (kind: string, token: string) => `${kind}:${sha256(token)}`;
