import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WebhookDirectory, type AccountRoute, type AccountRoutes, type AccountScope } from '@switchboard/accounts';
import { AlertsService } from '@switchboard/alerts';
import { classify, messageErrorOf, type WebhookErrorEntry } from '@switchboard/error-taxonomy';
import {
  MessageStatusService,
  recordOptOut,
  SuppressionEntity,
  WEBHOOK_STATUSES,
  type StatusOutcome,
  type StatusUpdate,
  type WebhookStatus,
} from '@switchboard/messaging';
import { TEMPLATE_WEBHOOK_FIELDS, TemplateStatusService } from '@switchboard/template-registry';
import { TenantEventsPublisher, type TenantEventType } from '@switchboard/tenant-events';
import { DataSource, type EntityManager } from 'typeorm';
import { InboundMessagesService } from '../inbound/inbound-messages.service';
import { MAX_INBOX_ATTEMPTS } from '../webhook-ingest.constants';
import { WebhookMetrics, type RejectReason } from '../webhook-ingest.metrics';
import {
  accountUpdateSchema,
  contactSchema,
  inboundMessageSchema,
  messagesValueSchema,
  phoneNumberIdOf,
  phoneQualitySchema,
  statusSchema,
  userPreferenceSchema,
  userPreferencesSchema,
  webhookEnvelopeSchema,
  webhookErrorSchema,
  type InboundContact,
  type WebhookChange,
  type WebhookEntry,
  type WebhookError,
} from '../webhook-payload';
import { bindChange } from './change-binding';
import { inSavepoint, itemErrorState } from './item-savepoint';
import { PayloadTally } from './payload-tally';

export type InboxRowOutcome = 'processed' | 'unparseable' | 'failed' | 'skipped';

/** The ids a dropped change or item is logged with: never its content. */
interface ItemContext {
  inboxId: number;
  appId: string;
  wabaId: string;
  phoneNumberId: string | undefined;
  field: string;
}

/** A stored payload whose attempt this run counted. */
interface ClaimedRow {
  id: number;
  attempts: number;
  /** The Meta app whose secret signed it. */
  appId: string;
  bytes: number;
}

/** A claimed payload, parsed. */
interface ClaimedPayload extends ClaimedRow {
  entries: readonly WebhookEntry[];
}

/** Payload bytes read and applied in one transaction at most (a larger payload goes alone): bounds the worker's memory per job. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/** A status of the payload, read and keyed, waiting to be applied with the others. */
interface QueuedStatus {
  scope: AccountScope;
  /** Its dedupe key: the provider id and the status. */
  key: string;
  update: StatusUpdate;
  errors: readonly WebhookError[];
}

/** Meta's messaging limit tiers, lowest first, to tell a downgrade (reference §3.8). */
const LIMIT_TIERS = ['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'];

/**
 * The worker side of webhook ingest: one stored payload at a time, in one transaction
 * with the dedupe keys of its items, so a payload is applied exactly once however often
 * Meta delivers it and however many jobs name it. Every entry, change, message and
 * status of a batch is handled, each routed to its tenant environment by
 * phone_number_id or WABA id, and only when that account is bound to the Meta app whose
 * secret signed the payload. Its statuses are applied together, in a fixed number of
 * statements. When one item's data breaks a constraint, the payload is applied again with
 * each change and item in a savepoint, so that one is dropped alone. A payload that cannot be parsed is marked and
 * counted, never retried; one that keeps failing is given up after MAX_INBOX_ATTEMPTS.
 */
@Injectable()
export class WebhookProcessingService {
  private readonly logger = new Logger(WebhookProcessingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly directory: WebhookDirectory,
    private readonly inbound: InboundMessagesService,
    private readonly metrics: WebhookMetrics,
    private readonly statuses: MessageStatusService,
    private readonly templates: TemplateStatusService,
    private readonly events: TenantEventsPublisher,
    private readonly alerts: AlertsService,
  ) {}

