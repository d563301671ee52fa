import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { jobOptionsFor, QUEUE_NAMES, QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { LessThan, Repository } from 'typeorm';
import { MessageEntity } from './persistence/message.entity';

export interface SweepReport {
  examined: number;
  reenqueued: number;
}

/**
 * The row is the truth, the job only names it. A message accepted while Redis was
 * away (or whose job was lost with Redis's memory) is still `queued` in Postgres;
 * every sweep re-creates the job of such rows. Job ids are the message ids, so a job
 * that still exists is left alone and nothing is sent twice because of a sweep.
 */
@Injectable()
export class OutboxSweeper {
  private readonly logger = new Logger(OutboxSweeper.name);

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
  ) {}

  /** Queued rows older than `graceMs` (their job had time to land) are checked, oldest first. */
  async sweep(graceMs = 15_000, batchSize = 500): Promise<SweepReport> {
    const rows = await this.messages.find({
      select: { id: true },
      where: { status: 'queued', createdAt: LessThan(new Date(Date.now() - graceMs)) },
      order: { createdAt: 'ASC' },
      take: batchSize,
    });
    let reenqueued = 0;
    const queue = this.producer.queue(QUEUE_NAMES.messages);
    for (const { id } of rows) {
      const payload = { messageId: id };
      const jobId = jobOptionsFor('messages.send', payload).jobId;
      if (jobId && (await queue.getJob(jobId))) continue;
      await this.producer.add('messages.send', payload);
      reenqueued += 1;
    }
    if (reenqueued > 0) this.logger.warn({ reenqueued }, 'outbox sweep re-enqueued messages whose job was missing');
    return { examined: rows.length, reenqueued };
  }
}
