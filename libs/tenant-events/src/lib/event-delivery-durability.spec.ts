import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jobOptionsFor, QUEUE_NAMES, QUEUE_PRODUCER, redisConnectionOptions, type QueueProducer } from '@switchboard/queue';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { EventDeliveryService } from './event-delivery.service';
import { TenantEventsProcessor } from './tenant-events.processor';
import { TenantEventsPublisher } from './tenant-events.publisher';
import { startTenantEventsApp, type TenantEventsTestApp } from './tenant-events.test-helper';

const DAY_MS = 24 * 3_600_000;

/** Deliveries are never stranded and never kept forever (real Postgres, Redis and BullMQ, a real receiver). */
describe('event delivery durability (real Postgres and Redis)', () => {
  let t: TenantEventsTestApp;
  let receiver: Server;
  let deliveries: EventDeliveryService;
  let producer: QueueProducer;
  const received: string[] = [];

  const publishOne = async () => {
    const publisher = t.app.get(TenantEventsPublisher);
    const [deliveryId] = await t.dataSource.transaction((manager) => publisher.publish(manager, { tenantId: t.tenantId, environment: 'live' }, 'message.status', { messageId: 'msg_1' }));
    if (!deliveryId) throw new Error('no delivery recorded');
    return deliveryId;
  };
  const stateOf = async (id: string) => ((await t.dataSource.query(`SELECT state, attempts FROM event_deliveries WHERE id = $1`, [id])) as Array<{ state: string; attempts: number }>)[0];
  const overdue = (id: string) => t.dataSource.query(`UPDATE event_deliveries SET next_attempt_at = now() - interval '5 minutes' WHERE id = $1`, [id]);
  const queue = () => producer.queue(QUEUE_NAMES.tenantEvents);
  const jobIdOf = (deliveryId: string) => String(jobOptionsFor('events.deliver', { deliveryId, replays: 0, attempt: 0 }).jobId);

  /** Takes the delivery's job as a worker would and ends it as given, without running it: what a crash or a lost outcome leaves. */
  const finishJobUnrun = async (deliveryId: string, outcome: 'failed' | 'completed') => {
    const worker = new Worker(QUEUE_NAMES.tenantEvents, null, { connection: redisConnectionOptions(t.redis.url), prefix: t.redis.prefix, autorun: false });
    try {
      const token = randomUUID();
      const job = (await worker.getNextJob(token)) as Job | undefined;
      expect(job?.id).toBe(jobIdOf(deliveryId));
      // Unrecoverable: failed for good, as after its last BullMQ attempt.
      if (outcome === 'failed') await job?.moveToFailed(new UnrecoverableError('worker lost'), token, false);
      else await job?.moveToCompleted('skipped', token, false);
      expect(await job?.getState()).toBe(outcome);
    } finally {
      await worker.close();
    }
  };

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      received.push(request.url ?? '');
      response.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t = await startTenantEventsApp('event_durability', { allowPrivateTargets: true, retryDelaysMs: [100], timeoutMs: 2000, deliveryRetentionMs: 30 * DAY_MS });
    deliveries = t.app.get(EventDeliveryService);
    producer = t.app.get<QueueProducer>(QUEUE_PRODUCER);
    const created = await t.call('POST', '/v1/endpoints', t.keys.live, { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, events: ['message.status'] });
    expect(created.status).toBe(201);
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  afterEach(async () => {
    await queue().obliterate({ force: true });
    await t.dataSource.query(`DELETE FROM event_deliveries`);
    received.length = 0;
  });

  describe('the sweep', () => {
    it.each(['failed', 'completed'] as const)('re-drives a pending delivery whose job %s without recording the attempt', async (outcome) => {
      const deliveryId = await publishOne();
      await producer.add('events.deliver', { deliveryId, replays: 0, attempt: 0 });
      await finishJobUnrun(deliveryId, outcome);
      await overdue(deliveryId);

      expect(await deliveries.sweep()).toEqual({ reenqueued: 1 });
      const job = await queue().getJob(jobIdOf(deliveryId));
      expect(await job?.getState()).toBe('waiting');

      expect(await deliveries.deliver(deliveryId, 0, 0)).toBe('delivered');
      expect(await stateOf(deliveryId)).toEqual({ state: 'delivered', attempts: 1 });
      expect(received).toEqual(['/hook']);
    });

    it('re-creates a missing job and leaves a live one alone', async () => {
      const deliveryId = await publishOne();
      await overdue(deliveryId);
      expect(await deliveries.sweep()).toEqual({ reenqueued: 1 });
      const job = await queue().getJob(jobIdOf(deliveryId));
      expect(await job?.getState()).toBe('waiting');

      expect(await deliveries.sweep()).toEqual({ reenqueued: 0 });
      const again = await queue().getJob(jobIdOf(deliveryId));
      expect(again?.timestamp).toBe(job?.timestamp);
      expect(await queue().count()).toBe(1);
    });
  });

  it('an unexpected failure of a delivery job becomes a delayed retry of the same attempt, which then delivers', async () => {
    const processor = new TenantEventsProcessor(deliveries);
    const worker = new Worker(QUEUE_NAMES.tenantEvents, (job) => processor.process(job), { connection: redisConnectionOptions(t.redis.url), prefix: t.redis.prefix });
    try {
      const deliveryId = await publishOne();
      // The database loses the table for a moment: the job's first run throws.
      await t.dataSource.query(`ALTER TABLE event_deliveries RENAME TO event_deliveries_away`);
      const failedOnce = new Promise<void>((resolve) => worker.once('failed', () => resolve()));
      await producer.add('events.deliver', { deliveryId, replays: 0, attempt: 0 });
      await failedOnce;
      const job = await queue().getJob(jobIdOf(deliveryId));
      expect(await job?.getState()).toBe('delayed');
      expect(job?.attemptsMade).toBe(1);
      await t.dataSource.query(`ALTER TABLE event_deliveries_away RENAME TO event_deliveries`);

      const completed = new Promise<unknown>((resolve) => worker.once('completed', (_job, result) => resolve(result)));
      expect(await completed).toBe('delivered');
      expect(await stateOf(deliveryId)).toEqual({ state: 'delivered', attempts: 1 });
      expect(received).toEqual(['/hook']);
    } finally {
      await worker.close();
      await t.dataSource.query(`ALTER TABLE IF EXISTS event_deliveries_away RENAME TO event_deliveries`);
    }
  }, 30_000);

  it('prunes delivered and dead deliveries past the retention in batches, and keeps recent and pending ones', async () => {
    const ids = await Promise.all(Array.from({ length: 7 }, () => publishOne()));
    const [oldDelivered1, oldDelivered2, oldDelivered3, oldDead, oldPending, recentDelivered, recentDead] = ids as [string, string, string, string, string, string, string];
    const set = (id: string, state: string, ageDays: number) =>
      t.dataSource.query(`UPDATE event_deliveries SET state = $2, created_at = now() - ($3 || ' days')::interval WHERE id = $1`, [id, state, String(ageDays)]);
    for (const id of [oldDelivered1, oldDelivered2, oldDelivered3]) await set(id, 'delivered', 31);
    await set(oldDead, 'dead', 45);
    await set(oldPending, 'pending', 40);
    await set(recentDelivered, 'delivered', 29);
    await set(recentDead, 'dead', 1);

    expect(await deliveries.prune(2)).toEqual({ deleted: 4 });
    const left = (await t.dataSource.query(`SELECT id FROM event_deliveries`)) as Array<{ id: string }>;
    expect(left.map((row) => row.id).sort()).toEqual([oldPending, recentDelivered, recentDead].sort());
    expect(await deliveries.prune(2)).toEqual({ deleted: 0 });
  });
});
