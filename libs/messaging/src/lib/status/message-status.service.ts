import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { classify, messageErrorOf, type MessageError, type WebhookErrorEntry } from '@switchboard/error-taxonomy';
import type { Environment } from '@switchboard/tenancy';
import { linksTo } from '@switchboard/telemetry';
import { TenantEventsPublisher } from '@switchboard/tenant-events';
import { DataSource, type EntityManager } from 'typeorm';
import { MessageEventEntity } from '../persistence/message-event.entity';
import { MESSAGE_ID_PATTERN } from '../persistence/message-id';
import { isForwardStatus } from '../persistence/message-status';
import { MessageEntity } from '../persistence/message.entity';
import type { MessageStatusChange } from '../status-feed/message-status-change';
import { MessageStatusFeed } from '../status-feed/message-status-feed';
import { recordOptOut } from './opt-out';
import { PendingStatusEntity } from './pending-status.entity';
import type { StatusOutcome, StatusResult, StatusUpdate } from './status-update';

export interface StatusScope {
  tenantId: string;
  environment: Environment;
}

/** What a transaction of the status machine leaves to do once it has committed. */
interface AfterCommit {
  /** Tenant event deliveries (message.status) to dispatch. */
  readonly deliveries: string[];
  /** Timeline events for the live feed. */
  readonly changes: MessageStatusChange[];
}

/** Meta's "user stopped marketing messages from you" (reference §1.4): never retried, suppressed. */
const MARKETING_OPT_OUT = 131050;
/** Meta redelivers for 7 days; a status still unmatched after that never will be. */
const PENDING_KEEP_MS = 7 * 24 * 3600 * 1000;

const tracer = trace.getTracer('switchboard-messaging');

/**
 * The one home of the status machine for Meta's status webhooks (contract §6): a status
 * finds its message by `biz_opaque_callback_data` (our id), else by wamid; it moves the
 * message only forward (isForwardStatus) and always lands in the timeline, so a late
 * or superseded report is evidence, not a regression. A status for a message not known
 * yet waits in `pending_statuses`; the send worker calls applyPendingStatuses right after
 * it records a wamid, and the webhook sweep catches any it missed.
 */
