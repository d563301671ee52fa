import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { QUEUE_PRODUCER, SCHEDULES, type QueueProducer } from '@switchboard/queue';

/**
 * Every worker upserts every periodic job at start; BullMQ keeps one scheduler per id,
 * so each period runs once across all workers, and a Redis flush heals on the next start.
 */
@Injectable()
export class SchedulesBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(SchedulesBootstrap.name);

  constructor(@Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer) {}

  onApplicationBootstrap(): void {
    // Not awaited: with Redis away these calls wait for it, and the worker must still
    // come up and report redis down on /health/ready.
    void this.upsertAll();
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
