import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { RedisClient } from '@switchboard/redis';
import { z } from 'zod';
import { CACHE_SETTINGS, type CacheSettings } from './cache.constants';
import { createCacheRedis } from './cache-redis';
import { CacheMetrics } from './cache.metrics';
import { InvalidatingCache } from './invalidating-cache';

export interface InvalidationEvent {
  readonly topic: string;
  /** 'all': every entry of every topic (the subscription was (re)established; messages may have been missed). */
  readonly keys: readonly string[] | 'all';
  readonly source: 'local' | 'remote' | 'resubscribe';
}

/** Ids only: a message names what changed, never a value (no token, no config). */
const messageSchema = z.object({ origin: z.string(), topic: z.string().min(1).max(64), keys: z.array(z.string().min(1).max(512)).min(1).max(1000) });

/** During a Redis outage every write would warn: one warning per interval, the counter has every failure. */
const WARN_EVERY_MS = 30_000;

/**
 * The process caches of every gateway and worker, kept honest over Redis pub/sub: a write
 * calls `invalidate(topic, keys)` after its commit; this process drops the related entries
 * at once and every other process when the message arrives, so the next read loads from
 * Postgres. Pub/sub is fire-and-forget, so while the subscription is down entries live only
 * `unsubscribedTtlMs`, and when it is (re)established every cache is cleared.
 */
@Injectable()
export class CacheInvalidation implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CacheInvalidation.name);
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly caches = new Set<InvalidatingCache<unknown>>();
  private readonly listeners = new Set<(event: InvalidationEvent) => void>();
  private waiters: Array<() => void> = [];
  private isSubscribed = false;
  private lastWarningAt = 0;

  constructor(
    @Inject(CACHE_SETTINGS) private readonly settings: CacheSettings,
    private readonly metrics: CacheMetrics,
  ) {
    this.channel = `${settings.prefix}:cache-invalidation`;
    this.publisher = createCacheRedis(settings, 'switchboard-cache-invalidation');
    this.subscriber = createCacheRedis(settings, 'switchboard-cache-invalidation-watch');
  }

  /** A new cache whose entries are dropped by invalidations of `topic`; `name` labels its metrics. */
  cache<V>(topic: string, name: string): InvalidatingCache<V> {
    const cache = new InvalidatingCache<V>(topic, () => (this.isSubscribed ? this.settings.ttlMs : this.settings.unsubscribedTtlMs), {
      hit: () => this.metrics.hits.inc({ cache: name }),
      miss: () => this.metrics.misses.inc({ cache: name }),
    });
    this.caches.add(cache as InvalidatingCache<unknown>);
    return cache;
  }

  /**
   * After the commit of a change: drops the related entries here, then tells every other
   * process. Never throws: a Redis problem is logged and counted, and the other processes
   * drop the entries at their TTL.
   */
  async invalidate(topic: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    this.apply({ topic, keys, source: 'local' });
    try {
      await this.publisher.publish(this.channel, JSON.stringify({ origin: this.origin, topic, keys }));
    } catch (error) {
      this.metrics.publishFailures.inc({ topic });
      this.warn('a cache invalidation was not published; other processes drop the entries at their TTL', error, { topic });
    }
  }

  /** Every invalidation this process applies; returns the unsubscribe. */
  onInvalidation(listener: (event: InvalidationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribed(): boolean {
    return this.isSubscribed;
  }

  /** Resolves once invalidations are heard (at once when they are). */
  whenSubscribed(): Promise<void> {
    return this.isSubscribed ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  onModuleInit(): void {
    // No automatic resubscribe: each (re)connection subscribes and then clears, in that order.
    this.subscriber.on('ready', () => this.subscribe());
    this.subscriber.on('close', () => {
      this.isSubscribed = false;
    });
    this.subscriber.on('message', (_channel: string, text: string) => this.receive(text));
    // A failed first connect is retried by the retry strategy; until then entries live unsubscribedTtlMs.
    this.subscriber.connect().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.isSubscribed = false;
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private subscribe(): void {
    this.subscriber.subscribe(this.channel).then(
      () => {
        // Whatever was published while nobody listened here is lost: forget everything.
        this.apply({ topic: '*', keys: 'all', source: 'resubscribe' });
        this.isSubscribed = true;
        const waiters = this.waiters;
        this.waiters = [];
        for (const resolve of waiters) resolve();
      },
      (error: unknown) => {
        this.warn('SUBSCRIBE to cache invalidations failed; reconnecting', error, {});
        this.subscriber.disconnect(true);
      },
    );
  }

  private receive(text: string): void {
    let message: z.infer<typeof messageSchema>;
    try {
      message = messageSchema.parse(JSON.parse(text));
    } catch (error) {
      this.warn('unreadable cache invalidation message', error, {});
      return;
    }
    if (message.origin === this.origin) return;
    this.apply({ topic: message.topic, keys: message.keys, source: 'remote' });
  }

  private apply(event: InvalidationEvent): void {
    this.metrics.invalidations.inc({ topic: event.topic, source: event.source });
    for (const cache of this.caches) {
      if (event.keys === 'all') cache.clear();
      else if (cache.topic === event.topic) cache.drop(event.keys);
    }
    for (const listener of this.listeners) listener(event);
  }

  /** Warn level, throttled; only the error's message (ioredis names host and port, never the password). */
  private warn(text: string, error: unknown, fields: Record<string, unknown>): void {
    if (Date.now() - this.lastWarningAt < WARN_EVERY_MS) return;
    this.lastWarningAt = Date.now();
    this.logger.warn({ ...fields, reason: error instanceof Error ? error.message : String(error) }, text);
  }
}
