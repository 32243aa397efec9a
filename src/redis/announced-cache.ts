import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

const MAX_ENTRIES = 50_000;

/**
 * Yes/no answers read from the database ("is this session still live?", "is this grant?"), cached per instance for
 * `ttlMs`, with ends announced: `ended(key)` forgets the key here and, through Redis pub/sub when configured, on
 * every other instance at once. Without Redis, another instance's answer lasts at most `ttlMs`. At most 50,000
 * entries: past that the oldest goes.
 */
export class AnnouncedCache {
  private readonly logger: Logger;
  private readonly cache = new Map<string, { live: boolean; until: number }>();
  private subscriber: Redis | undefined;

  constructor(
    name: string,
    private readonly redis: Redis | null,
    private readonly channel: string,
    private readonly ttlMs: number,
    private readonly lookup: (key: string, now: Date) => Promise<boolean>,
  ) {
    this.logger = new Logger(name);
  }

  /** Subscribes to the channel, so other instances' announcements reach this one. */
  async listen(): Promise<void> {
    if (!this.redis) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, key: string) => this.cache.delete(key));
    this.subscriber.on('error', (error: Error) => this.logger.warn(`${this.channel} subscriber: ${error.message}`));
    if (this.subscriber.status === 'wait') await this.subscriber.connect();
    await this.subscriber.subscribe(this.channel);
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** The cached answer, if there is a fresh one: lets a caller on every request's path skip a promise. */
  known(key: string): boolean | undefined {
    const hit = this.cache.get(key);
    return hit && hit.until > Date.now() ? hit.live : undefined;
  }

  async get(key: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.live;
    const live = await this.lookup(key, new Date(now));
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { live, until: now + this.ttlMs });
    return live;
  }

  /** After the thing ended (a logout, a revoked grant): forget it here and everywhere. */
  async ended(key: string): Promise<void> {
    this.cache.delete(key);
    if (this.subscriber)
      await this.redis?.publish(this.channel, key).catch((error: Error) => this.logger.warn(`publish: ${error.message}`));
  }
}
