import { GroupCommit } from '@switchboard/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { MessageEntity } from '../persistence/message.entity';
import type { MessageError } from '@switchboard/error-taxonomy';
import type { Environment } from '@switchboard/tenancy';
import type { MessageStatus } from '../persistence/message-status';
import type { MessageStatusFeed } from '../status-feed/message-status-feed';

/** What a conditional INSERT into message_events returned: nothing when the row had moved on. */
export type InsertedEvent = { tenant_id: string; environment: Environment; channel: string };

export interface SentUpdate {
  providerMessageId: string;
  providerStatus: string | undefined;
  sendTraceparent: string | null;
}

/** A message the worker claimed for a send step, and the status it had before (a step that does not call gives it back). */
export interface Claimed {
  message: MessageEntity;
  previousStatus: MessageStatus;
}

/** Which job may claim: the message's retry and route step, and the attempt mark it expects (null: none). */
export interface ClaimTerms {
  retry: number;
  routeStep: number;
  attemptStartedAt: Date | null;
}

interface ClaimRequest {
  id: string;
  terms: ClaimTerms;
  at: Date;
}

interface ReleaseRequest {
  id: string;
  startedAt: Date;
  status: MessageStatus;
}

interface SentRecord {
  id: string;
  at: Date;
  update: SentUpdate;
}

// Rows in one claim, release or `sent` statement at most (a worker's send concurrency is well below
// it); a statement that fails is run again for each row alone, so one bad row fails only its step.
const SHARED = { maxBatch: 200, concurrency: 2, isolateFailures: true };

/**
 * The worker's writes to a message row, each one statement (row update and timeline
 * event together) so a crash never leaves half a transition. Every write is conditional:
 * a webhook that moved the message ahead first (a `delivered` before the worker recorded
 * `sent`) is never regressed. A timeline event the statement did insert goes to the live
 * feed once the statement (its own transaction) has committed.
 */
export class MessageTransitions {
  // A claim, release or record that comes while two statements are in flight waits for the next one with the others.
  private readonly claims = new GroupCommit<ClaimRequest, Claimed | null>((batch) => this.claimAll(batch), SHARED);
  private readonly releases = new GroupCommit<ReleaseRequest>((batch) => this.releaseAll(batch), SHARED);
  private readonly sends = new GroupCommit<SentRecord, { inserted: InsertedEvent[]; pending: boolean }>((batch) => this.recordSent(batch), SHARED);

  constructor(
    private readonly dataSource: DataSource,
    private readonly feed: MessageStatusFeed,
  ) {}

  /**
   * Reads and marks the message in one statement: queued/sending -> sending with the step's
   * start time, only for the job the row expects (its retry and route step, no provider id,
   * the attempt mark `terms` names). Null when the row does not match: the caller reads it to
   * tell why (sent meanwhile, superseded, an attempt of unknown outcome). The attempt mark
   * compares in milliseconds, the precision of the JavaScript time it was read as. Concurrent
   * claims share one statement.
   */
  claim(id: string, terms: ClaimTerms, at: Date): Promise<Claimed | null> {
    return this.claims.submit({ id, terms, at });
  }

