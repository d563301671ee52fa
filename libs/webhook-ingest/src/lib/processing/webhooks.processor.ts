import { Processor, WorkerHost } from '@nestjs/bullmq';
import { processInConsumerSpan, QUEUE_NAMES } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { InboxSweeper } from './inbox.sweeper';
import { WebhookProcessingService } from './webhook-processing.service';

/**
 * Worker side of webhook ingest. Each payload holds a transaction while a template update or
 * an alert may need a second connection; concurrency stays below the pool size (10), so one
 * connection is always left for them and the transactions cannot starve each other. Each job runs
 * in a CONSUMER span; a batch serves several Meta requests, so it carries no one trace of them
 * (each status links to its message's send span instead).
 */
@Processor(QUEUE_NAMES.webhooks, { concurrency: 8 })
export class WebhooksProcessor extends WorkerHost {
  constructor(
    private readonly processing: WebhookProcessingService,
    private readonly sweeper: InboxSweeper,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'webhooks.process':
        return processInConsumerSpan('webhooks.process', job, (payload) => this.processing.processBatch(payload.inboxIds));
      case 'webhooks.sweep':
        return processInConsumerSpan('webhooks.sweep', job, () => this.sweeper.sweep());
      default:
        throw new Error(`webhooks queue has no job named ${job.name}`);
    }
  }
}
