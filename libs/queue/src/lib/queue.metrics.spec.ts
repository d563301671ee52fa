import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createTestRedis, freePort, type TestRedis } from '@switchboard/testing';
import { QUEUE_NAMES, type QueueName } from './queue.constants';
import { QueueMetrics } from './queue.metrics';
import { redisConnectionOptions } from './redis-connection';

async function sample(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))?.value;
}

describe('QueueMetrics against the real Redis', () => {
  let redis: TestRedis;
  let queues: Map<QueueName, Queue>;

  beforeAll(() => {
    redis = createTestRedis('queue_metrics');
    queues = new Map(
      ([QUEUE_NAMES.system, QUEUE_NAMES.messages] as QueueName[]).map((name) => [
        name,
        new Queue(name, { connection: redisConnectionOptions(redis.url), prefix: redis.prefix }),
      ]),
    );
  });

  afterAll(async () => {
    await Promise.all([...queues.values()].map((queue) => queue.close()));
    await redis.cleanup();
  });

  it('reports each queue’s depth by state and the age of its oldest due job, read on scrape', async () => {
    const messages = queues.get(QUEUE_NAMES.messages) as Queue;
    const oldest = await messages.add('messages.send', { messageId: 'a' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await messages.add('messages.send', { messageId: 'b' });
    await messages.add('messages.send', { messageId: 'c' }, { delay: 3_600_000 });
    const now = (oldest.timestamp as number) + 4_500;
    const registry = new Registry();
    new QueueMetrics(registry, queues, () => now);

    expect(await sample(registry, 'switchboard_queue_jobs', { queue: 'messages', state: 'waiting' })).toBe(2);
    expect(await sample(registry, 'switchboard_queue_jobs', { queue: 'messages', state: 'delayed' })).toBe(1);
    expect(await sample(registry, 'switchboard_queue_jobs', { queue: 'system', state: 'waiting' })).toBe(0);
    expect(await sample(registry, 'switchboard_queue_oldest_waiting_seconds', { queue: 'messages' })).toBe(4.5);
    expect(await sample(registry, 'switchboard_queue_oldest_waiting_seconds', { queue: 'system' })).toBe(0);

    await (queues.get(QUEUE_NAMES.system) as Queue).add('system.probe', { probeId: 'p' });
    expect(await sample(registry, 'switchboard_queue_jobs', { queue: 'system', state: 'waiting' })).toBe(1);
    expect(await registry.metrics()).toMatch(/^switchboard_queue_jobs\{queue="messages",state="delayed"\} 1$/m);
  });

  it('counts a job held back by a delay as late only from when it became due', async () => {
    const messages = queues.get(QUEUE_NAMES.messages) as Queue;
    await messages.drain(true);
    const job = await messages.add('messages.send', { messageId: 'd' }, { delay: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await job.promote().catch(() => undefined);
    const now = (job.timestamp as number) + 10_000;
    const registry = new Registry();
    new QueueMetrics(registry, queues, () => now);

    expect(await sample(registry, 'switchboard_queue_jobs', { queue: 'messages', state: 'waiting' })).toBe(1);
    expect(await sample(registry, 'switchboard_queue_oldest_waiting_seconds', { queue: 'messages' })).toBe(9.999);
  });

  it('leaves the queue series out, and still answers /metrics in time, when Redis does not answer', async () => {
    // A client of our own, so the test can stop its reconnect loop (the queue would wait for it).
    const client = new Redis(redisConnectionOptions(`redis://127.0.0.1:${await freePort()}`));
    client.on('error', () => undefined);
    const unreachable = new Queue(QUEUE_NAMES.system, { connection: client, prefix: redis.prefix });
    unreachable.on('error', () => undefined);
    const registry = new Registry();
    new QueueMetrics(registry, new Map([[QUEUE_NAMES.system, unreachable]]));
    try {
      const started = Date.now();
      const text = await registry.metrics();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(text).toContain('# TYPE switchboard_queue_jobs gauge');
      expect(text).not.toMatch(/^switchboard_queue_jobs\{/m);
      expect(text).not.toMatch(/^switchboard_queue_oldest_waiting_seconds\{/m);
    } finally {
      client.disconnect();
    }
  });
});
