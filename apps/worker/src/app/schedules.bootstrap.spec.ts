import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import { QUEUE_NAMES, QueueModule } from '@switchboard/queue';
import { MetricsModule } from '@switchboard/telemetry';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import type { Queue } from 'bullmq';
import { SCHEDULES_REFRESH_MS, SchedulesBootstrap } from './schedules.bootstrap';

describe('SchedulesBootstrap (real Redis)', () => {
  let redis: TestRedis;
  let app: TestingModule;

  beforeAll(async () => {
    redis = createTestRedis('schedules');
    app = await Test.createTestingModule({
      imports: [MetricsModule.forRoot('test'), QueueModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix })],
      providers: [SchedulesBootstrap, { provide: SCHEDULES_REFRESH_MS, useValue: 300 }],
    }).compile();
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await redis?.cleanup();
  });

  const sweepSchedulerExists = async () =>
    (await app.get<Queue>(getQueueToken(QUEUE_NAMES.outbox)).getJobSchedulers()).some((scheduler) => scheduler.key === 'messages.sweep');
  const eventually = async (what: string, probe: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('puts the schedulers back when Redis comes back without its data, so the outbox sweep runs again', async () => {
    await eventually('the schedulers at start', sweepSchedulerExists);
    // Every key of this test's prefix gone, as after a restart without persistence.
    await redis.cleanup();
    expect(await sweepSchedulerExists()).toBe(false);
    await eventually('the schedulers again', sweepSchedulerExists);
  });
});