  /**
   * Processes each row; throws after trying all when any failed, so the job is retried for those.
   * The rows' attempts are counted in one statement; then their payloads are read and applied
   * together in one transaction per chunk of at most CHUNK_BYTES, so their statuses share one
   * set of statements. When a chunk's transaction fails, each of its payloads is applied alone:
   * the others commit, and the one that failed is retried or has its bad item dropped.
   */
  async processBatch(inboxIds: readonly number[]): Promise<Record<InboxRowOutcome, number>> {
    const report: Record<InboxRowOutcome, number> = { processed: 0, unparseable: 0, failed: 0, skipped: 0 };
    // Counted outside the transactions, so a payload that keeps failing still reaches the bound.
    const [claimed] = (await this.dataSource.query(
      `UPDATE webhook_inbox SET attempts = attempts + 1 WHERE id = ANY($1) AND state = 'pending' RETURNING id, attempts, app_id, octet_length(body) AS bytes`,
      [[...new Set(inboxIds)]],
    )) as [Array<{ id: string; attempts: number; app_id: string; bytes: number }>, number];
    const rows = claimed.map((row) => ({ id: Number(row.id), attempts: row.attempts, appId: row.app_id, bytes: Number(row.bytes) })).sort((a, b) => a.id - b.id);
    report.skipped += new Set(inboxIds).size - rows.length;
    let firstError: unknown;
    for (const chunk of chunksOf(rows)) {
      try {
        await this.processChunk(chunk, report);
      } catch (error) {
        firstError ??= error;
      }
    }
    if (firstError !== undefined) throw firstError;
    return report;
  }

