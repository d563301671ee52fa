import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { DataSource } from 'typeorm';
import { MessageJobs, type SendJobSource } from './message-jobs.service';
import { MESSAGING_SETTINGS, type MessagingSettings } from './messaging.constants';

export interface SweepReport {
  /** Rows whose job was looked at. */
  examined: number;
  /** Jobs added again (missing, failed or completed while the row still waits to be sent). */
  reenqueued: number;
}

type Stranded = 'queued' | 'sending';

interface CandidateRow {
  id: string;
  retries: number;
  route_step: number;
  scheduled_at: Date | null;
  /** updated_at as Postgres prints it (microseconds kept): the claim compares it exactly. */
  version: string;
  /** The sort key of the row, for the next page. */
  cursor: string;
}

/** The rows each sweep looks at, and the order it pages through them. */
const CANDIDATES: Record<Stranded, { where: string; sortKey: string }> = {
  // Due (scheduled_at, else created_at) more than the grace ago: its job had time to land.
  queued: { where: `status = 'queued'`, sortKey: 'coalesce(scheduled_at, created_at)' },
  // Every send step writes updated_at (begin, retrying, held): untouched for longer than the reconcile
  // window plus the grace, its job should have run long ago.
  sending: { where: `status = 'sending' AND provider_message_id IS NULL`, sortKey: 'updated_at' },
};

/**
 * The row is the truth, the job only names it. A message accepted while Redis was away
 * (or whose job was lost with Redis's memory, or failed after its retries) is still
 * `queued` or `sending` in Postgres; every sweep re-creates the job of such rows. A job
 * that will still run (waiting, delayed, active) is left alone; a missing one is added; a
 * failed or completed one is removed and added again under the same id. Sweeps running at
 * once (several workers) claim each row with a conditional update, so one of them re-adds
 * it; and job ids are fixed per message and requeue, so even a re-add that races a late
 * enqueue makes one job. The send step's own gates (row state, provider message id, reconcile window)
 * decide whether a re-driven job calls Meta.
 */
@Injectable()
export class OutboxSweeper {
  private readonly logger = new Logger(OutboxSweeper.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    private readonly jobs: MessageJobs,
  ) {}

  /**
   * Queued rows due more than `graceMs` ago and sending rows idle for more than the reconcile
   * window plus `graceMs`, oldest first, at most `maxRows` of each. A scheduled message is due
   * at `scheduledAt`: until then its delayed job is left alone, and if that job was lost the
   * sweep sends it once it is due.
   */
  async sweep(graceMs = 15_000, batchSize = 500, maxRows = 10_000): Promise<SweepReport> {
    const now = Date.now();
    const report = { examined: 0, reenqueued: 0 };
    const redriven: Record<Stranded, number> = { queued: 0, sending: 0 };
    const cutoffs: Record<Stranded, Date> = {
      queued: new Date(now - graceMs),
      sending: new Date(now - this.settings.send.reconcileWindowMs - graceMs),
    };
    for (const status of ['queued', 'sending'] as const) {
      let after: { cursor: string; id: string } | null = null;
      for (let seen = 0; seen < maxRows; ) {
        const rows = await this.page(status, cutoffs[status], after, Math.min(batchSize, maxRows - seen));
        for (const row of rows) {
          if (await this.redrive(status, row)) redriven[status] += 1;
        }
        seen += rows.length;
        report.examined += rows.length;
        const last = rows.at(-1);
        if (!last || rows.length < batchSize) break;
        after = { cursor: last.cursor, id: last.id };
      }
    }
    report.reenqueued = redriven.queued + redriven.sending;
    if (report.reenqueued > 0) this.logger.warn(redriven, 'outbox sweep re-enqueued messages whose job was missing, failed or finished');
    return report;
  }

  private async page(status: Stranded, cutoff: Date, after: { cursor: string; id: string } | null, limit: number): Promise<CandidateRow[]> {
    const { where, sortKey } = CANDIDATES[status];
    const params: unknown[] = [cutoff, limit];
    const keyset = after ? `AND (${sortKey}, id) > ($3::timestamptz, $4)` : '';
    if (after) params.push(after.cursor, after.id);
    return this.dataSource.query(
      `SELECT id, retries, route_step, scheduled_at, updated_at::text AS version, ${sortKey}::text AS cursor
         FROM messages WHERE ${where} AND ${sortKey} < $1 ${keyset}
        ORDER BY ${sortKey}, id LIMIT $2`,
      params,
    );
  }

  /** True when this sweep added the row's job again. */
  private redrive(status: Stranded, row: CandidateRow): Promise<boolean> {
    const source: SendJobSource = { id: row.id, retries: row.retries, scheduledAt: row.scheduled_at, routeStep: row.route_step };
    return this.producer.redrive('messages.send', this.jobs.payloadOf(source), () => this.claim(status, row));
  }

  /** Only the sweep whose conditional update changed the row re-adds its job; the row moved on otherwise. */
  private async claim(status: Stranded, row: CandidateRow): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE messages SET updated_at = now() WHERE id = $1 AND status = $2 AND updated_at = $3::timestamptz`,
      [row.id, status, row.version],
    )) as [unknown[], number];
    return affected === 1;
  }
}
