import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { createRedisClient, type RedisClient } from '@switchboard/redis';
import { RATE_LIMITING_SETTINGS, type RateLimitingSettings } from './rate-limiting.constants';
import { CIRCUIT_ACQUIRE_SCRIPT, CIRCUIT_FAILURE_SCRIPT } from './circuit.script';
import { RateLimitKeys } from './rate-limit.keys';
import { SEND_ACQUIRE_SCRIPT } from './send-acquire.script';
import { TENANT_QUOTA_SCRIPT } from './tenant-quota.script';

type Reply = Promise<unknown>;

/** The client (server or cluster) with our Lua commands (loaded once with EVALSHA, re-sent on NOSCRIPT by ioredis). */
export type RateLimitRedis = RedisClient & {
  sendAcquire(...keysThenArgs: Array<string | number>): Reply;
  circuitAcquire(...keysThenArgs: Array<string | number>): Reply;
  circuitFailure(...keysThenArgs: Array<string | number>): Reply;
  tenantQuota(key: string, windowMs: number): Reply;
};

/**
 * One connection per process for every limit. Commands fail after one reconnect
 * attempt or a second of silence instead of queueing forever (BullMQ's connection
 * waits indefinitely, which would stall an HTTP request), so callers can decide:
 * the tenant quota fails open, the send limiter lets the job be retried.
 */
@Injectable()
export class RateLimitConnection implements OnModuleDestroy {
  readonly redis: RateLimitRedis;
  readonly keyPrefix: string;
  /** Every key the scripts touch. */
  readonly keys: RateLimitKeys;

  constructor(@Inject(RATE_LIMITING_SETTINGS) settings: RateLimitingSettings) {
    const redis = createRedisClient(settings.redisUrl, {
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
      connectionName: 'switchboard-rate-limiting',
      retryStrategy: (times) => Math.min(times * 200, 5_000),
    });
    // Errors surface on the commands; the connection keeps reconnecting on its own.
    redis.on('error', () => undefined);
    redis.defineCommand('sendAcquire', { numberOfKeys: 13, lua: SEND_ACQUIRE_SCRIPT });
    redis.defineCommand('circuitAcquire', { numberOfKeys: 4, lua: CIRCUIT_ACQUIRE_SCRIPT });
    redis.defineCommand('circuitFailure', { numberOfKeys: 4, lua: CIRCUIT_FAILURE_SCRIPT });
    redis.defineCommand('tenantQuota', { numberOfKeys: 1, lua: TENANT_QUOTA_SCRIPT });
    this.redis = redis as RateLimitRedis;
    this.keyPrefix = `${settings.prefix}:rl`;
    this.keys = new RateLimitKeys(this.keyPrefix);
  }

  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
