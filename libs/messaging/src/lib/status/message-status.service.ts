import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { classify, messageErrorOf, type MessageError, type WebhookErrorEntry } from '@switchboard/error-taxonomy';
import type { Environment } from '@switchboard/tenancy';
import { linksTo } from '@switchboard/telemetry';
import { DataSource, type EntityManager } from 'typeorm';
import { MessageEventEntity } from '../persistence/message-event.entity';
import { MESSAGE_ID_PATTERN } from '../persistence/message-id';
import { isForwardStatus } from '../persistence/message-status';
import { MessageEntity } from '../persistence/message.entity';
import type { MessageStatusChange } from '../status-feed/message-status-change';
import { MessageStatusFeed } from '../status-feed/message-status-feed';
import { MessageEvents } from './message-events';
import { optOutReason, recordOptOut } from './opt-out';
import { PendingStatusEntity } from './pending-status.entity';
import { MessageFallbacks, type StartedFallback } from '../fallback/message-fallbacks';
import { showsChannels } from '../http/message-views';
import { providerIdDetail } from '../persistence/provider-id-detail';
import { statusUpdateSchema, type StatusOutcome, type StatusResult, type StatusUpdate } from './status-update';

export interface StatusScope {
  tenantId: string;
  environment: Environment;
}

/** What a transaction of the status machine leaves to do once it has committed. */
export interface AfterCommit {
  /** Tenant event deliveries (message.status) to dispatch. */
  readonly deliveries: string[];
  /** Timeline events for the live feed. */
  readonly changes: MessageStatusChange[];
  /** Fallbacks a `failed` status started: their send jobs and deadlines. */
  readonly fallbacks: StartedFallback[];
}
/** Meta redelivers for 7 days; a status still unmatched after that never will be. */
const PENDING_KEEP_MS = 7 * 24 * 3600 * 1000;

const tracer = trace.getTracer('switchboard-messaging');

/**
 * The one home of the status machine for every channel's status reports (contract §6): a
 * status finds its message by our id (WhatsApp's `biz_opaque_callback_data`, the SMS callback
 * URL), else by the provider message id; it moves the message only forward (isForwardStatus)
 * and always lands in the timeline, so a late or superseded report (of a replaced send, of an
 * earlier channel of the route) is evidence, not a regression. A status for a message not
 * known yet waits in `pending_statuses`; the send worker calls applyPendingStatuses right
 * after it records a provider id, and the webhook sweep catches any it missed.
 */
