import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { JOBS, jobNamesOf, type JobName } from './job-map';
import { jobOptionsFor, SCHEDULES } from './job-options';
import { QUEUE_NAMES, type QueueName } from './queue.constants';
import { QueueProducer } from './queue.producer';
import { redisConnectionOptions } from './redis-connection';

describe('QueueProducer against the real Redis', () => {
  let redis: TestRedis;
  let queues: Map<QueueName, Queue>;
  let producer: QueueProducer;

  beforeAll(() => {
    redis = createTestRedis('queue');
    queues = new Map(
      (Object.values(QUEUE_NAMES) as QueueName[]).map((name) => [
        name,
        new Queue(name, { connection: redisConnectionOptions(redis.url), prefix: redis.prefix }),
      ]),
    );
    producer = new QueueProducer(queues);
  });

  afterAll(async () => {
    await Promise.all([...queues.values()].map((queue) => queue.close()));
    await redis.cleanup();
  });

  it('refuses a payload the job map does not allow, before anything reaches Redis', async () => {
    await expect(producer.add('system.probe', { probeId: 'x', requestedAt: 'yesterday' } as never)).rejects.toThrow();
    expect(await queues.get(QUEUE_NAMES.system)?.count()).toBe(0);
  });

  it('enqueues under the natural-key job id, so a repeat is a no-op', async () => {
    const payload = { probeId: 'probe-0001', requestedAt: new Date().toISOString() };
    const first = await producer.add('system.probe', payload);
    const again = await producer.add('system.probe', payload);
    expect(first.id).toBe('probe-probe-0001');
    expect(again.id).toBe(first.id);
    expect(await queues.get(QUEUE_NAMES.system)?.count()).toBe(1);
  });

  it('holds a scheduled send in the delayed set until its time, and gives each retry of a message its own job', async () => {
    const messageId = 'msg_01JDQ5X9V7Y2M3N4P5Q6R7S8T9';
    const notBefore = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await producer.add('messages.send', { messageId, notBefore });
    expect(scheduled.id).toBe(`message-${messageId}`);
    expect(await scheduled.getState()).toBe('delayed');
    expect(scheduled.opts.delay).toBeGreaterThan(3_590_000);
    expect(scheduled.opts.delay).toBeLessThanOrEqual(3_600_000);

    const retried = await producer.add('messages.send', { messageId, retry: 1 });
    expect(retried.id).toBe(`message-${messageId}-retry-1`);
    expect(await retried.getState()).toBe('waiting');
    expect((await producer.add('messages.send', { messageId, retry: 1 })).id).toBe(retried.id);
    expect(await queues.get(QUEUE_NAMES.messages)?.count()).toBe(2);
    expect(jobOptionsFor('messages.send', { messageId, notBefore: new Date(Date.now() - 1000).toISOString() }).delay).toBeUndefined();
  });

  it('redrives a job: a live one is kept, a missing one added, a failed or completed one removed and added again', async () => {
    const payload = { probeId: 'probe-redrive', requestedAt: new Date().toISOString() };
    const system = queues.get(QUEUE_NAMES.system) as Queue;
    await system.obliterate({ force: true });
    expect(await producer.redrive('system.probe', payload)).toBe(true);
    expect(await producer.redrive('system.probe', payload)).toBe(false);
    const worker = new Worker(QUEUE_NAMES.system, null, { connection: redisConnectionOptions(redis.url), prefix: redis.prefix, autorun: false });
    try {
      for (const outcome of ['failed', 'completed'] as const) {
        const token = randomUUID();
        const job = await worker.getNextJob(token);
        if (outcome === 'failed') await job?.moveToFailed(new UnrecoverableError('lost'), token, false);
        else await job?.moveToCompleted('done', token, false);
        expect(await system.getJobState('probe-probe-redrive')).toBe(outcome);
        expect(await producer.redrive('system.probe', payload)).toBe(true);
        expect(await system.getJobState('probe-probe-redrive')).toBe('waiting');
      }
    } finally {
      await worker.close();
    }
    await system.obliterate({ force: true });
  });

  it('keeps one scheduler per id however many processes upsert it', async () => {
    const [schedule] = SCHEDULES;
    await producer.schedule(schedule.id, schedule.job, schedule.everyMs, { trigger: 'schedule' });
    await producer.schedule(schedule.id, schedule.job, schedule.everyMs, { trigger: 'schedule' });
    const schedulers = await queues.get(JOBS[schedule.job].queue)?.getJobSchedulers();
    expect(schedulers?.map((scheduler) => scheduler.key)).toEqual([schedule.id]);
  });

  it('gives every job of the map a queue, options and an id without ":" (BullMQ reserves it)', () => {
    for (const queue of Object.values(QUEUE_NAMES) as QueueName[]) {
      for (const name of jobNamesOf(queue)) expect(JOBS[name].queue).toBe(queue);
    }
    const samples: { [N in JobName]?: unknown } = { 'system.probe': { probeId: 'abcdefgh', requestedAt: new Date().toISOString() } };
    for (const [name, payload] of Object.entries(samples) as Array<[JobName, never]>) {
      expect(jobOptionsFor(name, payload).jobId).not.toContain(':');
    }
  });
});
