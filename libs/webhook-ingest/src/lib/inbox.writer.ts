import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GroupCommit } from '@switchboard/platform';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { DataSource } from 'typeorm';
import { WEBHOOK_INGEST_SETTINGS, type WebhookIngestSettings } from './webhook-ingest.constants';

interface PendingWrite {
  appId: string;
  body: Buffer;
}

/** Statements in flight at once: one fills while the other commits. */
const WRITERS = 2;

/**
 * Stores raw payloads in `webhook_inbox` with group commit: a payload that arrives while
 * a write is in flight joins the next multi-row INSERT, so under load one statement
 * carries many payloads, and alone a payload is written at once. A caller's promise
 * resolves only after its row is committed. Each committed batch gets one
 * `webhooks.process` job, not awaited by the callers: the row is the truth, and a job
 * that does not reach Redis is re-created by the inbox sweep.
 */
@Injectable()
export class InboxWriter {
  private readonly logger = new Logger(InboxWriter.name);
  private readonly commit: GroupCommit<PendingWrite>;
  private pendingEnqueues = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    @Inject(WEBHOOK_INGEST_SETTINGS) private readonly settings: WebhookIngestSettings,
  ) {
    this.commit = new GroupCommit((batch) => this.write(batch), { maxBatch: settings.maxInsertBatch, concurrency: WRITERS });
  }

  store(appId: string, body: Buffer): Promise<void> {
    return this.commit.submit({ appId, body });
  }

  private async write(batch: PendingWrite[]): Promise<void[]> {
    this.enqueue(await this.insert(batch));
    return batch.map(() => undefined);
  }

  private async insert(batch: PendingWrite[]): Promise<number[]> {
    const rows = (await this.dataSource.query(
      `INSERT INTO webhook_inbox (app_id, body) SELECT * FROM unnest($1::varchar[], $2::bytea[]) RETURNING id`,
      [batch.map((write) => write.appId), batch.map((write) => write.body)],
    )) as Array<{ id: string }>;
    return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  }

  private enqueue(inboxIds: number[]): void {
    if (this.pendingEnqueues >= this.settings.maxPendingEnqueues) return;
    this.pendingEnqueues += 1;
    // redrive, not add: a finished job of the same id (a database started again under the same
    // queue prefix numbers its inbox rows from 1) would turn an add into a no-op until the sweep.
    this.producer
      .redrive('webhooks.process', { inboxIds })
      .catch((error: unknown) =>
        this.logger.warn({ inboxIds: inboxIds.length, reason: error instanceof Error ? error.message : String(error) }, 'webhook job not enqueued; the inbox sweep will'),
      )
      .finally(() => {
        this.pendingEnqueues -= 1;
      });
  }
}