@Injectable()
export class MessageStatusService {
  private readonly logger = new Logger(MessageStatusService.name);
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly feed: MessageStatusFeed,
    private readonly fallbacks: MessageFallbacks,
    private readonly events: MessageEvents,
  ) {}

  /**
   * Applies one status inside the caller's transaction (webhook processing commits it with
   * its dedupe key). After its commit the caller dispatches `deliveries` (message.status events)
   * and publishes `changes` (MessageStatusFeed).
   */
  async apply(manager: EntityManager, scope: StatusScope, update: StatusUpdate): Promise<StatusResult> {
    const message = await this.findMessage(manager, scope, update);
    if (!message) {
      await manager.save(
        manager.create(PendingStatusEntity, {
          tenantId: scope.tenantId,
          environment: scope.environment,
          channel: update.channel,
          providerMessageId: update.providerMessageId,
          messageId: ourMessageId(update),
          status: update.status,
          at: new Date(update.at),
          update,
        }),
      );
      return { outcome: 'pending', message: null, deliveries: [], changes: [], fallbacks: [] };
    }
    const after: AfterCommit = { deliveries: [], changes: [], fallbacks: [] };
    const learnsProviderId = message.providerMessageId === null;
    const outcome = await this.applyTo(manager, message, update, after);
    // A provider id learned from this status (before the worker stored it) may have statuses waiting for it.
    if (learnsProviderId) await this.applyPendingIn(manager, message, after);
    return { outcome, message: { id: message.id, status: message.status, error: message.error }, ...after };
  }

  /**
   * Applies the statuses that arrived before the message was known by this id or provider id,
   * in the vendor's time order. The send worker calls it right after it stores a provider id.
   * Returns how many were applied.
   */
  async applyPendingStatuses(messageId: string, providerMessageId: string | null): Promise<number> {
    // Called after every send and almost always finds nothing: one indexed read before a locking transaction.
    const waiting: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM pending_statuses WHERE message_id = $1 OR provider_message_id = $2 LIMIT 1`,
      [messageId, providerMessageId ?? ''],
    );
    if (waiting.length === 0) return 0;
    const after: AfterCommit = { deliveries: [], changes: [], fallbacks: [] };
    const applied = await this.dataSource.transaction(async (manager) => {
      const message = await manager.findOne(MessageEntity, { where: { id: messageId }, lock: { mode: 'pessimistic_write' } });
      if (!message) return 0;
      return this.applyPendingIn(manager, { ...message, providerMessageId: providerMessageId ?? message.providerMessageId }, after);
    });
    await this.afterCommit(after);
    return applied;
  }

  /** What a committed transaction of the status machine left to do: the live feed, tenant events and fallbacks it started. */
  async afterCommit(after: AfterCommit): Promise<void> {
    await this.feed.publish(after.changes);
    await this.events.dispatch(after.deliveries);
    for (const started of after.fallbacks) await this.fallbacks.started(started);
  }

  /**
   * Run after a transaction that left statuses pending has committed: a concurrent
   * transaction may have recorded their provider ids meanwhile, without seeing them.
   */
  async applyPendingForProviderIds(scope: StatusScope, providerMessageIds: readonly string[]): Promise<number> {
    if (providerMessageIds.length === 0) return 0;
    const found = (await this.dataSource.query(
      `SELECT id, provider_message_id FROM messages WHERE tenant_id = $1 AND environment = $2 AND provider_message_id = ANY($3)`,
      [scope.tenantId, scope.environment, [...new Set(providerMessageIds)]],
    )) as Array<{ id: string; provider_message_id: string }>;
    let applied = 0;
    for (const message of found) applied += await this.applyPendingStatuses(message.id, message.provider_message_id);
    return applied;
  }

  private async applyPendingIn(manager: EntityManager, message: MessageEntity, after: AfterCommit): Promise<number> {
    const pending = await manager
      .createQueryBuilder(PendingStatusEntity, 'pending')
      .where('pending.tenant_id = :tenantId AND pending.environment = :environment', { tenantId: message.tenantId, environment: message.environment })
      .andWhere(message.providerMessageId ? '(pending.message_id = :messageId OR pending.provider_message_id = :providerMessageId)' : 'pending.message_id = :messageId', {
        messageId: message.id,
        providerMessageId: message.providerMessageId,
      })
      .orderBy('pending.at', 'ASC')
      .addOrderBy('pending.id', 'ASC')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    for (const row of pending) await this.applyTo(manager, message, statusUpdateSchema.parse(row.update), after);
    if (pending.length > 0) await manager.delete(PendingStatusEntity, pending.map((row) => row.id));
    return pending.length;
  }

  /**
   * The safety net behind applyPendingStatuses (a status that was still being stored when
   * the worker looked): applies pending statuses whose message now exists, and forgets
   * those older than Meta's 7-day redelivery window.
   */
  async sweepPending(batchSize = 500): Promise<{ applied: number; expired: number }> {
    const matches = (await this.dataSource.query(
      `SELECT m.id, m.provider_message_id FROM pending_statuses p JOIN messages m
         ON m.id = p.message_id AND m.tenant_id = p.tenant_id AND m.environment = p.environment
       UNION
       SELECT m.id, m.provider_message_id FROM pending_statuses p JOIN messages m
         ON m.provider_message_id = p.provider_message_id AND m.tenant_id = p.tenant_id AND m.environment = p.environment
       LIMIT $1`,
      [batchSize],
    )) as Array<{ id: string; provider_message_id: string | null }>;
    let applied = 0;
    for (const match of matches) applied += await this.applyPendingStatuses(match.id, match.provider_message_id);
    const expired = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(PendingStatusEntity)
      .where('created_at < :cutoff', { cutoff: new Date(Date.now() - PENDING_KEEP_MS) })
      .execute();
    if ((expired.affected ?? 0) > 0) this.logger.warn({ expired: expired.affected }, 'status webhooks that never matched a message were dropped after 7 days');
    return { applied, expired: expired.affected ?? 0 };
  }

  private async findMessage(manager: EntityManager, scope: StatusScope, update: StatusUpdate): Promise<MessageEntity | null> {
    const lock = { mode: 'pessimistic_write' as const };
    const id = ourMessageId(update);
    if (id) {
      const byId = await manager.findOne(MessageEntity, { where: { id, tenantId: scope.tenantId, environment: scope.environment }, lock });
      if (byId) return byId;
    }
    return manager.findOne(MessageEntity, { where: { providerMessageId: update.providerMessageId, tenantId: scope.tenantId, environment: scope.environment }, lock });
  }

  /** The processing span links to the send span of the message (its stored traceparent). */
  private applyTo(manager: EntityManager, message: MessageEntity, update: StatusUpdate, after: AfterCommit): Promise<StatusOutcome> {
    return tracer.startActiveSpan(
      'messages.status',
      {
        links: linksTo(message.sendTraceparent),
        attributes: {
          'switchboard.tenant_id': message.tenantId,
          'switchboard.environment': message.environment,
          'switchboard.message_id': message.id,
          'switchboard.status': update.status,
        },
      },
      async (span) => {
        try {
          const { outcome, error, inserted, fallback } = await this.transition(manager, message, update);
          if (fallback) after.fallbacks.push(fallback);
          if (error?.meta) span.setAttribute('switchboard.meta_error_code', error.meta.code);
          span.setAttribute('switchboard.status_outcome', outcome);
          if (inserted) {
            after.changes.push({
              messageId: message.id,
              tenantId: message.tenantId,
              environment: message.environment,
              channel: update.channel,
              status: update.status,
              messageStatus: message.status,
              at: new Date(update.at).toISOString(),
              error: error ?? null,
            });
          }
          after.deliveries.push(
            ...(await this.events.publish(manager, message, 'message.status', {
              messageId: message.id,
              ...(update.channel === 'whatsapp' ? { wamid: update.providerMessageId } : {}),
              ...(showsChannels(message) ? { channel: update.channel, providerMessageId: update.providerMessageId } : {}),
              status: update.status,
              messageStatus: message.status,
              applied: outcome === 'applied',
              at: update.at,
              ...(error ? { error } : {}),
              ...(update.pricing ? { pricing: update.pricing } : {}),
            })),
          );
          return outcome;
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  private async transition(
    manager: EntityManager,
    message: MessageEntity,
    update: StatusUpdate,
  ): Promise<{ outcome: StatusOutcome; error: MessageError | undefined; inserted: boolean; fallback: StartedFallback | null }> {
    // A report of an earlier channel of the route, or of a send the retry route replaced, is history, not this send's status.
    const superseded = update.channel !== message.channel || (await isSupersededSendOf(manager, message, update.providerMessageId));
    const forward = !superseded && isForwardStatus(message.status, update.status);
    const error = update.status === 'failed' ? ((update.error as MessageError | undefined) ?? UNREPORTED_FAILURE) : undefined;

    // A status can arrive before the worker records the provider id; the worker writes the same value.
    const providerMessageId = superseded ? message.providerMessageId : (message.providerMessageId ?? update.providerMessageId);
    const status = forward ? update.status : message.status;
    const storedError = forward && error ? error : message.error;
    if (forward || (message.providerMessageId === null && !superseded)) {
      const settled = forward && (update.status === 'delivered' || update.status === 'read');
      await manager.query(
        `UPDATE messages SET provider_message_id = $2, status = $3, error = $4, updated_at = now(),
                fallback_due_at = CASE WHEN $5 THEN NULL ELSE fallback_due_at END
          WHERE id = $1`,
        [message.id, providerMessageId, status, storedError === null ? null : JSON.stringify(storedError), settled],
      );
      Object.assign(message, { providerMessageId, status, error: storedError, ...(settled ? { fallbackDueAt: null } : {}) });
    }
    // The worker records `sent` when the vendor accepts the message; the vendor's own `sent` would repeat it.
    const repeatedSent =
      update.status === 'sent' && (await manager.exists(MessageEventEntity, { where: { messageId: message.id, status: 'sent', channel: update.channel } }));
    if (!repeatedSent) {
      await manager.insert(MessageEventEntity, {
        messageId: message.id,
        tenantId: message.tenantId,
        environment: message.environment,
        status: update.status,
        channel: update.channel,
        routeStep: superseded && update.channel !== message.channel ? await routeStepOf(manager, message, update.channel) : message.routeStep,
        at: new Date(update.at),
        detail: {
          source: 'webhook',
          ...providerIdDetail(update.channel, update.providerMessageId),
          applied: forward,
          ...(error ? { error } : {}),
          ...(update.pricing ? { pricing: update.pricing } : {}),
          ...(update.conversation ? { conversation: update.conversation } : {}),
        },
      });
    }
    if (error?.code === 'recipient_suppressed') {
      await recordOptOut(manager, { ...message, channel: update.channel }, message.to, optOutReason(error));
    }
    const fallback = forward && error ? await this.fallbacks.onFailedStatus(manager, message, error) : null;
    return { outcome: forward ? 'applied' : 'recorded', error, inserted: !repeatedSent, fallback };
  }
}

/** A `failed` report without an error entry: the taxonomy's view of a code the vendor did not give. */
const UNREPORTED_FAILURE: MessageError = messageErrorOf(classify({ code: 'missing' } as unknown as WebhookErrorEntry));

async function isSupersededSendOf(manager: EntityManager, message: MessageEntity, providerMessageId: string): Promise<boolean> {
  if (message.retries === 0 || message.providerMessageId === providerMessageId) return false;
  const found: unknown[] = await manager.query(
    `SELECT 1 FROM message_events WHERE message_id = $1 AND status = 'queued'
        AND $2 IN (detail -> 'previous' ->> 'providerMessageId', detail -> 'previous' ->> 'wamid') LIMIT 1`,
    [message.id, providerMessageId],
  );
  return found.length > 0;
}

/** The latest route step that ran on `channel`: where a late report of an earlier channel belongs. */
async function routeStepOf(manager: EntityManager, message: MessageEntity, channel: string): Promise<number> {
  const rows: Array<{ step: number | null }> = await manager.query(
    `SELECT max(route_step) AS step FROM message_events WHERE message_id = $1 AND channel = $2`,
    [message.id, channel],
  );
  return rows[0]?.step ?? 0;
}

function ourMessageId(update: StatusUpdate): string | null {
  return update.callbackData !== undefined && MESSAGE_ID_PATTERN.test(update.callbackData) ? update.callbackData : null;
}
