import { hostname } from 'node:os';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { processInConsumerSpan, QUEUE_NAMES } from '@switchboard/queue';

export const WORKER_ID = `${hostname()}:${process.pid}`;

@Processor(QUEUE_NAMES.system)
export class SystemProcessor extends WorkerHost {
  async process(job: Job): Promise<{ worker: string; probeId: string }> {
    switch (job.name) {
      case 'system.probe':
        // A CONSUMER span in the prober's trace: a pipeline probe shows both ends in one trace.
        return processInConsumerSpan('system.probe', job, async (payload) => ({ worker: WORKER_ID, probeId: payload.probeId }));
      default:
        throw new Error(`system queue has no job named ${job.name}`);
    }
  }
}
