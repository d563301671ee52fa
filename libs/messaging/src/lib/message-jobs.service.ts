import { Inject, Injectable, Logger } from '@nestjs/common';
import { jobOptionsFor, QUEUE_PRODUCER, type JobPayload, type QueueProducer } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { GroupCommit } from '@switchboard/platform';
import { currentTraceparent } from '@switchboard/telemetry';
import type { MessageEntity } from './persistence/message.entity';

/** How long an accepted request waits for Redis before leaving the job to the outbox sweep. */
const ENQUEUE_DEADLINE_MS = 2000;
/** Jobs of accepted messages in one round trip at most (BullMQ addBulk). */
const MAX_BULK = 200;

export type SendJobSource = Pick<MessageEntity, 'id' | 'retries' | 'scheduledAt' | 'routeStep'>;

/**
 * The `messages.send` job of a message, built the same way by accept, retry, fallback and
 * the outbox sweep: its id names the message, its route step and its requeue, and a scheduled message's
 * job waits in BullMQ's delayed set until `scheduledAt`.
 */
@Injectable()
export class MessageJobs {
  private readonly logger = new Logger(MessageJobs.name);
  /** Accepts that commit while an add is in flight share the next one. */
  private readonly bulk: GroupCommit<JobPayload<'messages.send'>, Job>;

  constructor(@Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer) {
    this.bulk = new GroupCommit((payloads) => this.producer.addBulk('messages.send', payloads), { maxBatch: MAX_BULK, concurrency: 2 });
  }

  payloadOf(message: SendJobSource, traceparent?: string): JobPayload<'messages.send'> {
    return {
      messageId: message.id,
      ...(message.retries > 0 ? { retry: message.retries } : {}),
      ...(message.routeStep > 0 ? { step: message.routeStep } : {}),
      ...(message.scheduledAt ? { notBefore: message.scheduledAt.toISOString() } : {}),
      ...(traceparent ? { traceparent } : {}),
    };
  }

  jobIdOf(message: SendJobSource): string {
    return jobOptionsFor('messages.send', this.payloadOf(message)).jobId as string;
  }

  /** Enqueues now, with the active trace context; the caller waits for Redis. */
  async add(message: SendJobSource): Promise<void> {
    await this.producer.add('messages.send', this.payloadOf(message, currentTraceparent()));
  }

  /**
   * For a committed row: from here the message is accepted whatever Redis does. A job
   * that cannot be enqueued within ENQUEUE_DEADLINE_MS is left to the outbox sweep (the
   * command may still land when Redis returns; the job id is fixed, so there is never
   * a second job). Concurrent accepts share one round trip.
   */
  async enqueueCommitted(message: SendJobSource): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.bulk.submit(this.payloadOf(message, currentTraceparent())),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ENQUEUE_DEADLINE_MS} ms`)), ENQUEUE_DEADLINE_MS);
        }),
      ]);
    } catch (error) {
      this.logger.warn({ messageId: message.id, reason: error instanceof Error ? error.message : String(error) }, 'enqueue failed; the outbox sweep will retry');
    } finally {
      clearTimeout(timer);
    }
  }
}
