import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** The shared Redis client, or `null` when `REDIS_URL` is not set (then every store is in-memory). */
export const REDIS = Symbol('REDIS');

/**
 * One client per process. No offline queue: while Redis is down a command fails at once (and the request
 * with `503 service_unavailable`) instead of waiting; the client keeps reconnecting in the background.
 */
async function connect(config: AppConfig): Promise<Redis | null> {
  if (!config.redis.url) return null;
  const client = new Redis(config.redis.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  const logger = new Logger('Redis');
  client.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
  await client.connect();
  return client;
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    await this.redis.quit().catch(() => this.redis?.disconnect());
    new Logger('Redis').log('Redis closed');
  }
}

@Global()
@Module({
  providers: [{ provide: REDIS, inject: [APP_CONFIG], useFactory: connect }, RedisLifecycle],
  exports: [REDIS],
})
export class RedisModule {}

/** Keys of this deployment, so several deployments can share one Redis. */
export function redisKey(config: AppConfig, ...parts: string[]): string {
  return `${config.redis.keyPrefix}${parts.join(':')}`;
}
