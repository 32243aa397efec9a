import { Injectable, Logger } from '@nestjs/common';
import { randomToken, sha256 } from '../common/crypto/random.js';
import { SecretBox, type SealedPlace } from '../common/crypto/secret-box.js';
import { OneTimeStore } from './one-time-store.js';

/**
 * Single-use tickets that carry a payload (a paused login, a pending account link): the client holds a random
 * token; the store holds the payload encrypted (it may include provider tokens) under the token's hash, so
 * nothing in the store can be presented by itself. Redeeming spends the ticket whatever happens next.
 * The payload is sealed for its kind and its token hash: copied under another ticket (of this kind or another),
 * it does not open, so whoever can write the store cannot redeem someone else's sign-in with a ticket of their own.
 */
@Injectable()
export class SealedTickets {
  private readonly logger = new Logger(SealedTickets.name);

  constructor(
    private readonly store: OneTimeStore,
    private readonly box: SecretBox,
  ) {}

  async issue(kind: string, payload: unknown, ttlSeconds: number): Promise<string> {
    const token = randomToken();
    const hash = sha256(token);
    await this.store.putValue(key(kind, hash), this.box.seal(JSON.stringify(payload), place(kind, hash)), ttlSeconds);
    return token;
  }

  /** The payload, or `undefined` for a ticket that is unknown, expired, already spent, or does not open here. */
  async redeem<T>(kind: string, token: string): Promise<T | undefined> {
    const hash = sha256(token);
    const stored = await this.store.takeValue(key(kind, hash));
    if (stored === undefined) return undefined;
    try {
      // A stale (legacy or retired-key) seal needs no sealing again: the ticket is spent.
      return JSON.parse(this.box.open(stored, place(kind, hash)).plaintext) as T;
    } catch (error) {
      this.logger.warn(`A ${kind} ticket does not open (moved from another ticket, or its key is gone): ${(error as Error).message}`);
      return undefined;
    }
  }
}

const key = (kind: string, hash: string) => `${kind}:${hash}`;
const place = (kind: string, hash: string): SealedPlace => ({ purpose: `ticket:${kind}`, id: hash });
