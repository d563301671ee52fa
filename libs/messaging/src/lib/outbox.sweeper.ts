import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QUEUE_NAMES, QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { Repository } from 'typeorm';
import { MessageJobs } from './message-jobs.service';
import { MessageEntity } from './persistence/message.entity';

export interface SweepReport {
  examined: number;
  reenqueued: number;
}

/**
 * The row is the truth, the job only names it. A message accepted while Redis was
 * away (or whose job was lost with Redis's memory) is still `queued` in Postgres;
 * every sweep re-creates the job of such rows. Job ids are fixed per message and
 * requeue, so a job that still exists is left alone and nothing is sent twice because
 * of a sweep.
 */
@Injectable()
export class OutboxSweeper {
  private readonly logger = new Logger(OutboxSweeper.name);

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    private readonly jobs: MessageJobs,
  ) {}

  /**
   * Queued rows due more than `graceMs` ago (their job had time to land) are checked,
   * oldest first. A scheduled message is due at `scheduledAt`: until then its delayed
   * job is left alone, and if that job was lost the sweep sends it once it is due.
   */
  async sweep(graceMs = 15_000, batchSize = 500): Promise<SweepReport> {
    const rows = await this.messages
      .createQueryBuilder('message')
      .select(['message.id', 'message.retries', 'message.scheduledAt'])
      .where(`message.status = 'queued'`)
      .andWhere('coalesce(message.scheduled_at, message.created_at) < :due', { due: new Date(Date.now() - graceMs) })
      .orderBy('coalesce(message.scheduled_at, message.created_at)', 'ASC')
      .limit(batchSize)
      .getMany();
    let reenqueued = 0;
    const queue = this.producer.queue(QUEUE_NAMES.messages);
    for (const row of rows) {
      if (await queue.getJob(this.jobs.jobIdOf(row))) continue;
      await this.producer.add('messages.send', this.jobs.payloadOf(row));
      reenqueued += 1;
    }
    if (reenqueued > 0) this.logger.warn({ reenqueued }, 'outbox sweep re-enqueued messages whose job was missing');
    return { examined: rows.length, reenqueued };
  }
}
