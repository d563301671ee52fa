import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Environment } from '@switchboard/tenancy';
import { DataSource, type EntityManager } from 'typeorm';
import { MessageEventEntity } from '../persistence/message-event.entity';
import { MESSAGE_ID_PATTERN } from '../persistence/message-id';
import { MessageEntity } from '../persistence/message.entity';
import type { MessageStatusChange } from '../status-feed/message-status-change';
import { MessageStatusFeed } from '../status-feed/message-status-feed';
import { MessageEvents } from './message-events';
import { optOutReason, recordOptOut } from './opt-out';
import { PendingStatusEntity } from './pending-status.entity';
import { MessageFallbacks, type StartedFallback } from '../fallback/message-fallbacks';
import { statusUpdateSchema, type StatusOutcome, type StatusResult, type StatusUpdate } from './status-update';
import {
  applyRowChange,
  decideTransition,
  factsNeeded,
  inStatusSpan,
  statusChangeOf,
  statusEventData,
  type RowChange,
  type StatusTransition,
  type TimelineEvent,
} from './status-transition';

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
/** One report and the tenant environment it was routed to. */
export interface ScopedStatus {
  readonly scope: StatusScope;
  readonly update: StatusUpdate;
}

/** What became of each report of a batch (in its order), and what the batch leaves to do after its commit. */
export interface StatusBatchResult extends AfterCommit {
  readonly outcomes: StatusOutcome[];
}

/** Meta redelivers for 7 days; a status still unmatched after that never will be. */
const PENDING_KEEP_MS = 7 * 24 * 3600 * 1000;

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
      await storePending(manager, [{ scope, update }]);
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
   * Applies a payload's reports inside the caller's transaction in a fixed number of statements,
   * whatever their number: their messages are read and locked in one, the rule (decideTransition)
   * runs in memory in the reports' order, then the rows, the timeline events, the tenant events
   * and the pending reports are each written in one statement. A message whose next report needs
   * more than that (a fact looked up one by one, a provider id learned, an opt-out, a fallback)
   * takes that report and its later ones through `apply`, after the set-based writes.
   */
  async applyBatch(manager: EntityManager, reports: readonly ScopedStatus[]): Promise<StatusBatchResult> {
    const result: StatusBatchResult = { outcomes: [], deliveries: [], changes: [], fallbacks: [] };
    if (reports.length === 0) return result;
    const messages = await findMessages(manager, reports);
    const sentRecorded = await sentEventsOf(manager, reports, messages);
    const rows = new Map<string, RowChange & { id: string }>();
    const events: TimelineEvent[] = [];
    const published: Array<{ scope: StatusScope; data: Record<string, unknown> }> = [];
    const pending: ScopedStatus[] = [];
    const oneByOne = new Set<string>();
    const deferred: number[] = [];
    for (const [index, report] of reports.entries()) {
      const message = messages.of(report);
      if (!message) {
        pending.push(report);
        result.outcomes[index] = 'pending';
        continue;
      }
      const transition = oneByOne.has(message.id) ? null : inMemoryTransition(message, report.update, sentRecorded);
      if (!transition) {
        oneByOne.add(message.id);
        deferred.push(index);
        continue;
      }
      await inStatusSpan(message, report.update, async () => ({ transition }));
      if (transition.row) {
        applyRowChange(message, transition.row);
        rows.set(message.id, { id: message.id, ...transition.row, settled: transition.row.settled || (rows.get(message.id)?.settled ?? false) });
      }
      if (transition.event) {
        events.push(transition.event);
        result.changes.push(statusChangeOf(message, report.update, transition));
        if (transition.event.status === 'sent') sentRecorded.add(sentKey(message.id, transition.event.channel));
      }
      published.push({ scope: message, data: statusEventData(message, report.update, transition) });
      result.outcomes[index] = transition.outcome;
    }
    await writeRows(manager, [...rows.values()]);
    await insertEvents(manager, events);
    result.deliveries.push(...(await this.events.publishMany(manager, 'message.status', published)));
    await storePending(manager, pending);
    for (const index of deferred) {
      const report = reports[index] as ScopedStatus;
      const applied = await this.apply(manager, report.scope, report.update);
      result.outcomes[index] = applied.outcome;
      result.deliveries.push(...applied.deliveries);
      result.changes.push(...applied.changes);
      result.fallbacks.push(...applied.fallbacks);
    }
    return result;
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

  private async applyTo(manager: EntityManager, message: MessageEntity, update: StatusUpdate, after: AfterCommit): Promise<StatusOutcome> {
    const { transition } = await inStatusSpan(message, update, async () => {
      const decided = await this.transition(manager, message, update);
      if (decided.fallback) after.fallbacks.push(decided.fallback);
      if (decided.transition.event) after.changes.push(statusChangeOf(message, update, decided.transition));
      after.deliveries.push(...(await this.events.publish(manager, message, 'message.status', statusEventData(message, update, decided.transition))));
      return decided;
    });
    return transition.outcome;
  }

  /** One report: its facts looked up, the rule applied, its writes done one by one, a fallback started when the failure moves the message on. */
  private async transition(manager: EntityManager, message: MessageEntity, update: StatusUpdate): Promise<{ transition: StatusTransition; fallback: StartedFallback | null }> {
    const needed = factsNeeded(message, update);
    const transition = decideTransition(message, update, {
      replacedSend: needed.replacedSend && (await isReplacedSendOf(manager, message, update.providerMessageId)),
      sentRecorded: needed.sentRecorded && (await manager.exists(MessageEventEntity, { where: { messageId: message.id, status: 'sent', channel: update.channel } })),
      earlierChannelStep: needed.earlierChannelStep ? await routeStepOf(manager, message, update.channel) : message.routeStep,
    });
    if (transition.row) {
      await writeRows(manager, [{ id: message.id, ...transition.row }]);
      applyRowChange(message, transition.row);
    }
    if (transition.event) await insertEvents(manager, [transition.event]);
    if (transition.optOut && transition.error) {
      await recordOptOut(manager, { ...message, channel: update.channel }, message.to, optOutReason(transition.error));
    }
    const fallback = transition.startsFallback && transition.error ? await this.fallbacks.onFailedStatus(manager, message, transition.error) : null;
    return { transition, fallback };
  }
}

