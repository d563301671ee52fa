import { Processor, WorkerHost } from '@nestjs/bullmq';
import { parseJobPayload, QUEUE_NAMES } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { OutboxSweeper, type SweepReport } from './outbox.sweeper';

/** Worker side of the outbox: the periodic sweep (SCHEDULES, every 30 s, once across workers). */
@Processor(QUEUE_NAMES.outbox)
export class OutboxProcessor extends WorkerHost {
  constructor(private readonly sweeper: OutboxSweeper) {
    super();
  }

  async process(job: Job): Promise<SweepReport> {
    switch (job.name) {
      case 'messages.sweep':
        parseJobPayload('messages.sweep', job.data);
        return this.sweeper.sweep();
      default:
        throw new Error(`outbox queue has no job named ${job.name}`);
    }
  }
}
