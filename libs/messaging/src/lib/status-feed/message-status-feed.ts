import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SwitchboardError, type MessageError } from '@switchboard/error-taxonomy';
import { QUEUE_SETTINGS, type QueueSettings } from '@switchboard/queue';
import { createRedisClient, type RedisClient, type RedisClientOptions } from '@switchboard/redis';
import type { Environment } from '@switchboard/tenancy';
import { DataSource } from 'typeorm';
import { isForwardStatus, type MessageStatus } from '../persistence/message-status';
import type { MessageStatusChange } from './message-status-change';
import { StatusFeedMetrics } from './status-feed.metrics';
import { StatusWatcher } from './status-watcher';

export interface StatusFeedScope {
  tenantId: string;
  environment: Environment;
}

/** Changes one watcher may fall behind before the oldest are dropped (a message has a handful of events; a busy environment thousands a second). */
const WATCHER_BUFFER_SIZE = 1_000;
/** During a Redis outage every write would warn: one warning per interval, the counter has every failure. */
const WARN_EVERY_MS = 30_000;

interface Channel {
  readonly watchers: Set<StatusWatcher>;
  /** Resolves once Redis acknowledged the SUBSCRIBE: from then on no published change is missed. */
  readonly subscribed: Promise<unknown>;
}

interface StoredEvent {
  status: MessageStatus;
  at: Date;
  channel: string;
  error: MessageError | null;
}

/**
 * The live feed of message status changes across processes (GraphQL's messageStatusChanged):
 * every write of a timeline event publishes it after its commit on the channel of its tenant
 * environment; every gateway's watchers hear it through one subscriber connection.
 *
 * Redis pub/sub is fire-and-forget: a change published while nobody listens, or while a
 * connection is down, is gone. The stored timeline is the truth: a watcher of one message
 * gets it replayed after its subscription is in place, and a watcher whose connection
 * dropped gets an error (to subscribe again) rather than a silent gap.
 */
