import { Processor, WorkerHost } from '@nestjs/bullmq';
import { parseJobPayload, QUEUE_NAMES } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { EventDeliveryService } from './event-delivery.service';

/**
 * Worker side of tenant events: one delivery attempt per job (an unexpected throw is retried by
 * BullMQ after a delay, see job-options), the periodic sweep and the retention prune.
 */
@Processor(QUEUE_NAMES.tenantEvents, { concurrency: 16 })
export class TenantEventsProcessor extends WorkerHost {
  constructor(private readonly deliveries: EventDeliveryService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'events.deliver': {
        const payload = parseJobPayload('events.deliver', job.data);
        return this.deliveries.deliver(payload.deliveryId, payload.replays, payload.attempt);
      }
      case 'events.sweep':
        parseJobPayload('events.sweep', job.data);
        return this.deliveries.sweep();
      case 'events.prune':
        parseJobPayload('events.prune', job.data);
        return this.deliveries.prune();
      default:
        throw new Error(`tenant-events queue has no job named ${job.name}`);
    }
  }
}