/**
 * The rule applied to a report whose facts the batch read up front, or null when the report
 * takes `apply`: the message's provider id is not known yet (the report may teach it, and
 * statuses pending for it then apply), the report is of another channel (its route step is
 * looked up) or of a replaced send, or the failure it reports suppresses the recipient or
 * starts a fallback (each its own statement, in order with the row).
 */
function inMemoryTransition(message: MessageEntity, update: StatusUpdate, sentRecorded: ReadonlySet<string>): StatusTransition | null {
  const needed = factsNeeded(message, update);
  if (message.providerMessageId === null || needed.replacedSend || needed.earlierChannelStep) return null;
  const transition = decideTransition(message, update, { replacedSend: false, sentRecorded: sentRecorded.has(sentKey(message.id, update.channel)), earlierChannelStep: message.routeStep });
  return transition.optOut || transition.startsFallback ? null : transition;
}

/** A batch's messages, read and locked in one statement (in id order, so concurrent batches lock alike), each found as `findMessage` finds it. */
async function findMessages(manager: EntityManager, reports: readonly ScopedStatus[]): Promise<{ of(report: ScopedStatus): MessageEntity | undefined }> {
  const ids = reports.map(({ update }) => ourMessageId(update)).filter((id): id is string => id !== null);
  const found = await manager
    .createQueryBuilder(MessageEntity, 'message')
    .where('message.tenant_id = ANY(:tenantIds)', { tenantIds: [...new Set(reports.map(({ scope }) => scope.tenantId))] })
    .andWhere('(message.id = ANY(:ids) OR message.provider_message_id = ANY(:providerMessageIds))', {
      ids: [...new Set(ids)],
      providerMessageIds: [...new Set(reports.map(({ update }) => update.providerMessageId))],
    })
    .orderBy('message.id')
    .setLock('pessimistic_write')
    .getMany();
  const scoped = (scope: StatusScope, key: string) => `${scope.tenantId}\u0000${scope.environment}\u0000${key}`;
  const byId = new Map(found.map((message) => [scoped(message, message.id), message]));
  const byProviderId = new Map(found.filter((message) => message.providerMessageId !== null).map((message) => [scoped(message, message.providerMessageId as string), message]));
  return {
    of: ({ scope, update }) => {
      const id = ourMessageId(update);
      return (id === null ? undefined : byId.get(scoped(scope, id))) ?? byProviderId.get(scoped(scope, update.providerMessageId));
    },
  };
}