@Injectable()
export class MessageStatusFeed implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(MessageStatusFeed.name);
  private readonly publisher: RedisClient;
  private subscriber: RedisClient | undefined;
  private readonly channels = new Map<string, Channel>();
  private closed = false;
  private lastWarningAt = 0;

  constructor(
    @Inject(QUEUE_SETTINGS) private readonly settings: QueueSettings,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: StatusFeedMetrics,
  ) {
    // A batch's PUBLISHes (and concurrent steps' ones) share writes.
    this.publisher = createRedisClient(settings.redisUrl, { ...this.connectionOptions('switchboard-status-feed'), enableAutoPipelining: true });
    // Failures surface on the PUBLISH commands; the connection reconnects on its own.
    this.publisher.on('error', () => undefined);
  }

  /**
   * After the commit that stored the changes. The PUBLISHes are auto-pipelined: those issued in
   * one tick, this call's and concurrent callers' (the accepts and sends of one group commit),
   * share one write. Never throws: a Redis problem is logged and counted, the timeline has the
   * change.
   */
  async publish(changes: readonly MessageStatusChange[]): Promise<void> {
    if (changes.length === 0) return;
    const results = await Promise.allSettled(changes.map((change) => this.publisher.publish(this.channelOf(change), JSON.stringify(change))));
    const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    const failures = { count: failed.length, reason: failed[0]?.reason };
    if (failures.count === 0) return;
    this.metrics.publishFailures.inc(failures.count);
    this.warn('message status changes were not published to the live feed (they are in the timeline)', failures.reason, { changes: failures.count });
  }

  /**
   * Live changes of one tenant environment, optionally of one message. With messageId: subscribes
   * first, then replays that message's stored timeline in the order it was written (the order a
   * live watcher saw it), then the live changes, a live change the replay held (same status and at)
   * dropped. return() releases the subscription; the last watcher of a channel UNSUBSCRIBEs.
   */
  watch(scope: StatusFeedScope, filter: { messageId?: string } = {}): AsyncIterableIterator<MessageStatusChange> {
    const name = this.channelOf(scope);
    const watcher = new StatusWatcher(filter.messageId, WATCHER_BUFFER_SIZE, {
      dropped: () => this.metrics.dropped.inc(),
      released: (released) => this.leave(name, released),
    });
    if (this.closed) {
      watcher.end();
      return watcher;
    }
    const channel = this.join(name, watcher);
    const { messageId } = filter;
    watcher.start(channel.subscribed.then(() => (messageId === undefined ? [] : this.timeline(scope, messageId))));
    return watcher;
  }

  /** Watchers end first, so graphql-ws completes their subscriptions while the server still runs. */
  onModuleDestroy(): void {
    this.closed = true;
    const watchers = this.takeAllWatchers();
    for (const watcher of watchers) watcher.end();
    this.subscriber?.disconnect();
  }

  /** The publisher stays open until here: in-flight sends of a stopping worker still publish their outcome. */
  onApplicationShutdown(): void {
    this.publisher.disconnect();
  }

  private channelOf(scope: StatusFeedScope): string {
    return `${this.settings.prefix}:status:${scope.tenantId}:${scope.environment}`;
  }

  /** Fail fast (one reconnect attempt, a second of silence): a PUBLISH must never hold up a send or a request. */
  private connectionOptions(connectionName: string): RedisClientOptions {
    return { maxRetriesPerRequest: 1, commandTimeout: 1_000, lazyConnect: true, connectionName, retryStrategy: (times) => Math.min(times * 200, 5000) };
  }

  private join(name: string, watcher: StatusWatcher): Channel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { watchers: new Set(), subscribed: this.subscriberConnection().subscribe(name) };
      this.channels.set(name, channel);
    }
    channel.watchers.add(watcher);
    return channel;
  }

  private leave(name: string, watcher: StatusWatcher): void {
    const channel = this.channels.get(name);
    if (!channel?.watchers.delete(watcher) || channel.watchers.size > 0) return;
    this.channels.delete(name);
    // Commands on one connection run in order: a SUBSCRIBE of a newer watcher follows this one.
    this.subscriber?.unsubscribe(name).catch((error: unknown) => this.warn('UNSUBSCRIBE of the live status feed failed', error, {}));
  }

  /** One per process, opened by the first watch (the worker never watches). */
  private subscriberConnection(): RedisClient {
    if (this.subscriber) return this.subscriber;
    // No automatic resubscribe: changes published while the connection was down are lost, so its
    // watchers are failed instead and their clients subscribe again (and get the timeline replayed).
    const subscriber = createRedisClient(this.settings.redisUrl, { ...this.connectionOptions('switchboard-status-feed-watch'), autoResubscribe: false });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (name: string, text: string) => this.deliver(name, text));
    subscriber.on('close', () => this.interrupted());
    this.subscriber = subscriber;
    return subscriber;
  }

  private deliver(name: string, text: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    let change: MessageStatusChange;
    try {
      change = JSON.parse(text) as MessageStatusChange;
    } catch (error) {
      this.warn('unreadable message on the live status feed channel', error, {});
      return;
    }
    for (const watcher of channel.watchers) watcher.offer(change);
  }

  private interrupted(): void {
    const watchers = this.takeAllWatchers();
    if (watchers.length === 0) return;
    // A SwitchboardError, so GraphQL clients get this sentence rather than a bare internal error.
    const error = new SwitchboardError({ code: 'internal_error', message: 'The live status feed lost its connection to Redis; subscribe again (a message watch replays its timeline)' });
    for (const watcher of watchers) watcher.fail(error);
    this.logger.warn({ watchers: watchers.length }, 'the live status feed lost its Redis connection; its watchers were ended with an error');
  }

  /** Forgets every channel first, so the watchers' release does not UNSUBSCRIBE on a connection that is gone. */
  private takeAllWatchers(): StatusWatcher[] {
    const watchers = [...this.channels.values()].flatMap((channel) => [...channel.watchers]);
    this.channels.clear();
    return watchers;
  }

  /** The message's stored events, each with the message's status after it (the status machine's forward-only rule, queued on a retry). */
  private async timeline(scope: StatusFeedScope, messageId: string): Promise<MessageStatusChange[]> {
    const events = (await this.dataSource.query(
      `SELECT status, at, channel, detail -> 'error' AS error FROM message_events
        WHERE message_id = $1 AND tenant_id = $2 AND environment = $3 ORDER BY id`,
      [messageId, scope.tenantId, scope.environment],
    )) as StoredEvent[];
    let messageStatus: MessageStatus = 'queued';
    return events.map((event) => {
      messageStatus = event.status === 'queued' || isForwardStatus(messageStatus, event.status) ? event.status : messageStatus;
      const failure = event.status === 'failed' || event.status === 'dead';
      return {
        messageId,
        tenantId: scope.tenantId,
        environment: scope.environment,
        channel: event.channel,
        status: event.status,
        messageStatus,
        at: event.at.toISOString(),
        error: failure ? event.error : null,
      };
    });
  }

  /** Warn level, throttled; only the error's message (ioredis names host and port, never the password). */
  private warn(text: string, error: unknown, fields: Record<string, unknown>): void {
    if (Date.now() - this.lastWarningAt < WARN_EVERY_MS) return;
    this.lastWarningAt = Date.now();
    this.logger.warn({ ...fields, reason: error instanceof Error ? error.message : String(error) }, text);
  }
}
