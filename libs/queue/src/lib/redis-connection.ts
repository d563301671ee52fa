import { parseRedisUrl } from '@switchboard/config';
import { createRedisClient, hashTag, type RedisClient } from '@switchboard/redis';
import type { RedisOptions } from 'ioredis';

/** Reconnect backoff capped at 5 s: a Redis outage heals quickly without hammering it; /health/ready reports redis down meanwhile. */
const retryStrategy = (times: number) => Math.min(times * 200, 5000);

/**
 * A connection BullMQ can use, to a server or a cluster as REDIS_URL says. BullMQ needs
 * maxRetriesPerRequest: null for its blocking commands. BullMQ does not close a client it
 * was given: its owner does, after the queues and workers on it closed.
 */
export function queueRedisClient(redisUrl: string, connectionName: string): RedisClient {
  return createRedisClient(redisUrl, { connectionName, maxRetriesPerRequest: null, retryStrategy });
}

/**
 * The prefix of every queue key. Each BullMQ script touches several keys of one queue, so in
 * a cluster the prefix is a hash tag (`{sb}`) and every queue key lands on one slot. One server
 * keeps the plain prefix: a deployment that upgrades finds its waiting and delayed jobs.
 */
export function queueKeyPrefix(redisUrl: string, prefix: string): string {
  return parseRedisUrl(redisUrl).mode === 'cluster' ? hashTag(prefix) : prefix;
}

/** Options of a connection to one server that BullMQ opens and closes itself (a spec's own queues and workers). */
export function redisConnectionOptions(redisUrl: string): RedisOptions {
  const target = parseRedisUrl(redisUrl);
  if (target.mode !== 'single') throw new Error('redisConnectionOptions takes a single-server URL; use queueRedisClient for a cluster');
  return {
    host: target.node.host,
    port: target.node.port,
    db: target.db,
    username: target.username,
    password: target.password,
    tls: target.tls ? {} : undefined,
    maxRetriesPerRequest: null,
    disableClientInfo: true,
    retryStrategy,
  };
}
