import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { QUEUE_PRODUCER, SCHEDULES, type QueueProducer } from '@switchboard/queue';

/** How often every worker upserts the schedulers again (tests shorten it). */
export const SCHEDULES_REFRESH_MS = Symbol('SCHEDULES_REFRESH_MS');
const DEFAULT_REFRESH_MS = 60_000;

/**
 * Every worker upserts every periodic job at start and again every minute; BullMQ keeps one
 * scheduler per id, so each period runs once across all workers. The repeat matters: the
 * sweeps that re-drive messages from Postgres are themselves schedulers in Redis, and a
 * Redis that comes back without its data (a failover to an empty replica, a restart
 * without persistence) would otherwise run no sweep until a worker restarts.
 */
@Injectable()
export class SchedulesBootstrap implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SchedulesBootstrap.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    @Optional() @Inject(SCHEDULES_REFRESH_MS) private readonly refreshMs: number = DEFAULT_REFRESH_MS,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: with Redis away these calls wait for it, and the worker must still
    // come up and report redis down on /health/ready.
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One upsert round at a time: a round waiting on an absent Redis is not stacked on. */
  private refresh(): void {
    this.running ??= this.upsertAll().finally(() => {
      this.running = undefined;
    });
  }

  private async upsertAll(): Promise<void> {
    try {
      for (const schedule of SCHEDULES) {
        await this.producer.schedule(schedule.id, schedule.job, schedule.everyMs, { trigger: 'schedule' });
      }
    } catch (error) {
      this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'could not upsert the job schedulers');
    }
  }
}
