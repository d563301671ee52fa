import { createRedisClient, type RedisClient } from '@switchboard/redis';
import type { CacheSettings } from './cache.constants';

/**
 * Every connection of the cache invalidation bus, to a server or a cluster as REDIS_URL says
 * (PUBLISH reaches every node's subscribers). Fail fast (one retry, a second of silence): a
 * PUBLISH must never hold up the write that caused it. No automatic resubscribe: the bus
 * subscribes on each ready connection, then clears its caches.
 */
export function createCacheRedis(settings: Pick<CacheSettings, 'redisUrl'>, connectionName: string): RedisClient {
  const redis = createRedisClient(settings.redisUrl, {
    connectionName,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    lazyConnect: true,
    autoResubscribe: false,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  // Failures surface on the commands and as 'close'; the connection reconnects on its own.
  redis.on('error', () => undefined);
  return redis;
}
