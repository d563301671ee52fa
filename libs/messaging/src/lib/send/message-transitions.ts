import type { DataSource, EntityManager } from 'typeorm';
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

/**
 * The worker's writes to a message row, each one statement (row update and timeline
 * event together) so a crash never leaves half a transition. Every write is conditional:
 * a webhook that moved the message ahead first (a `delivered` before the worker recorded
 * `sent`) is never regressed. A timeline event the statement did insert goes to the live
 * feed once the statement (its own transaction) has committed.
 */
export class MessageTransitions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly feed: MessageStatusFeed,
  ) {}

  /** queued/sending -> sending with the call's start time; false when another worker or a webhook got there first. */
  async begin(id: string, at: Date): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, affected] = (await this.dataSource.query(
      `UPDATE messages SET status = 'sending', attempt_started_at = $2, updated_at = $2
        WHERE id = $1 AND status IN ('queued', 'sending') AND provider_message_id IS NULL`,
      [id, at],
    )) as [unknown[], number];
    return affected === 1;
  }

  /** The call did not happen after all (a limit said wait): the attempt mark of `begin` is taken back. */
  async release(id: string, startedAt: Date): Promise<void> {
    await this.dataSource.query(`UPDATE messages SET attempt_started_at = NULL WHERE id = $1 AND attempt_started_at = $2`, [id, startedAt]);
  }

  /** The vendor accepted the send. The `sent` event is added only when the row was not moved ahead meanwhile. */
  async sent(id: string, at: Date, update: SentUpdate): Promise<void> {
    const detail = update.providerStatus ? JSON.stringify({ providerStatus: update.providerStatus }) : null;
    const inserted: InsertedEvent[] = await this.dataSource.query(
      `WITH previous AS (SELECT id, status FROM messages WHERE id = $1 FOR UPDATE),
       updated AS (
         UPDATE messages m
            SET status = CASE WHEN previous.status IN ('queued', 'sending') THEN 'sent' ELSE m.status END,
                provider_message_id = COALESCE(m.provider_message_id, $2), attempts = m.attempts + 1, attempt_started_at = NULL,
                error = NULL, send_traceparent = $3, updated_at = $4
           FROM previous WHERE m.id = previous.id
         RETURNING previous.status AS previous_status, m.tenant_id, m.environment, m.channel, m.route_step)
       INSERT INTO message_events (message_id, tenant_id, environment, status, at, detail, channel, route_step)
       SELECT $1, tenant_id, environment, 'sent', $4, $5::jsonb, channel, route_step FROM updated WHERE previous_status IN ('queued', 'sending')
       RETURNING tenant_id, environment, channel`,
      [id, update.providerMessageId, update.sendTraceparent, at, detail],
    );
    await this.publish(inserted, id, at, 'sent', null);
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

  /** Only an event the statement inserted: the status it names is then the message's own. */
  async publish(inserted: readonly InsertedEvent[], id: string, at: Date, status: MessageStatus, error: MessageError | null): Promise<void> {
    await this.feed.publish(
      inserted.map((event) => ({ messageId: id, tenantId: event.tenant_id, environment: event.environment, channel: event.channel, status, messageStatus: status, at: at.toISOString(), error })),
    );
  }
}