  /**
   * Many claims in one statement; rows are locked in id order, as every multi-row writer of
   * messages does, so concurrent batches cannot deadlock. Of two claims of one message in a
   * batch at most one wins, as when they come one after the other.
   */
  private async claimAll(batch: ClaimRequest[]): Promise<Array<Claimed | null>> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows] = (await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM unnest($1::varchar[], $2::timestamptz[], $3::integer[], $4::integer[], $5::timestamptz[]) WITH ORDINALITY
             AS i (id, at, retry, route_step, attempt_started_at, n)),
       previous AS (SELECT id, status FROM messages WHERE id IN (SELECT id FROM input) ORDER BY id FOR UPDATE)
       UPDATE messages m SET status = 'sending', attempt_started_at = input.at, updated_at = input.at
         FROM previous JOIN input ON input.id = previous.id
        WHERE m.id = previous.id AND m.status IN ('queued', 'sending') AND m.provider_message_id IS NULL
          AND m.retries = input.retry AND m.route_step = input.route_step
          AND date_trunc('milliseconds', m.attempt_started_at) IS NOT DISTINCT FROM input.attempt_started_at
       RETURNING m.*, previous.status AS previous_status, input.n AS claim_index`,
      [
        batch.map((claim) => claim.id),
        batch.map((claim) => claim.at),
        batch.map((claim) => claim.terms.retry),
        batch.map((claim) => claim.terms.routeStep),
        batch.map((claim) => claim.terms.attemptStartedAt),
      ],
    )) as [Array<Record<string, unknown>>, number];
    const claimed = new Map(rows.map((row) => [Number(row['claim_index']), row]));
    return batch.map((_claim, index) => {
      const row = claimed.get(index + 1);
      return row ? { message: this.entityOf(row), previousStatus: row['previous_status'] as MessageStatus } : null;
    });
  }

  /**
   * The call did not happen after all (a pause or a limit said wait): the claim is taken back,
   * status included, unless a report moved the message ahead meanwhile (an earlier call whose
   * outcome was unknown did arrive): then only the attempt mark goes. Concurrent releases (the
   * steps a saturated number turns away) share one statement.
   */
  release(id: string, startedAt: Date, status: MessageStatus): Promise<void> {
    return this.releases.submit({ id, startedAt, status });
  }

  /** Many releases in one statement, rows locked in id order (see claimAll). */
  private async releaseAll(batch: ReleaseRequest[]): Promise<void[]> {
    await this.dataSource.query(
      `WITH input AS (SELECT * FROM unnest($1::varchar[], $2::timestamptz[], $3::varchar[]) AS i (id, started_at, status)),
       locked AS (SELECT id FROM messages WHERE id IN (SELECT id FROM input) ORDER BY id FOR UPDATE)
       UPDATE messages m SET attempt_started_at = NULL, status = CASE WHEN m.status IN ('queued', 'sending') THEN input.status ELSE m.status END
         FROM locked JOIN input ON input.id = locked.id
        WHERE m.id = locked.id AND m.attempt_started_at = input.started_at`,
      [batch.map((release) => release.id), batch.map((release) => release.startedAt), batch.map((release) => release.status)],
    );
    return batch.map(() => undefined);
  }

  /**
   * The vendor accepted the send. The `sent` event is added only when the row was not moved
   * ahead meanwhile. Answers whether status reports wait for this message in the pending table
   * (one came before the provider id was stored), from the same statement. Concurrent sends
   * record theirs in one statement.
   */
  async sent(id: string, at: Date, update: SentUpdate): Promise<{ pendingStatuses: boolean }> {
    const recorded = await this.sends.submit({ id, at, update });
    await this.publish(recorded.inserted, id, at, 'sent', null);
    return { pendingStatuses: recorded.pending };
  }

  /** Many `sent` records in one statement, rows locked in id order (see claimAll). */
  private async recordSent(batch: SentRecord[]): Promise<Array<{ inserted: InsertedEvent[]; pending: boolean }>> {
    const rows = (await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::timestamptz[], $5::jsonb[]) WITH ORDINALITY
             AS i (id, provider_message_id, traceparent, at, detail, n)),
       previous AS (SELECT id, status FROM messages WHERE id IN (SELECT id FROM input) ORDER BY id FOR UPDATE),
       updated AS (
         UPDATE messages m
            SET status = CASE WHEN previous.status IN ('queued', 'sending') THEN 'sent' ELSE m.status END,
                provider_message_id = COALESCE(m.provider_message_id, input.provider_message_id), attempts = m.attempts + 1,
                attempt_started_at = NULL, error = NULL, send_traceparent = input.traceparent, updated_at = input.at
           FROM previous JOIN input ON input.id = previous.id WHERE m.id = previous.id
         RETURNING input.n, previous.status AS previous_status, m.tenant_id, m.environment, m.channel, m.route_step),
       inserted AS (
         INSERT INTO message_events (message_id, tenant_id, environment, status, at, detail, channel, route_step)
         SELECT input.id, updated.tenant_id, updated.environment, 'sent', input.at, input.detail, updated.channel, updated.route_step
           FROM updated JOIN input ON input.n = updated.n WHERE updated.previous_status IN ('queued', 'sending'))
       SELECT input.n,
              (SELECT coalesce(json_agg(json_build_object('tenant_id', u.tenant_id, 'environment', u.environment, 'channel', u.channel)), '[]'::json)
                 FROM updated u WHERE u.n = input.n AND u.previous_status IN ('queued', 'sending')) AS inserted,
              EXISTS (SELECT 1 FROM pending_statuses WHERE message_id = input.id OR provider_message_id = input.provider_message_id) AS pending
         FROM input ORDER BY input.n`,
      [
        batch.map((record) => record.id),
        batch.map((record) => record.update.providerMessageId),
        batch.map((record) => record.update.sendTraceparent),
        batch.map((record) => record.at),
        batch.map((record) => (record.update.providerStatus ? JSON.stringify({ providerStatus: record.update.providerStatus }) : null)),
      ],
    )) as Array<{ inserted: InsertedEvent[]; pending: boolean }>;
    return rows.map((row) => ({ inserted: row.inserted, pending: row.pending }));
  }

  /** The call failed and will be tried again (or reconciled): the row stays `sending` with the last error. */
  async retrying(id: string, at: Date, change: { error: MessageError; countsAttempt: boolean; outcomeUnknown: boolean }): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET attempts = attempts + $2, error = $3::jsonb, updated_at = $4,
              attempt_started_at = CASE WHEN $5 THEN attempt_started_at ELSE NULL END
        WHERE id = $1 AND status IN ('queued', 'sending')`,
      [id, change.countsAttempt ? 1 : 0, JSON.stringify(change.error), at, change.outcomeUnknown],
    );
  }

  /** The sending account is paused: the message goes back to `queued`, no attempt spent. */
  async held(id: string, at: Date, error: MessageError): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET status = 'queued', attempt_started_at = NULL, error = $2::jsonb, updated_at = $3
        WHERE id = $1 AND status IN ('queued', 'sending')`,
      [id, JSON.stringify(error), at],
    );
  }

  /** `failed` or `dead`, with the classified error and a timeline event; false when a webhook moved it ahead. */
  async end(id: string, at: Date, status: Extract<MessageStatus, 'failed' | 'dead'>, error: MessageError, countsAttempt: boolean): Promise<boolean> {
    const inserted = await this.endIn(this.dataSource.manager, id, at, status, error, countsAttempt);
    await this.publish(inserted, id, at, status, error);
    return inserted.length === 1;
  }

  /** `end` in the caller's transaction; the caller publishes the returned event once it has committed. */
  endIn(manager: EntityManager, id: string, at: Date, status: Extract<MessageStatus, 'failed' | 'dead'>, error: MessageError, countsAttempt: boolean): Promise<InsertedEvent[]> {
    return manager.query(
      `WITH updated AS (
         UPDATE messages SET status = $2, error = $3::jsonb, attempts = attempts + $4, attempt_started_at = NULL, updated_at = $5
          WHERE id = $1 AND status IN ('queued', 'sending')
         RETURNING tenant_id, environment, channel, route_step)
       INSERT INTO message_events (message_id, tenant_id, environment, status, at, detail, channel, route_step)
       SELECT $1, tenant_id, environment, $2, $5, jsonb_build_object('error', $3::jsonb), channel, route_step FROM updated RETURNING tenant_id, environment, channel`,
      [id, status, JSON.stringify(error), countsAttempt ? 1 : 0, at],
    );
  }

  /** A row as Postgres returned it (column names) as the entity TypeORM would have read. */
  private entityOf(row: Record<string, unknown>): MessageEntity {
    const entity = new MessageEntity();
    for (const column of this.dataSource.getMetadata(MessageEntity).columns) {
      (entity as unknown as Record<string, unknown>)[column.propertyName] = row[column.databaseName];
    }
    return entity;
  }

  /** Only an event the statement inserted: the status it names is then the message's own. */
  async publish(inserted: readonly InsertedEvent[], id: string, at: Date, status: MessageStatus, error: MessageError | null): Promise<void> {
    await this.feed.publish(
      inserted.map((event) => ({ messageId: id, tenantId: event.tenant_id, environment: event.environment, channel: event.channel, status, messageStatus: status, at: at.toISOString(), error })),
    );
  }
}
