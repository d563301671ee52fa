import { parseRedisUrl, type RedisTarget } from '@switchboard/config';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A client of one Redis server or of a Redis Cluster: the commands, Lua scripts, pub/sub and BullMQ work on both. */
export type RedisClient = Redis | Cluster;

/** What each use sets for its own connection; the same in both modes. */
export interface RedisClientOptions {
  /** CLIENT SETNAME of the connection (of every node's connection in a cluster). */
  readonly connectionName: string;
  /** null: a command waits for the connection however long it takes (BullMQ needs this). */
  readonly maxRetriesPerRequest: number | null;
  /** Milliseconds a command may take before it fails. */
  readonly commandTimeout?: number;
  /** false: a command fails at once while the connection is down instead of queueing. */
  readonly enableOfflineQueue?: boolean;
  /** Connect on the first command instead of at once. */
  readonly lazyConnect?: boolean;
  /** false: channels are not subscribed again after a reconnect. */
  readonly autoResubscribe?: boolean;
  /** Delay before reconnect attempt `times` (of the whole cluster connection in cluster mode). */
  readonly retryStrategy: (times: number) => number;
}

/**
 * The one place a Redis client is created: REDIS_URL decides between a server and a
 * cluster (parseRedisUrl), the caller's options apply the same in both modes.
 */
export function createRedisClient(url: string, options: RedisClientOptions): RedisClient {
  const target = parseRedisUrl(url);
  const { retryStrategy, enableOfflineQueue, lazyConnect, ...perConnection } = options;
  const connection: RedisOptions = {
    ...perConnection,
    ...credentials(target),
    // Redis 7.0 answers CLIENT SETINFO with an error that shows up as a failed span.
    disableClientInfo: true,
  };
  const shared = defined({ enableOfflineQueue, lazyConnect });
  if (target.mode === 'single') {
    return new Redis({ ...connection, ...shared, host: target.node.host, port: target.node.port, db: target.db, retryStrategy });
  }
  return new Cluster([...target.nodes], { ...shared, redisOptions: connection, clusterRetryStrategy: retryStrategy });
}

function credentials(target: RedisTarget): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  return { ...defined({ username: target.username, password: target.password }), ...(target.tls ? { tls: {} } : {}) };
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