@Injectable()
export class MessageStatusService implements OnModuleInit {
  private readonly logger = new Logger(MessageStatusService.name);
  private events: TenantEventsPublisher | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    private readonly feed: MessageStatusFeed,
  ) {}

  onModuleInit(): void {
    // Tenant events are a sibling module of the host, and optional: without it no message.status event is recorded.
    try {
      this.events = this.moduleRef.get(TenantEventsPublisher, { strict: false });
    } catch {
      this.events = undefined;
    }
  }

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
          wamid: update.wamid,
          messageId: ourMessageId(update),
          status: update.status,
          at: new Date(update.at),
          update,
        }),
      );
      return { outcome: 'pending', message: null, deliveries: [], changes: [] };
    }
    const after: AfterCommit = { deliveries: [], changes: [] };
    const learnsWamid = message.wamid === null;
    const outcome = await this.applyTo(manager, message, update, after);
    // A wamid learned from this status (before the worker stored it) may have statuses waiting for it.
    if (learnsWamid) await this.applyPendingIn(manager, message, after);
    return { outcome, message: { id: message.id, status: message.status, error: message.error }, ...after };
  }

  /**
   * Applies the statuses that arrived before the message was known by this id or wamid, in
   * Meta's time order. The send worker calls it right after it stores a wamid. Returns
   * how many were applied.
   */
  async applyPendingStatuses(messageId: string, wamid: string | null): Promise<number> {
    // Called after every send and almost always finds nothing: one indexed read before a locking transaction.
    const waiting: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM pending_statuses WHERE message_id = $1 OR wamid = $2 LIMIT 1`,
      [messageId, wamid ?? ''],
    );
    if (waiting.length === 0) return 0;
    const after: AfterCommit = { deliveries: [], changes: [] };
    const applied = await this.dataSource.transaction(async (manager) => {
      const message = await manager.findOne(MessageEntity, { where: { id: messageId }, lock: { mode: 'pessimistic_write' } });
      if (!message) return 0;
      return this.applyPendingIn(manager, { ...message, wamid: wamid ?? message.wamid }, after);
    });
    await this.feed.publish(after.changes);
    await this.events?.dispatch(after.deliveries);
    return applied;
  }

  /**
   * Run after a transaction that left statuses pending has committed: a concurrent
   * transaction may have recorded their wamid meanwhile, without seeing them.
   */
  async applyPendingForWamids(scope: StatusScope, wamids: readonly string[]): Promise<number> {
    if (wamids.length === 0) return 0;
    const found = (await this.dataSource.query(`SELECT id, wamid FROM messages WHERE tenant_id = $1 AND environment = $2 AND wamid = ANY($3)`, [
      scope.tenantId,
      scope.environment,
      [...new Set(wamids)],
    ])) as Array<{ id: string; wamid: string }>;
    let applied = 0;
    for (const message of found) applied += await this.applyPendingStatuses(message.id, message.wamid);
    return applied;
  }

  private async applyPendingIn(manager: EntityManager, message: MessageEntity, after: AfterCommit): Promise<number> {
    const pending = await manager
      .createQueryBuilder(PendingStatusEntity, 'pending')
      .where('pending.tenant_id = :tenantId AND pending.environment = :environment', { tenantId: message.tenantId, environment: message.environment })
      .andWhere(message.wamid ? '(pending.message_id = :messageId OR pending.wamid = :wamid)' : 'pending.message_id = :messageId', { messageId: message.id, wamid: message.wamid })
      .orderBy('pending.at', 'ASC')
      .addOrderBy('pending.id', 'ASC')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    for (const row of pending) await this.applyTo(manager, message, row.update, after);
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
      `SELECT m.id, m.wamid FROM pending_statuses p JOIN messages m
         ON m.id = p.message_id AND m.tenant_id = p.tenant_id AND m.environment = p.environment
       UNION
       SELECT m.id, m.wamid FROM pending_statuses p JOIN messages m
         ON m.wamid = p.wamid AND m.tenant_id = p.tenant_id AND m.environment = p.environment
       LIMIT $1`,
      [batchSize],
    )) as Array<{ id: string; wamid: string | null }>;
    let applied = 0;
    for (const match of matches) applied += await this.applyPendingStatuses(match.id, match.wamid);
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
    return manager.findOne(MessageEntity, { where: { wamid: update.wamid, tenantId: scope.tenantId, environment: scope.environment }, lock });
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
          const { outcome, error, inserted } = await this.transition(manager, message, update, (code) => span.setAttribute('switchboard.meta_error_code', code));
          span.setAttribute('switchboard.status_outcome', outcome);
          if (inserted) {
            after.changes.push({
              messageId: message.id,
              tenantId: message.tenantId,
              environment: message.environment,
              status: update.status,
              messageStatus: message.status,
              at: new Date(update.at).toISOString(),
              error: error ?? null,
            });
          }
          if (this.events) {
            after.deliveries.push(
              ...(await this.events.publish(manager, message, 'message.status', {
                messageId: message.id,
                wamid: update.wamid,
                status: update.status,
                messageStatus: message.status,
                applied: outcome === 'applied',
                at: update.at,
                ...(error ? { error } : {}),
                ...(update.pricing ? { pricing: update.pricing } : {}),
              })),
            );
          }
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
    onMetaCode: (code: number) => void,
  ): Promise<{ outcome: StatusOutcome; error: MessageError | undefined; inserted: boolean }> {
    // A status of a wamid the retry route replaced is history of that earlier send, not of this one.
    const superseded = await isSupersededWamidOf(manager, message, update.wamid);
    const forward = !superseded && isForwardStatus(message.status, update.status);
    const firstError = update.errors?.[0];
    const classification = update.status === 'failed' ? classify((firstError ?? { code: 'missing' }) as unknown as WebhookErrorEntry) : undefined;
    if (classification?.meta) onMetaCode(classification.meta.code);

    // A status can arrive before the worker records the wamid; the worker writes the same value.
    const wamid = message.wamid ?? update.wamid;
    const status = forward ? update.status : message.status;
    const error = forward && classification ? { ...messageErrorOf(classification) } : message.error;
    if (forward || (message.wamid === null && !superseded)) {
      await manager.query(`UPDATE messages SET wamid = $2, status = $3, error = $4, updated_at = now() WHERE id = $1`, [message.id, wamid, status, error === null ? null : JSON.stringify(error)]);
      Object.assign(message, { wamid, status, error });
    }
    // The worker records `sent` when Graph accepts the message; Meta's own `sent` would repeat it.
    const repeatedSent = update.status === 'sent' && (await manager.exists(MessageEventEntity, { where: { messageId: message.id, status: 'sent' } }));
    if (!repeatedSent) {
      await manager.insert(MessageEventEntity, {
        messageId: message.id,
        tenantId: message.tenantId,
        environment: message.environment,
        status: update.status,
        at: new Date(update.at),
        detail: {
          source: 'webhook',
          wamid: update.wamid,
          applied: forward,
          ...(classification ? { error: messageErrorOf(classification) } : {}),
          ...(update.pricing ? { pricing: update.pricing } : {}),
          ...(update.conversation ? { conversation: update.conversation } : {}),
        },
      });
    }
    if (classification?.meta?.code === MARKETING_OPT_OUT) {
      await recordOptOut(manager, message, message.to, `Meta ${MARKETING_OPT_OUT}: the user stopped marketing messages`);
    }
    return { outcome: forward ? 'applied' : 'recorded', error: classification ? messageErrorOf(classification) : undefined, inserted: !repeatedSent };
  }
}

async function isSupersededWamidOf(manager: EntityManager, message: MessageEntity, wamid: string): Promise<boolean> {
  if (message.retries === 0 || message.wamid === wamid) return false;
  const found: unknown[] = await manager.query(
    `SELECT 1 FROM message_events WHERE message_id = $1 AND status = 'queued' AND detail -> 'previous' ->> 'wamid' = $2 LIMIT 1`,
    [message.id, wamid],
  );
  return found.length > 0;
}

function ourMessageId(update: StatusUpdate): string | null {
  return update.callbackData !== undefined && MESSAGE_ID_PATTERN.test(update.callbackData) ? update.callbackData : null;
}
