import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MessageStatusService } from '@switchboard/messaging';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { DataSource } from 'typeorm';
import { EVENT_KEY_KEEP_MS, FAILED_INBOX_KEEP_MS, INBOX_SWEEP_GRACE_MS, PROCESSED_INBOX_KEEP_MS } from '../webhook-ingest.constants';

export interface InboxSweepReport {
  reenqueued: number;
  pendingStatusesApplied: number;
  deleted: { eventKeys: number; inbox: number };
}

const CHUNK = 500;
const DELETE_BATCH = 10_000;

/**
 * The periodic safety net of webhook ingest (`webhooks.sweep`, every 30 s, once across
 * workers): re-enqueues stored payloads still pending after the grace period (their job
 * never reached Redis, or keeps failing: rows count their own attempts), applies
 * statuses that were waiting for their message, and forgets what is past keeping.
 */
@Injectable()
export class InboxSweeper {
  private readonly logger = new Logger(InboxSweeper.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    private readonly statuses: MessageStatusService,
  ) {}

  async sweep(now: number = Date.now()): Promise<InboxSweepReport> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM webhook_inbox WHERE state = 'pending' AND received_at < $1 ORDER BY received_at LIMIT 5000`,
      [new Date(now - INBOX_SWEEP_GRACE_MS)],
    )) as Array<{ id: string }>;
    const ids = rows.map((row) => Number(row.id));
    const sweptAt = Math.floor(now / 60_000);
    for (let start = 0; start < ids.length; start += CHUNK) {
      await this.producer.redrive('webhooks.process', { inboxIds: ids.slice(start, start + CHUNK), sweptAt });
    }
    if (ids.length > 0) this.logger.warn({ reenqueued: ids.length }, 'inbox sweep re-enqueued stored webhooks still pending');

    const { applied } = await this.statuses.sweepPending();
    const eventKeys = await this.deleteOld(`DELETE FROM webhook_event_keys WHERE key IN (SELECT key FROM webhook_event_keys WHERE created_at < $1 LIMIT ${DELETE_BATCH})`, [
      new Date(now - EVENT_KEY_KEEP_MS),
    ]);
    const inbox = await this.deleteOld(
      `DELETE FROM webhook_inbox WHERE id IN (SELECT id FROM webhook_inbox WHERE received_at < $1 AND (state = 'processed' OR received_at < $2) AND state <> 'pending' LIMIT ${DELETE_BATCH})`,
      [new Date(now - PROCESSED_INBOX_KEEP_MS), new Date(now - FAILED_INBOX_KEEP_MS)],
    );
    return { reenqueued: ids.length, pendingStatusesApplied: applied, deleted: { eventKeys, inbox } };
  }

  private async deleteOld(sql: string, parameters: unknown[]): Promise<number> {
    const [, count] = (await this.dataSource.query(sql, parameters)) as [unknown[], number];
    return count;
  }
}
