import { Inject, Injectable } from '@nestjs/common';
import { JOBS, jobOptionsFor, QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';

const JOB = 'templates.operation' as const;

/** The job of a template operation: one per operation, named by its id. */
@Injectable()
export class TemplateOperationJobs {
  constructor(@Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer) {}

  async add(operationId: string): Promise<void> {
    await this.producer.add(JOB, { operationId });
  }

  /**
   * Makes sure an unfinished operation has a job that will run: adds it when missing,
   * and replaces one BullMQ already finished (adding a kept id would be a no-op).
   * Returns whether a job was (re)added.
   */
  async ensure(operationId: string): Promise<boolean> {
    const queue = this.producer.queue(JOBS[JOB].queue);
    const { jobId } = jobOptionsFor(JOB, { operationId });
    const job = jobId === undefined ? undefined : await queue.getJob(jobId);
    if (job) {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed') return false;
      await job.remove();
    }
    await this.add(operationId);
    return true;
  }
}