/** The messages of the batch's `sent` reports whose timeline already has a `sent` of that channel, in one statement. */
async function sentEventsOf(manager: EntityManager, reports: readonly ScopedStatus[], messages: { of(report: ScopedStatus): MessageEntity | undefined }): Promise<Set<string>> {
  const ids = new Set(reports.filter((report) => report.update.status === 'sent').map((report) => messages.of(report)?.id).filter((id): id is string => id !== undefined));
  if (ids.size === 0) return new Set();
  const rows = (await manager.query(`SELECT DISTINCT message_id, channel FROM message_events WHERE message_id = ANY($1) AND status = 'sent'`, [[...ids]])) as Array<{
    message_id: string;
    channel: string;
  }>;
  return new Set(rows.map((row) => sentKey(row.message_id, row.channel)));
}

function sentKey(messageId: string, channel: string): string {
  return `${messageId}\u0000${channel}`;
}

/** The rows the reports changed, in one statement. */
async function writeRows(manager: EntityManager, rows: ReadonlyArray<RowChange & { id: string }>): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `UPDATE messages AS message
        SET provider_message_id = change.provider_message_id, status = change.status, error = change.error, updated_at = now(),
            fallback_due_at = CASE WHEN change.settled THEN NULL ELSE message.fallback_due_at END
       FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::jsonb[], $5::boolean[]) AS change(id, provider_message_id, status, error, settled)
      WHERE message.id = change.id`,
    [
      rows.map((row) => row.id),
      rows.map((row) => row.providerMessageId),
      rows.map((row) => row.status),
      rows.map((row) => (row.error === null ? null : JSON.stringify(row.error))),
      rows.map((row) => row.settled),
    ],
  );
}

/** Timeline events in one statement, in their order (their ids are the timeline's order). */
async function insertEvents(manager: EntityManager, events: readonly TimelineEvent[]): Promise<void> {
  if (events.length === 0) return;
  await manager.query(
    `INSERT INTO message_events (message_id, tenant_id, environment, status, channel, route_step, at, detail)
     SELECT * FROM unnest($1::varchar[], $2::uuid[], $3::varchar[], $4::varchar[], $5::varchar[], $6::integer[], $7::timestamptz[], $8::jsonb[])`,
    [
      events.map((event) => event.messageId),
      events.map((event) => event.tenantId),
      events.map((event) => event.environment),
      events.map((event) => event.status),
      events.map((event) => event.channel),
      events.map((event) => event.routeStep),
      events.map((event) => event.at.toISOString()),
      events.map((event) => JSON.stringify(event.detail)),
    ],
  );
}

/** Reports whose message is not known yet, kept until it is, in one statement. */
async function storePending(manager: EntityManager, reports: readonly ScopedStatus[]): Promise<void> {
  if (reports.length === 0) return;
  await manager.query(
    `INSERT INTO pending_statuses (tenant_id, environment, channel, provider_message_id, message_id, status, at, "update")
     SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::timestamptz[], $8::jsonb[])`,
    [
      reports.map(({ scope }) => scope.tenantId),
      reports.map(({ scope }) => scope.environment),
      reports.map(({ update }) => update.channel),
      reports.map(({ update }) => update.providerMessageId),
      reports.map(({ update }) => ourMessageId(update)),
      reports.map(({ update }) => update.status),
      reports.map(({ update }) => new Date(update.at).toISOString()),
      reports.map(({ update }) => JSON.stringify(update)),
    ],
  );
}

async function isReplacedSendOf(manager: EntityManager, message: MessageEntity, providerMessageId: string): Promise<boolean> {
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