  /** Rows of a job read, parsed and applied together; each outcome counted in `report`. */
  private async processChunk(rows: readonly ClaimedRow[], report: Record<InboxRowOutcome, number>): Promise<void> {
    const bodies = await this.bodiesOf(rows.filter((row) => row.attempts <= MAX_INBOX_ATTEMPTS).map((row) => row.id));
    const payloads: ClaimedPayload[] = [];
    for (const row of rows) {
      if (row.attempts > MAX_INBOX_ATTEMPTS) {
        await this.mark(row.id, 'failed', `gave up after ${MAX_INBOX_ATTEMPTS} attempts`);
        this.metrics.failedPayloads.inc();
        this.logger.error({ inboxId: row.id }, 'webhook payload given up after the maximum number of attempts');
        report.failed += 1;
        continue;
      }
      const body = bodies.get(row.id);
      if (!body) {
        report.skipped += 1;
        continue;
      }
      const envelope = this.parse(body);
      if (!envelope.ok) {
        await this.mark(row.id, 'unparseable', envelope.reason);
        this.metrics.unparseable.inc();
        this.logger.warn({ inboxId: row.id, reason: envelope.reason }, 'signed webhook payload could not be parsed; kept and marked');
        report.unparseable += 1;
        continue;
      }
      payloads.push({ ...row, entries: envelope.value.entry });
    }
    if (payloads.length === 0) return;
    // Every account of the payloads in one lookup, before the transaction holds its connection.
    const entries = payloads.flatMap((payload) => payload.entries);
    const routes = await this.directory
      .routesOf(
        entries.map((entry) => entry.id),
        entries.flatMap((entry) => entry.changes.map((change) => phoneNumberIdOf(change.value)).filter((phoneNumberId) => phoneNumberId !== undefined)),
      )
      .catch(async (error: unknown) => {
        await this.failed(payloads, error);
        throw error;
      });
    if (payloads.length > 1) {
      const together = await this.applyPayloads(payloads, routes, false).then(
        (applied) => ({ ok: true as const, applied }),
        (error: unknown) => {
          this.logger.debug({ inboxIds: payloads.map((payload) => payload.id), reason: describe(error) }, 'webhook payloads applied together failed; each is applied alone');
          return { ok: false as const };
        },
      );
      if (together.ok) {
        if (together.applied) await this.afterCommit(together.applied.tally);
        report.processed += together.applied?.processed ?? 0;
        report.skipped += payloads.length - (together.applied?.processed ?? 0);
        return;
      }
    }
    let firstError: unknown;
    for (const payload of payloads) {
      try {
        report[await this.processPayload(payload, routes)] += 1;
      } catch (error) {
        firstError ??= error;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  /** One payload in a transaction of its own; its error is kept on the row and thrown, so the job is retried. */
  private async processPayload(payload: ClaimedPayload, routes: AccountRoutes): Promise<InboxRowOutcome> {
    try {
      // Items run without savepoints first (two statements fewer each); only a payload that one
      // item's data failed runs again with each item in a savepoint, so that item alone is dropped.
      let applied: { tally: PayloadTally; processed: number } | null;
      try {
        applied = await this.applyPayloads([payload], routes, false);
      } catch (error) {
        if (itemErrorState(error) === undefined) throw error;
        applied = await this.applyPayloads([payload], routes, true);
      }
      if (!applied) return 'skipped';
      await this.afterCommit(applied.tally);
      return 'processed';
    } catch (error) {
      await this.failed([payload], error);
      throw error;
    }
  }

  /** Payloads whose processing failed keep the reason on their rows (the job is retried). */
  private async failed(payloads: readonly ClaimedPayload[], error: unknown): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_inbox SET last_error = $2 WHERE id = ANY($1)`, [payloads.map((payload) => payload.id), describe(error).slice(0, 1000)]);
    for (const payload of payloads) this.logger.warn({ inboxId: payload.id, attempt: payload.attempts, reason: describe(error) }, 'webhook payload processing failed; it will be retried');
  }

  /** What committed payloads leave to do: the live feed, tenant events and fallbacks, pending statuses looked up again, Meta error codes, metrics. */
  private async afterCommit(applied: PayloadTally): Promise<void> {
    await this.statuses.afterCommit({ changes: applied.changes, deliveries: applied.deliveries, fallbacks: applied.fallbacks });
    for (const { scope, wamids } of applied.pendingByScope()) await this.statuses.applyPendingForProviderIds(scope, wamids);
    await this.metaErrors(applied.metaErrors);
    for (const { field, outcome, count } of applied.outcomes()) this.metrics.items.inc({ field, outcome }, count);
    for (const { reason, count } of applied.rejected()) this.metrics.rejected.inc({ reason }, count);
  }

  /**
   * One transaction applying every change of the payloads bound to their signing app; null when
   * other jobs hold or finished all their rows (a row held or finished is left out). Their statuses
   * are applied together at the end (MessageStatusService.applyBatch), except in a run that isolates
   * items, where each status is an item of its own.
   */
  private async applyPayloads(payloads: readonly ClaimedPayload[], routes: AccountRoutes, isolateItems: boolean): Promise<{ tally: PayloadTally; processed: number } | null> {
    return this.dataSource.transaction(async (manager) => {
      const locked = (await manager.query(`SELECT id FROM webhook_inbox WHERE id = ANY($1) AND state = 'pending' FOR UPDATE SKIP LOCKED`, [payloads.map((payload) => payload.id)])) as Array<{
        id: string;
      }>;
      if (locked.length === 0) return null;
      const lockedIds = new Set(locked.map((row) => Number(row.id)));
      const tally = new PayloadTally(isolateItems);
      const statuses: QueuedStatus[] | null = isolateItems ? null : [];
      for (const { id, appId, entries } of payloads.filter((payload) => lockedIds.has(payload.id))) {
        for (const entry of entries) {
          for (const change of entry.changes) {
            const phoneNumberId = phoneNumberIdOf(change.value);
            const context: ItemContext = { inboxId: id, appId, wabaId: entry.id, phoneNumberId, field: change.field };
            const binding = bindChange(routes, appId, entry.id, phoneNumberId);
            if (!binding.bound) {
              this.reject(tally, binding.reason, context);
              continue;
            }
            await this.item(manager, tally, context, () => this.applyChange(manager, entry, change, binding.route, tally, context, statuses));
          }
        }
      }
      if (statuses) await this.applyStatuses(manager, tally, statuses);
      await manager.query(`UPDATE webhook_inbox SET state = 'processed', processed_at = now(), last_error = NULL WHERE id = ANY($1)`, [[...lockedIds]]);
      return { tally, processed: lockedIds.size };
    });
  }

  private async bodiesOf(ids: readonly number[]): Promise<Map<number, Buffer>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(`SELECT id, body FROM webhook_inbox WHERE id = ANY($1)`, [ids])) as Array<{ id: string; body: Buffer }>;
    return new Map(rows.map((row) => [Number(row.id), row.body]));
  }

  private parse(body: Buffer): { ok: true; value: ReturnType<typeof webhookEnvelopeSchema.parse> } | { ok: false; reason: string } {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return { ok: false, reason: `not JSON: ${describe(error)}`.slice(0, 500) };
    }
    const envelope = webhookEnvelopeSchema.safeParse(json);
    if (!envelope.success) return { ok: false, reason: `not a WhatsApp Business Account webhook: ${envelope.error.issues[0]?.message ?? 'invalid'}`.slice(0, 500) };
    return { ok: true, value: envelope.data };
  }

  private async mark(id: number, state: 'unparseable' | 'failed', reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_inbox SET state = $2, processed_at = now(), last_error = $3 WHERE id = $1`, [id, state, reason]);
  }

  private async applyChange(
    manager: EntityManager,
    entry: WebhookEntry,
    change: WebhookChange,
    route: AccountRoute,
    tally: PayloadTally,
    context: ItemContext,
    statuses: QueuedStatus[] | null,
  ): Promise<void> {
    if (change.field === 'messages') return this.applyMessages(manager, entry, change, route.scope, tally, context, statuses);
    const { scope } = route;
    if (!(await claim(manager, changeKey(entry, change)))) return tally.count(change.field, 'duplicate');

    if ((TEMPLATE_WEBHOOK_FIELDS as readonly string[]).includes(change.field)) {
      const result = await this.templates.updateFromWebhook(scope, { wabaId: entry.id, ...(entry.time !== undefined ? { time: entry.time } : {}), field: change.field, value: change.value });
      if (result.outcome === 'updated') {
        await this.publish(manager, tally, scope, 'template.status', {
          templateId: result.templateId,
          name: result.name,
          language: result.language,
          status: result.status,
          wabaId: entry.id,
          field: change.field,
          change: change.value,
        });
      }
      return tally.count(change.field, result.outcome);
    }
    switch (change.field) {
      case 'phone_number_quality_update':
        return this.applyPhoneQuality(manager, entry, change, tally);
      case 'account_update': {
        const update = accountUpdateSchema.safeParse(change.value);
        // No account state is modelled yet: the event is logged for operators (and kept in the inbox).
        this.logger.warn({ wabaId: entry.id, event: update.success ? update.data.event : 'unreadable', tenantId: scope.tenantId }, 'Meta account update');
        return tally.count(change.field, update.success ? 'logged' : 'unreadable');
      }
      case 'user_preferences':
        return this.applyUserPreferences(manager, scope, change, tally, context);
      default:
        return tally.count(change.field, 'ignored');
    }
  }

  /** Statuses go to `statuses` when given (applied with the payload's others), else each is applied as an item of its own. */
  private async applyMessages(
    manager: EntityManager,
    entry: WebhookEntry,
    change: WebhookChange,
    scope: AccountScope,
    tally: PayloadTally,
    context: ItemContext,
    statuses: QueuedStatus[] | null,
  ): Promise<void> {
    const value = messagesValueSchema.safeParse(change.value);
    if (!value.success) return tally.count('messages', 'unreadable');
    const phoneNumberId = value.data.metadata?.phone_number_id;

    for (const raw of value.data.errors ?? []) {
      await this.item(manager, tally, context, async () => {
        const error = webhookErrorSchema.safeParse(raw);
        if (!(await claim(manager, hashedKey('e', entry.id, raw)))) return;
        if (error.success) tally.metaError(scope, error.data);
        else this.metrics.metaErrors.inc({ code: 'unreadable' });
        this.logger.warn({ wabaId: entry.id, phoneNumberId, code: error.success ? error.data.code : 'unreadable', title: error.success ? error.data.title : undefined }, 'Meta reported an error in a messages webhook');
        tally.count('messages.errors', 'logged');
      });
    }

    const contacts = new Map<string, InboundContact>();
    for (const raw of value.data.contacts ?? []) {
      const contact = contactSchema.safeParse(raw);
      if (contact.success) for (const key of [contact.data.wa_id, contact.data.user_id]) if (key) contacts.set(key, contact.data);
    }
    for (const raw of value.data.messages ?? []) {
      await this.item(manager, tally, context, async () => {
        const message = inboundMessageSchema.safeParse(raw);
        if (!message.success || phoneNumberId === undefined) return tally.count('messages.inbound', 'unreadable');
        if (!(await claim(manager, `m:${message.data.id}`))) return tally.count('messages.inbound', 'duplicate');
        for (const error of message.data.errors ?? []) tally.metaError(scope, error);
        const contact = [message.data.from_user_id, message.data.from].map((key) => (key ? contacts.get(key) : undefined)).find((found) => found !== undefined);
        await this.inbound.store(manager, scope, phoneNumberId, message.data, contact);
        await this.publish(manager, tally, scope, 'message.received', {
          wamid: message.data.id,
          phoneNumberId,
          from: message.data.from ?? null,
          fromUserId: message.data.from_user_id ?? contact?.user_id ?? null,
          profileName: contact?.profile?.name ?? null,
          type: message.data.type,
          at: message.data.timestamp.toISOString(),
          message: raw,
        });
        tally.count('messages.inbound', 'stored');
      });
    }

    for (const raw of value.data.statuses ?? []) {
      const status = queuedStatus(scope, raw);
      if (!status.ok) {
        tally.count('messages.status', status.outcome);
        continue;
      }
      if (statuses) statuses.push(status.value);
      else await this.item(manager, tally, context, () => this.applyStatus(manager, tally, status.value));
    }
  }

  /** One status as an item of its own: its key claimed, then the status machine. */
  private async applyStatus(manager: EntityManager, tally: PayloadTally, status: QueuedStatus): Promise<void> {
    if (!(await claim(manager, status.key))) return tally.count('messages.status', 'duplicate');
    const result = await this.statuses.apply(manager, status.scope, status.update);
    tally.afterCommit(result);
    this.tallyStatus(tally, status, result.outcome);
  }

  /**
   * A payload's statuses together: their keys claimed in one statement (a status repeated in the
   * payload or applied by an earlier delivery is a duplicate), then the status machine's batch.
   * The status machine records its own message.status events and timeline changes; they go out after this commit.
   */
  private async applyStatuses(manager: EntityManager, tally: PayloadTally, statuses: readonly QueuedStatus[]): Promise<void> {
    if (statuses.length === 0) return;
    const claimed = await claimAll(manager, statuses.map((status) => status.key));
    const fresh = statuses.filter((status) => claimed.delete(storedKey(status.key)));
    for (let duplicates = statuses.length - fresh.length; duplicates > 0; duplicates -= 1) tally.count('messages.status', 'duplicate');
    const result = await this.statuses.applyBatch(manager, fresh);
    tally.afterCommit(result);
    fresh.forEach((status, index) => this.tallyStatus(tally, status, result.outcomes[index] as StatusOutcome));
  }

  private tallyStatus(tally: PayloadTally, status: QueuedStatus, outcome: StatusOutcome): void {
    for (const error of status.errors) tally.metaError(status.scope, error);
    if (outcome === 'pending') tally.pendingStatus(status.scope, status.update.providerMessageId);
    tally.count('messages.status', outcome);
  }

  private async applyPhoneQuality(manager: EntityManager, entry: WebhookEntry, change: WebhookChange, tally: PayloadTally): Promise<void> {
    const value = phoneQualitySchema.safeParse(change.value);
    if (!value.success) return tally.count(change.field, 'unreadable');
    const applied = await this.directory.applyQualityUpdate(entry.id, value.data);
    if (!applied) return tally.count(change.field, 'unknown_number');
    const before = LIMIT_TIERS.indexOf(applied.previousLimit ?? '');
    const after = LIMIT_TIERS.indexOf(applied.limit ?? '');
    const downgrade = before >= 0 && after >= 0 && after < before;
    if (downgrade) {
      await this.alerts.raise({
        kind: 'quality_downgrade',
        subject: applied.phoneNumberId,
        scope: applied.scope,
        summary: `Messaging limit of ${applied.phoneNumberId} went down from ${String(applied.previousLimit)} to ${String(applied.limit)}`,
        details: { phoneNumberId: applied.phoneNumberId, from: applied.previousLimit, to: applied.limit, event: applied.event },
      });
    }
    await this.publish(manager, tally, applied.scope, 'phone_number.quality', {
      phoneNumberId: applied.phoneNumberId,
      event: applied.event,
      previousLimit: applied.previousLimit,
      limit: applied.limit,
      downgrade,
    });
    tally.count(change.field, 'updated');
  }

  private async applyUserPreferences(manager: EntityManager, scope: AccountScope, change: WebhookChange, tally: PayloadTally, context: ItemContext): Promise<void> {
    const value = userPreferencesSchema.safeParse(change.value);
    if (!value.success) return tally.count(change.field, 'unreadable');
    for (const raw of value.data.user_preferences) {
      const preference = userPreferenceSchema.safeParse(raw);
      if (!preference.success) {
        this.reject(tally, 'invalid', context);
        continue;
      }
      const { wa_id: waId, category, value: choice } = preference.data;
      if (category !== 'marketing_messages') {
        tally.count(change.field, 'ignored');
        continue;
      }
      await this.item(manager, tally, context, async () => {
        if (choice === 'stop') {
          await recordOptOut(manager, { ...scope, channel: 'whatsapp' }, waId, 'user_preferences: the user stopped marketing messages');
          tally.count(change.field, 'suppressed');
        } else if (choice === 'resume') {
          // Only the entry the webhook made is lifted; a manual or worker suppression stands.
          await manager.delete(SuppressionEntity, { tenantId: scope.tenantId, environment: scope.environment, waId, source: 'webhook' });
          tally.count(change.field, 'resumed');
        } else {
          tally.count(change.field, 'ignored');
        }
      });
    }
  }

  private async publish(manager: EntityManager, tally: PayloadTally, scope: AccountScope, type: TenantEventType, data: Record<string, unknown>): Promise<void> {
    tally.deliver(await this.events.publish(manager, scope, type, data));
  }

  /**
   * One change or item; in a run that isolates items, in a savepoint: when its data breaks
   * a constraint it is rolled back with what it added to the tally, and dropped as invalid;
   * the payload goes on.
   */
  private async item(manager: EntityManager, tally: PayloadTally, context: ItemContext, apply: () => Promise<void>): Promise<void> {
    if (!tally.isolateItems) return apply();
    const mark = tally.mark();
    const result = await inSavepoint(manager, apply);
    if (result.applied) return;
    tally.rewind(mark);
    this.reject(tally, 'invalid', { ...context, sqlState: result.sqlState });
  }

  /** Counted once the payload commits; logged with ids only, never the payload's content. */
  private reject(tally: PayloadTally, reason: RejectReason, context: ItemContext & { sqlState?: string }): void {
    tally.reject(reason);
    this.logger.warn({ ...context, reason }, 'webhook change or item dropped unapplied');
  }

  /** Counted per code; a code never seen before raises an alert: looked up once per code of the committed payloads. */
  private async metaErrors(errors: PayloadTally['metaErrors']): Promise<void> {
    const noted = new Set<number>();
    for (const { scope, code: metaCode, title } of errors) {
      this.metrics.metaErrors.inc({ code: String(metaCode) });
      const code = Number(metaCode);
      if (!Number.isInteger(code) || noted.has(code)) continue;
      noted.add(code);
      await this.alerts.noteMetaErrorCode(code, scope, title);
    }
  }
}

/** Consecutive rows of at most CHUNK_BYTES together (a larger row alone). */
function chunksOf(rows: readonly ClaimedRow[]): ClaimedRow[][] {
  const chunks: ClaimedRow[][] = [];
  let bytes = Infinity;
  for (const row of rows) {
    if (bytes + row.bytes > CHUNK_BYTES) {
      chunks.push([]);
      bytes = 0;
    }
    (chunks.at(-1) as ClaimedRow[]).push(row);
    bytes += row.bytes;
  }
  return chunks;
}

/** Claims a dedupe key in the payload's transaction: false when an earlier delivery already applied it. */
async function claim(manager: EntityManager, key: string): Promise<boolean> {
  return (await claimAll(manager, [key])).size > 0;
}

/**
 * Claims dedupe keys in one statement: the stored keys (storedKey) that no earlier delivery applied.
 * In sorted order, so two jobs claiming the same keys wait for each other rather than deadlock.
 */
async function claimAll(manager: EntityManager, keys: readonly string[]): Promise<Set<string>> {
  const rows = (await manager.query(`INSERT INTO webhook_event_keys (key) SELECT unnest($1::varchar[]) ON CONFLICT DO NOTHING RETURNING key`, [
    [...new Set(keys.map(storedKey))].sort(),
  ])) as Array<{ key: string }>;
  return new Set(rows.map((row) => row.key));
}

/** A key as stored: a long one (over the column's 200) by its hash. */
function storedKey(key: string): string {
  return key.length <= 200 ? key : hashedKey('k', '', key);
}

/**
 * A status of the status machine, read from Meta's entry: `played` (voice messages) and unknown
 * statuses have no place in it. A `failed` carries its first error as the taxonomy classifies it.
 */
function queuedStatus(scope: AccountScope, raw: unknown): { ok: true; value: QueuedStatus } | { ok: false; outcome: 'ignored' | 'unreadable' } {
  const status = statusSchema.safeParse(raw);
  if (!status.success) return { ok: false, outcome: 'unreadable' };
  if (!(WEBHOOK_STATUSES as readonly string[]).includes(status.data.status)) return { ok: false, outcome: 'ignored' };
  const errors = status.data.errors ?? [];
  const [firstError] = errors;
  const update: StatusUpdate = {
    channel: 'whatsapp',
    providerMessageId: status.data.id,
    status: status.data.status as WebhookStatus,
    at: status.data.timestamp.toISOString(),
    ...(status.data.biz_opaque_callback_data !== undefined ? { callbackData: status.data.biz_opaque_callback_data } : {}),
    ...(status.data.recipient_id !== undefined ? { recipientId: status.data.recipient_id } : {}),
    ...(status.data.status === 'failed' ? { error: messageErrorOf(classify((firstError ?? { code: 'missing' }) as WebhookErrorEntry)) } : {}),
    ...(status.data.pricing ? { pricing: status.data.pricing } : {}),
    ...(status.data.conversation ? { conversation: status.data.conversation } : {}),
  };
  return { ok: true, value: { scope, key: `s:${status.data.id}:${status.data.status}`, update, errors } };
}

/**
 * Changes other than messages and statuses have no id of their own: the field, the WABA,
 * Meta's event time and the exact content name them (for templates: id + event + time).
 */
function changeKey(entry: WebhookEntry, change: WebhookChange): string {
  return hashedKey(`c:${change.field}`, `${entry.id}:${entry.time ?? ''}`, change.value);
}

function hashedKey(prefix: string, scope: string, value: unknown): string {
  return `${prefix}:${scope}:${createHash('sha256').update(JSON.stringify(value) ?? '').digest('hex')}`.slice(0, 200);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
