import { Processor, WorkerHost } from '@nestjs/bullmq';
import { processInConsumerSpan, QUEUE_NAMES } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { EventDeliveryService } from './event-delivery.service';

/**
 * Worker side of tenant events: one delivery attempt per job (an unexpected throw is retried by
 * BullMQ after a delay, see job-options), the periodic sweep and the retention prune. Each job runs
 * in a CONSUMER span; a delivery continues the trace that produced its event (the webhook
 * processing of a status, the API request of a replay), every attempt in the same trace.
 */
@Processor(QUEUE_NAMES.tenantEvents, { concurrency: 16 })
export class TenantEventsProcessor extends WorkerHost {
  constructor(private readonly deliveries: EventDeliveryService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'events.deliver':
        return processInConsumerSpan('events.deliver', job, (payload) => this.deliveries.deliver(payload.deliveryId, payload.replays, payload.attempt));
      case 'events.sweep':
        return processInConsumerSpan('events.sweep', job, () => this.deliveries.sweep());
      case 'events.prune':
        return processInConsumerSpan('events.prune', job, () => this.deliveries.prune());
      default:
        throw new Error(`tenant-events queue has no job named ${job.name}`);
    }
  }
}
