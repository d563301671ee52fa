import { redisConnectionOptions } from '@switchboard/queue';
import { Redis } from 'ioredis';
import type { CacheSettings } from './cache.constants';

/**
 * Every connection of the cache invalidation bus is made here. Fail fast (one retry, a
 * second of silence): a PUBLISH must never hold up the write that caused it.
 */
export function createCacheRedis(settings: Pick<CacheSettings, 'redisUrl'>, connectionName: string): Redis {
  const redis = new Redis({ ...redisConnectionOptions(settings.redisUrl), maxRetriesPerRequest: 1, commandTimeout: 1_000, lazyConnect: true, connectionName, autoResubscribe: false });
  // Failures surface on the commands and as 'close'; the connection reconnects on its own.
  redis.on('error', () => undefined);
  return redis;
}
