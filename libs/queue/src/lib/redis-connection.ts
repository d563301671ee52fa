import type { RedisOptions } from 'ioredis';

/**
 * BullMQ needs maxRetriesPerRequest: null for its blocking commands. The retry
 * strategy caps reconnect backoff at 5 s so a Redis outage heals quickly without
 * hammering it; the process keeps running and /health/ready reports redis down.
 */
export function redisConnectionOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // Redis 7.0 answers CLIENT SETINFO with an error that shows up as a failed span.
    disableClientInfo: true,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  };
}
