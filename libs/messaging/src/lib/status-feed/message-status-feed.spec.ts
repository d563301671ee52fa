import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { MessageError } from '@switchboard/error-taxonomy';
import { createDataSource, runMigrations } from '@switchboard/persistence';
import type { Environment } from '@switchboard/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { newMessageId } from '../persistence/message-id';
import type { MessageStatus } from '../persistence/message-status';
import { MessageTransitions } from '../send/message-transitions';
import type { MessageStatusChange } from './message-status-change';
import { MessageStatusFeed, type StatusFeedScope } from './message-status-feed';
import { StatusFeedMetrics } from './status-feed.metrics';
import { StatusWatcher } from './status-watcher';

const ERROR: MessageError = { code: 'window_closed', message: 'Message undeliverable', category: 'recipient', retryable: false, action: 'Check the number', meta: { code: 131026, title: 'Message undeliverable' } };

/** Resolves with the next change, or with 'nothing' when none comes within `ms`. */
const nextWithin = async (watcher: AsyncIterator<MessageStatusChange>, ms = 2_000): Promise<IteratorResult<MessageStatusChange> | 'nothing'> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([watcher.next(), new Promise<'nothing'>((resolve) => (timer = setTimeout(() => resolve('nothing'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
};
const nextChange = async (watcher: AsyncIterator<MessageStatusChange>): Promise<MessageStatusChange> => {
  const result = await nextWithin(watcher);
  if (result === 'nothing' || result.done) throw new Error(`expected a change, got ${result === 'nothing' ? 'nothing within 2 s' : 'the end of the feed'}`);
  return result.value;
};

describe('MessageStatusFeed (real Redis pub/sub and Postgres)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let dataSource: DataSource;
  let admin: Redis;
  const feeds: MessageStatusFeed[] = [];
  const tenants: string[] = [];

  const newFeed = (redisUrl = redis.url, registry = new Registry()) => {
    const feed = new MessageStatusFeed({ redisUrl, prefix: redis.prefix }, dataSource, new StatusFeedMetrics(registry));
    feeds.push(feed);
    return feed;
  };
  const scopeOf = (tenant: number, environment: Environment = 'live'): StatusFeedScope => ({ tenantId: tenants[tenant] as string, environment });
  const channelOf = (scope: StatusFeedScope) => `${redis.prefix}:status:${scope.tenantId}:${scope.environment}`;
  const subscribers = async (scope: StatusFeedScope) => Number(((await admin.pubsub('NUMSUB', channelOf(scope))) as [string, number])[1]);
  const until = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 5_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const change = (scope: StatusFeedScope, messageId: string, status: MessageStatus, at: string, messageStatus: MessageStatus = status): MessageStatusChange => ({
    messageId,
    ...scope,
    channel: 'whatsapp',
    status,
    messageStatus,
    at,
    error: status === 'failed' || status === 'dead' ? ERROR : null,
  });
  /** A message row as accept stores it (row + `queued` event), left in `status`. */
  const storeMessage = async (scope: StatusFeedScope, status: MessageStatus, queuedAt: Date): Promise<string> => {
    const id = newMessageId();
    await dataSource.query(
      `INSERT INTO messages (id, tenant_id, environment, phone_number_id, waba_id, to_wa_id, type, payload, status, created_at, updated_at)
       VALUES ($1, $2, $3, '1001', '2001', '14155550100', 'template', '{}', $4, $5, $5)`,
      [id, scope.tenantId, scope.environment, status, queuedAt],
    );
    await dataSource.query(`INSERT INTO message_events (message_id, tenant_id, environment, status, at) VALUES ($1, $2, $3, 'queued', $4)`, [id, scope.tenantId, scope.environment, queuedAt]);
    return id;
  };
  /** A webhook's event as the status machine stores it (status applied only when forward). */
  const storeWebhookEvent = async (scope: StatusFeedScope, id: string, status: MessageStatus, at: Date, error?: MessageError) => {
    await dataSource.query(`INSERT INTO message_events (message_id, tenant_id, environment, status, at, detail) VALUES ($1, $2, $3, $4, $5, $6)`, [
      id,
      scope.tenantId,
      scope.environment,
      status,
      at,
      { source: 'webhook', ...(error ? { error } : {}) },
    ]);
  };
  /** Waits until Redis has as many subscribers on the scope's channel as gateways watching it. */
  const subscribed = (scope: StatusFeedScope, count: number) => until(async () => (await subscribers(scope)) === count, `${count} subscriber(s) on ${channelOf(scope)}`);

  beforeAll(async () => {
    // The feed warns through Nest's logger; the failures it reports are the point of some tests.
    Logger.overrideLogger(false);
    database = await createTestDatabase('status_feed');
    redis = createTestRedis('status-feed');
    dataSource = createDataSource({ url: database.url, poolSize: 3 });
    await dataSource.initialize();
    await runMigrations(dataSource);
    for (const slug of ['feed-one', 'feed-two']) {
      const [row] = (await dataSource.query(`INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id`, [slug])) as Array<{ id: string }>;
      tenants.push(row?.id as string);
    }
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1, disableClientInfo: true });
  });

  afterEach(() => {
    for (const feed of feeds.splice(0)) {
      feed.onModuleDestroy();
      feed.onApplicationShutdown();
    }
  });

  afterAll(async () => {
    admin?.disconnect();
    await dataSource?.destroy();
    await redis?.cleanup();
    await database?.drop();
  });

  it('two gateways both receive what the worker publishes; another tenant or environment receives nothing', async () => {
    const [gatewayA, gatewayB, worker] = [newFeed(), newFeed(), newFeed()];
    const live = scopeOf(0);
    const a = gatewayA.watch(live);
    const b = gatewayB.watch(live);
    const otherTenant = gatewayA.watch(scopeOf(1));
    const otherEnvironment = gatewayB.watch(scopeOf(0, 'test'));
    await subscribed(live, 2);
    await subscribed(scopeOf(1), 1);
    await subscribed(scopeOf(0, 'test'), 1);

    const sent = change(live, 'msg_A', 'sent', '2025-01-01T00:00:01.000Z');
    const failed = change(live, 'msg_B', 'failed', '2025-01-01T00:00:02.000Z');
    await worker.publish([sent, failed]);
    for (const watcher of [a, b]) {
      expect(await nextChange(watcher)).toEqual(sent);
      expect(await nextChange(watcher)).toEqual(failed);
    }
    // Redis delivers a channel's messages in order: a marker published after them comes first when nothing else came.
    const markers = [change(scopeOf(1), 'msg_C', 'queued', '2025-01-01T00:00:03.000Z'), change(scopeOf(0, 'test'), 'msg_D', 'queued', '2025-01-01T00:00:04.000Z')];
    await worker.publish(markers);
    expect(await nextChange(otherTenant)).toEqual(markers[0]);
    expect(await nextChange(otherEnvironment)).toEqual(markers[1]);
  });

  it('a watch of one message gets only that message', async () => {
    const [gateway, worker] = [newFeed(), newFeed()];
    const live = scopeOf(0);
    const watched = await storeMessage(live, 'queued', new Date('2025-01-02T00:00:00.000Z'));
    const watcher = gateway.watch(live, { messageId: watched });
    expect(await nextChange(watcher)).toEqual(change(live, watched, 'queued', '2025-01-02T00:00:00.000Z'));
    await subscribed(live, 1);

    const mine = change(live, watched, 'sent', '2025-01-02T00:00:02.000Z');
    await worker.publish([change(live, 'msg_OTHER', 'sent', '2025-01-02T00:00:01.000Z'), mine]);
    expect(await nextChange(watcher)).toEqual(mine);
    expect(await nextWithin(watcher, 300)).toBe('nothing');
  });

  it('a late watcher gets the stored timeline (with the message status after each event), then live changes without duplicates', async () => {
    const [gateway, worker] = [newFeed(), newFeed()];
    const live = scopeOf(0);
    const id = await storeMessage(live, 'sending', new Date('2025-01-03T00:00:00.000Z'));
    const transitions = new MessageTransitions(dataSource, worker);
    await transitions.sent(id, new Date('2025-01-03T00:00:01.000Z'), { providerMessageId: `wamid.${id}`, providerStatus: undefined, sendTraceparent: null });
    await dataSource.query(`UPDATE messages SET status = 'delivered' WHERE id = $1`, [id]);
    await storeWebhookEvent(live, id, 'delivered', new Date('2025-01-03T00:00:02.000Z'));
    await storeWebhookEvent(live, id, 'failed', new Date('2025-01-03T00:00:03.000Z'), ERROR);

    const watcher = gateway.watch(live, { messageId: id });
    expect(await nextChange(watcher)).toEqual(change(live, id, 'queued', '2025-01-03T00:00:00.000Z'));
    expect(await nextChange(watcher)).toEqual(change(live, id, 'sent', '2025-01-03T00:00:01.000Z'));
    expect(await nextChange(watcher)).toEqual(change(live, id, 'delivered', '2025-01-03T00:00:02.000Z'));
    // A failure reported after the delivery is history: the message stays delivered.
    expect(await nextChange(watcher)).toEqual(change(live, id, 'failed', '2025-01-03T00:00:03.000Z', 'delivered'));

    // A publish that was in flight while the timeline was read arrives live too: dropped.
    const read = change(live, id, 'read', '2025-01-03T00:00:04.000Z');
    await worker.publish([change(live, id, 'delivered', '2025-01-03T00:00:02.000Z'), read]);
    expect(await nextChange(watcher)).toEqual(read);
    expect(await nextWithin(watcher, 300)).toBe('nothing');
  });

  it('the timeline of a message of another tenant or environment is not replayed', async () => {
    const gateway = newFeed();
    const id = await storeMessage(scopeOf(1), 'queued', new Date('2025-01-04T00:00:00.000Z'));
    for (const scope of [scopeOf(0), scopeOf(1, 'test')]) {
      expect(await nextWithin(gateway.watch(scope, { messageId: id }), 500)).toBe('nothing');
    }
    expect(await nextChange(gateway.watch(scopeOf(1), { messageId: id }))).toMatchObject({ messageId: id, status: 'queued' });
  });

  it("the worker's transitions publish only the events they inserted", async () => {
    const [gateway, worker] = [newFeed(), newFeed()];
    const live = scopeOf(0);
    const transitions = new MessageTransitions(dataSource, worker);
    const watcher = gateway.watch(live);
    await subscribed(live, 1);

    const sentId = await storeMessage(live, 'sending', new Date('2025-01-05T00:00:00.000Z'));
    const sentAt = new Date('2025-01-05T00:00:01.000Z');
    await transitions.sent(sentId, sentAt, { providerMessageId: `wamid.${sentId}`, providerStatus: 'accepted', sendTraceparent: null });
    expect(await nextChange(watcher)).toEqual(change(live, sentId, 'sent', sentAt.toISOString()));
    // Sent again (a job handled twice): no event is inserted, nothing is published; nor for a failure after it.
    await transitions.sent(sentId, new Date('2025-01-05T00:00:02.000Z'), { providerMessageId: `wamid.${sentId}`, providerStatus: undefined, sendTraceparent: null });
    expect(await transitions.end(sentId, new Date('2025-01-05T00:00:03.000Z'), 'failed', ERROR, true)).toBe(false);

    const deadId = await storeMessage(live, 'sending', new Date('2025-01-05T00:00:04.000Z'));
    const deadAt = new Date('2025-01-05T00:00:05.000Z');
    expect(await transitions.end(deadId, deadAt, 'dead', ERROR, true)).toBe(true);
    expect(await nextChange(watcher)).toEqual(change(live, deadId, 'dead', deadAt.toISOString()));
    expect(await nextWithin(watcher, 300)).toBe('nothing');
    // What the live feed said is what a late watcher is replayed, error included.
    const replay = gateway.watch(live, { messageId: deadId });
    expect(await nextChange(replay)).toMatchObject({ status: 'queued' });
    expect(await nextChange(replay)).toEqual(change(live, deadId, 'dead', deadAt.toISOString()));
  });

  it('return() releases the watch; when the last watcher of a channel leaves the process UNSUBSCRIBEs', async () => {
    const gateway = newFeed();
    const live = scopeOf(1);
    const first = gateway.watch(live);
    const second = gateway.watch(live, { messageId: 'msg_NONE' });
    await subscribed(live, 1);
    const waiting = first.next();
    await first.return?.();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await first.next()).toEqual({ value: undefined, done: true });
    expect(await subscribers(live)).toBe(1);
    await second.return?.();
    await subscribed(live, 0);
    // Watching again subscribes again.
    const third = gateway.watch(live);
    await subscribed(live, 1);
    await third.return?.();
    await subscribed(live, 0);
  });

  it("a watcher's iterator ends when the module is destroyed, and a watch after that ends at once", async () => {
    const gateway = newFeed();
    const live = scopeOf(0, 'test');
    const watcher = gateway.watch(live);
    await subscribed(live, 1);
    const waiting = watcher.next();
    gateway.onModuleDestroy();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await gateway.watch(live).next()).toEqual({ value: undefined, done: true });
    await subscribed(live, 0);
  });

  it('publish with Redis unreachable resolves without throwing, within about a second, and counts the failure', async () => {
    const registry = new Registry();
    const feed = newFeed('redis://127.0.0.1:1', registry);
    const started = Date.now();
    await expect(feed.publish([change(scopeOf(0), 'msg_LOST', 'sent', '2025-01-06T00:00:00.000Z')])).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3_000);
    const counted = await registry.getSingleMetric('switchboard_status_feed_publish_failures_total')?.get();
    expect(counted?.values[0]?.value).toBe(1);
  });

  describe('a lost subscriber connection', () => {
    let proxy: Server;
    const sockets = new Set<Socket>();

    beforeAll(async () => {
      const upstream = new URL(redis.url);
      proxy = createServer((client) => {
        const server = connect(Number(upstream.port || 6379), upstream.hostname);
        for (const socket of [client, server]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(server).pipe(client);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    });

    it('ends its watchers with an error (changes published meanwhile would be lost); watching again works', async () => {
      const gateway = newFeed(`redis://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
      const worker = newFeed();
      const live = scopeOf(1, 'test');
      const watcher = gateway.watch(live);
      await subscribed(live, 1);
      const waiting = watcher.next();
      for (const socket of sockets) socket.destroy();
      await expect(waiting).rejects.toThrow(/lost its connection to Redis/);
      expect(await watcher.next()).toEqual({ value: undefined, done: true });

      const again = gateway.watch(live);
      await subscribed(live, 1);
      const queued = change(live, 'msg_AGAIN', 'queued', '2025-01-07T00:00:00.000Z');
      await worker.publish([queued]);
      expect(await nextChange(again)).toEqual(queued);
    });
  });
});

describe('StatusWatcher', () => {
  const at = (second: number) => `2025-01-08T00:00:0${second}.000Z`;
  const live = (second: number): MessageStatusChange => ({ messageId: 'msg_X', tenantId: 't', environment: 'live', status: 'delivered', messageStatus: 'delivered', at: at(second), error: null });

  it('keeps the newest changes when the consumer falls behind, and counts the dropped ones', async () => {
    let dropped = 0;
    const watcher = new StatusWatcher(undefined, 2, { dropped: () => (dropped += 1), released: () => undefined });
    watcher.start(Promise.resolve([]));
    await Promise.resolve();
    for (const second of [1, 2, 3, 4]) watcher.offer(live(second));
    expect(dropped).toBe(2);
    expect((await watcher.next()).value).toEqual(live(3));
    expect((await watcher.next()).value).toEqual(live(4));
  });

  it('holds live changes back until the replay is in, and releases itself once', async () => {
    let released = 0;
    let replay: (changes: MessageStatusChange[]) => void = () => undefined;
    const watcher = new StatusWatcher('msg_X', 10, { dropped: () => undefined, released: () => (released += 1) });
    watcher.start(new Promise((resolve) => (replay = resolve)));
    const first = watcher.next();
    watcher.offer(live(2));
    watcher.offer({ ...live(3), messageId: 'msg_Y' });
    replay([{ ...live(1), status: 'sent', messageStatus: 'sent' }, live(2)]);
    expect((await first).value).toMatchObject({ status: 'sent' });
    expect((await watcher.next()).value).toEqual(live(2));
    const pending = watcher.next();
    await watcher.return();
    await watcher.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(released).toBe(1);
  });
});
