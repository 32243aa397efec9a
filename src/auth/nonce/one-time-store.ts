import { Injectable, type OnModuleDestroy } from '@nestjs/common';

/**
 * Values that may be used once and expire: ID-token nonces now, OAuth `state` and login codes later.
 * `take` must be atomic: of two concurrent takes of one key exactly one gets `true`.
 * The in-memory store serves one process; a shared (Redis) store implements the same interface.
 */
export abstract class OneTimeStore {
  abstract put(key: string, ttlSeconds: number): Promise<void>;
  abstract take(key: string): Promise<boolean>;
}

@Injectable()
export class MemoryOneTimeStore extends OneTimeStore implements OnModuleDestroy {
  private readonly entries = new Map<string, number>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async put(key: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, Date.now() + ttlSeconds * 1000);
  }

  async take(key: string): Promise<boolean> {
    const expires = this.entries.get(key);
    this.entries.delete(key);
    return expires !== undefined && expires > Date.now();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, expires] of this.entries) if (expires <= now) this.entries.delete(key);
  }
}
