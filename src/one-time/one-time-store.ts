import { Injectable, type OnModuleDestroy } from '@nestjs/common';

/**
 * Values that may be used once and expire: ID-token nonces now, OAuth `state` and login codes later.
 * `takeValue` must be atomic: of two concurrent takes of one key exactly one gets the value (`take`: `true`).
 * The in-memory store serves one process; a shared (Redis) store implements the same interface.
 */
export abstract class OneTimeStore {
  /** A value that `takeValue` hands back once (paused logins). */
  abstract putValue(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** The value, at most once and only before it expires; `undefined` otherwise. */
  abstract takeValue(key: string): Promise<string | undefined>;

  put(key: string, ttlSeconds: number): Promise<void> {
    return this.putValue(key, '1', ttlSeconds);
  }

  async take(key: string): Promise<boolean> {
    return (await this.takeValue(key)) !== undefined;
  }
}

@Injectable()
export class MemoryOneTimeStore extends OneTimeStore implements OnModuleDestroy {
  private readonly entries = new Map<string, { expires: number; value: string }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async putValue(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { expires: Date.now() + ttlSeconds * 1000, value });
  }

  // No await between the read and the delete: in one process that is atomic.
  async takeValue(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry !== undefined && entry.expires > Date.now() ? entry.value : undefined;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, { expires }] of this.entries) if (expires <= now) this.entries.delete(key);
  }
}
