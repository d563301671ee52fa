import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GroupCommit } from '@switchboard/platform';
import { MAX_INBOX_IDS_PER_JOB, QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
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
 * resolves only after its row is committed. Committed rows get their `webhooks.process`
 * job, not awaited by the callers: one job at once after a quiet moment, and under load
 * one job for the rows committed within `jobLingerMs`, so the worker claims, reads and
 * applies many payloads per transaction and BullMQ's round trips are paid per job, not per
 * INSERT. The row is the truth: a job that does not reach Redis is re-created by the inbox sweep.
 */
@Injectable()
export class InboxWriter {
  private readonly logger = new Logger(InboxWriter.name);
  private readonly commit: GroupCommit<PendingWrite>;
  private readonly jobs: GroupCommit<number>;
  /** Committed rows whose job is not in Redis yet. */
  private unqueued = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    @Inject(WEBHOOK_INGEST_SETTINGS) private readonly settings: WebhookIngestSettings,
  ) {
    this.commit = new GroupCommit((batch) => this.write(batch), { maxBatch: settings.maxInsertBatch, concurrency: WRITERS });
    this.jobs = new GroupCommit((inboxIds) => this.enqueue(inboxIds), { maxBatch: MAX_INBOX_IDS_PER_JOB, concurrency: 1, lingerMs: settings.jobLingerMs });
  }

  store(appId: string, body: Buffer): Promise<void> {
    return this.commit.submit({ appId, body });
  }

  private async write(batch: PendingWrite[]): Promise<void[]> {
    const inboxIds = await this.insert(batch);
    if (this.unqueued + inboxIds.length <= this.settings.maxUnqueuedRows) {
      this.unqueued += inboxIds.length;
      for (const inboxId of inboxIds) void this.jobs.submit(inboxId);
    }
    return batch.map(() => undefined);
  }

  private async insert(batch: PendingWrite[]): Promise<number[]> {
    const rows = (await this.dataSource.query(
      `INSERT INTO webhook_inbox (app_id, body) SELECT * FROM unnest($1::varchar[], $2::bytea[]) RETURNING id`,
      [batch.map((write) => write.appId), batch.map((write) => write.body)],
    )) as Array<{ id: string }>;
    return rows.map((row) => Number(row.id));
  }

  /** Never rejects: a job that does not reach Redis is logged and left to the sweep. */
  private async enqueue(inboxIds: number[]): Promise<void[]> {
    // Sorted, the first id names the job (job-options); redrive, not add: a finished job of the same
    // id (a database started again under the same queue prefix numbers its inbox rows from 1) would
    // turn an add into a no-op until the sweep.
    await this.producer
      .redrive('webhooks.process', { inboxIds: inboxIds.sort((a, b) => a - b) })
      .catch((error: unknown) =>
        this.logger.warn({ inboxIds: inboxIds.length, reason: error instanceof Error ? error.message : String(error) }, 'webhook job not enqueued; the inbox sweep will'),
      );
    this.unqueued -= inboxIds.length;
    return inboxIds.map(() => undefined);
  }
}
