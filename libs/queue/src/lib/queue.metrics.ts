import type { Job, Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import type { QueueName } from './queue.constants';

/**
 * The states a backlog is made of. Completed jobs are trimmed by retention, so their count says
 * nothing; a paused queue keeps its jobs in the wait list, so they count as waiting.
 */
export const QUEUE_DEPTH_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** Below Prometheus' default scrape timeout (10 s), so the rest of /metrics still answers when Redis hangs. */
const READ_TIMEOUT_MS = 2000;

interface QueueReading {
  queue: QueueName;
  counts: Record<string, number>;
  oldestWaitingSeconds: number;
}

/**
 * Queue depth (`switchboard_queue_jobs{queue,state}`) and lag
 * (`switchboard_queue_oldest_waiting_seconds{queue}`: how long the oldest job that could run has
 * waited since it became due), read from Redis when Prometheus scrapes rather than on a timer,
 * so an idle process costs nothing. Both apps export them: the gateway's copy still answers
 * while every worker is down, which is when the backlog matters. When Redis does not answer,
 * the series are left out for that scrape (the rest of /metrics still answers), so a stale
 * depth is never reported as current.
 */
export class QueueMetrics {
  private pending: Promise<QueueReading[] | undefined> | undefined;

  constructor(
    registry: Registry,
    private readonly queues: ReadonlyMap<QueueName, Queue>,
    private readonly now: () => number = Date.now,
  ) {
    const read = () => this.read();
    new Gauge({
      name: 'switchboard_queue_jobs',
      help: 'Jobs per queue and state (waiting, prioritized, active, delayed, failed), read on scrape',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const reading of (await read()) ?? []) {
          for (const state of QUEUE_DEPTH_STATES) this.set({ queue: reading.queue, state }, reading.counts[state] ?? 0);
        }
      },
    });
    new Gauge({
      name: 'switchboard_queue_oldest_waiting_seconds',
      help: 'Seconds the oldest waiting job of the queue has been due (0 when none waits), read on scrape',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const reading of (await read()) ?? []) this.set({ queue: reading.queue }, reading.oldestWaitingSeconds);
      },
    });
  }

  /** One Redis read per scrape, shared by both gauges (the registry collects them concurrently). */
  read(): Promise<QueueReading[] | undefined> {
    this.pending ??= this.readAll().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async readAll(): Promise<QueueReading[] | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), READ_TIMEOUT_MS)));
    try {
      return await Promise.race([
        Promise.all([...this.queues].map(([name, queue]) => this.readQueue(name, queue))),
        timeout,
      ]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private async readQueue(name: QueueName, queue: Queue): Promise<QueueReading> {
    const [counts, oldest] = await Promise.all([
      queue.getJobCounts(...QUEUE_DEPTH_STATES),
      // The wait list is pushed at its head: ascending order from 0 is the oldest job.
      queue.getJobs(['wait'], 0, 0, true) as Promise<Job[]>,
    ]);
    const job = oldest[0];
    return { queue: name, counts, oldestWaitingSeconds: job ? Math.max(0, this.now() - dueAt(job)) / 1000 : 0 };
  }
}

/**
 * When a job could first run: its creation plus the delay it was added with (BullMQ zeroes the
 * job's `delay` field when it promotes it, the options keep it), so a scheduled send is not late
 * before its time. A job BullMQ retried counts from its last attempt, an upper bound on its lag.
 */
function dueAt(job: Job): number {
  return Math.max(job.timestamp + (job.opts.delay ?? 0), job.processedOn ?? 0);
}
