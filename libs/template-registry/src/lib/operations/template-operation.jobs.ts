import { Inject, Injectable } from '@nestjs/common';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';

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
   * and replaces one BullMQ already finished. Returns whether a job was (re)added.
   */
  ensure(operationId: string): Promise<boolean> {
    return this.producer.redrive(JOB, { operationId });
  }
}
