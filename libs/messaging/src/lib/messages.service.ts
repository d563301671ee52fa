import { Inject, Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { ChannelPlugin, ChannelRegistry } from '@switchboard/channel-contract';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { parseInput } from '@switchboard/platform';
import { RequestContext, TenantScopedRepository } from '@switchboard/tenancy';
import { Between, DataSource, LessThan, LessThanOrEqual, MoreThanOrEqual, Raw, type FindOptionsWhere, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { ChannelHosts } from './channels/channel-hosts';
import type { ChannelScope } from './channels/channel-host.port';
import { channelRefusal } from './checks/channel-refusal';
import { RecipientChecks } from './checks/recipient-checks';
import { stableHash } from './checks/stable-hash';
import { MessageFallbacks } from './fallback/message-fallbacks';
import { DEFAULT_CHANNEL, DELIVERY_OPTION_KEYS, deliveryOptionsSchema, listMessagesQuerySchemaFor, type AcceptedMessage, type ListMessagesQuery, type MessageView, type SendRequest } from './http/messages.schemas';
import { acceptedView, messageSummary, timelineView } from './http/message-views';
import { CHANNEL_REGISTRY, MESSAGING_SETTINGS, type MessagingSettings } from './messaging.constants';
import { MessageJobs } from './message-jobs.service';
import { MessageTimelines } from './message-timelines.service';
import { newMessageId } from './persistence/message-id';
import { MessageEntity } from './persistence/message.entity';
import { QueuedMessageInserts } from './persistence/queued-message-inserts';
import { normaliseRecipient } from './recipients/recipient.normaliser';
import { queuedChange } from './status-feed/message-status-change';
import { MessageStatusFeed } from './status-feed/message-status-feed';

const UNIQUE_VIOLATION = '23505';

export type MessageListFilter = Omit<ListMessagesQuery, 'type'> & { type?: string | undefined };

// A message that moves on every read (a burst of status reports) is shown as it was at the last one.
const READS_FOR_A_STILL_VIEW = 3;

/**
 * Accepts outbound messages on any channel: the request names its channel (default
 * WhatsApp), the channel's plugin parses and validates its part, its host resolves the
 * sender and runs the state-dependent checks, the shared recipient checks and the
 * fallback route are resolved, and only then is the message stored (row + `queued` event
 * in one statement) and its `messages.send` job enqueued. A refused request stores nothing.
 */
@Injectable()
export class MessagesService {
  private readonly messages: TenantScopedRepository<MessageEntity>;
  /** GET /v1/messages' filters (and GraphQL's), `type` over every registered channel's message types. */
  readonly listQuery: ReturnType<typeof listMessagesQuerySchemaFor>;

  constructor(
    @InjectRepository(MessageEntity) messages: Repository<MessageEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: MessageJobs,
    private readonly timelines: MessageTimelines,
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    @Inject(CHANNEL_REGISTRY) private readonly channels: ChannelRegistry,
    private readonly hosts: ChannelHosts,
    private readonly recipients: RecipientChecks,
    private readonly routes: MessageFallbacks,
    private readonly feed: MessageStatusFeed,
    private readonly inserts: QueuedMessageInserts,
  ) {
    this.messages = new TenantScopedRepository(messages);
    this.listQuery = listMessagesQuerySchemaFor([...new Set(channels.ids().flatMap((id) => channels.get(id).messageTypes ?? ['text']))] as [string, ...string[]]);
  }

  /** The body's delivery options (ours) and the channel's message, each parsed by its own schema. */
  parseRequest(body: unknown): SendRequest {
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const delivery = parseInput(deliveryOptionsSchema, Object.fromEntries(Object.entries(fields).filter(([key]) => DELIVERY_OPTION_KEYS.includes(key))));
    const message = Object.fromEntries(Object.entries(fields).filter(([key]) => !DELIVERY_OPTION_KEYS.includes(key)));
    const channel = delivery.channel ?? DEFAULT_CHANNEL;
    return { channel, message: parseInput(this.pluginOf(channel).messageSchema, message) as SendRequest['message'], delivery };
  }

  async accept({ channel, message: input, delivery }: SendRequest, rawBody: unknown, idempotencyKey: string | undefined): Promise<AcceptedMessage> {
    const principal = RequestContext.principal();
    const scope: ChannelScope = { tenantId: principal.tenantId, environment: principal.environment };
    const requestHash = idempotencyKey === undefined ? null : stableHash(rawBody);
    if (idempotencyKey !== undefined && requestHash !== null) {
      const replay = await this.replay(idempotencyKey, requestHash);
      if (replay) return replay;
    }

    const plugin = this.pluginOf(channel);
    const host = this.hosts.get(channel);
    const sender = await host.resolveSender(scope, input.from);
    if (!sender) {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: input.from === undefined ? `No ${channel} sender in this environment` : 'from is not a sender of this environment',
        details: [{ path: 'from', issue: input.from === undefined ? `connect a ${channel} account to this environment first` : `no sender ${input.from.slice(0, 32)} in this tenant environment` }],
      });
    }
    const recipient = this.normaliseRecipient(plugin, input.to, delivery.country, sender.displayNumber);
    const refusal = await this.recipients.refusal(scope, channel, sender, recipient, sender.address);
    if (refusal) throw refusal;

    const issues = await plugin.validate(input, { ...scope, now: () => new Date() });
    if (issues.length > 0) throw channelRefusal(issues);
    const prepared = await host.prepare(scope, sender, recipient, input, { recheck: false });
    const payload = { ...(plugin.toPayload(prepared.message) as Record<string, unknown>) };
    const route = await this.routes.resolve(scope, channel, recipient, delivery.fallback);
    const createdAt = new Date();
    const message = await this.store({
      id: newMessageId(),
      tenantId: scope.tenantId,
      environment: scope.environment,
      channel,
      sender: sender.address,
      accountId: sender.accountId,
      to: recipient,
      type: input.type ?? 'text',
      payload,
      metadata: input.metadata ?? {},
      status: 'queued',
      attempts: 0,
      providerMessageId: null,
      error: null,
      template: prepared.template,
      attemptStartedAt: null,
      sendTraceparent: null,
      scheduledAt: delivery.scheduledAt ? new Date(delivery.scheduledAt) : null,
      retries: 0,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
      routeStep: 0,
      route: route.steps.length > 0 ? route.steps : null,
      fallbackDueAt: route.dueAt(delivery.scheduledAt ? new Date(delivery.scheduledAt) : createdAt),
    }, createdAt);
    if (!message) {
      // Lost a race with a concurrent request of the same key: answer as that one.
      const replay = idempotencyKey !== undefined && requestHash !== null ? await this.replay(idempotencyKey, requestHash) : null;
      if (replay) return replay;
      throw new SwitchboardError({ code: 'idempotency_conflict', message: 'A request with this Idempotency-Key is in progress' });
    }
    trace.getActiveSpan()?.setAttributes({
      'switchboard.tenant_id': message.tenantId,
      'switchboard.environment': message.environment,
      'switchboard.message_id': message.id,
      'switchboard.message_type': message.type,
      'switchboard.channel': message.channel,
    });
    // Before the job: a `sent` the worker publishes then cannot overtake this `queued`.
    await this.feed.publish([queuedChange(message, message.createdAt)]);
    await this.jobs.enqueueCommitted(message);
    if (message.fallbackDueAt) await this.routes.scheduleDeadline(message);
    return acceptedView(message);
  }

  /**
   * Channels address people by phone number: the shared rules first (refused regions, national
   * numbers read in the sender's country), then the channel's own check of the E.164 number.
   */
  private normaliseRecipient(plugin: ChannelPlugin, to: string, country: string | undefined, senderNumber: string): string {
    const phone = normaliseRecipient(to, this.settings.refusedRegions, 'to', { country, sender: senderNumber }).waId;
    return plugin.normaliseRecipient ? plugin.normaliseRecipient(`+${phone}`) : phone;
  }

  private pluginOf(channel: string): ChannelPlugin {
    if (!this.channels.has(channel)) {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: 'The request is not valid',
        details: [{ path: 'channel', issue: `one of ${this.channels.ids().join(', ')}` }],
      });
    }
    return this.channels.get(channel);
  }

  /**
   * The row and its timeline are two reads: a change committed between them (the row and its event
   * are written together) would show a timeline ahead of the status (`sending` beside a `sent`
   * event). The row is read again after the timeline; when it moved, both are read again.
   */
  async get(id: string): Promise<MessageView> {
    let message = await this.messages.findOne({ id });
    for (let read = 1; ; read += 1) {
      if (!message) throw new SwitchboardError({ code: 'not_found', message: `No message ${id.slice(0, 40)}` });
      const [events = []] = await this.timelines.of([id]);
      const again = await this.messages.findOne({ id });
      const moved = again && (again.status !== message.status || again.attempts !== message.attempts || again.updatedAt.getTime() !== message.updatedAt.getTime());
      if (!moved || read === READS_FOR_A_STILL_VIEW) return { ...messageSummary(message), events: timelineView(message, events) };
      message = again;
    }
  }

  async list(filter: MessageListFilter): Promise<{ data: Omit<MessageView, 'events'>[]; nextCursor: string | null }> {
    const where: FindOptionsWhere<MessageEntity> = {};
    if (filter.status) where.status = filter.status;
    if (filter.channel) where.channel = filter.channel;
    if (filter.to) where.to = normaliseRecipient(filter.to, [], 'to').waId;
    if (filter.from) where.sender = filter.from;
    if (filter.type) where.type = filter.type;
    if (filter.errorCode) {
      const code = filter.errorCode;
      where.error = Raw((column) => `(${column} ->> 'code' = :code OR ${column} -> 'meta' ->> 'code' = :code OR ${column} -> 'provider' ->> 'code' = :code)`, { code });
    }
    if (filter.createdAfter && filter.createdBefore) where.createdAt = Between(new Date(filter.createdAfter), new Date(filter.createdBefore));
    else if (filter.createdAfter) where.createdAt = MoreThanOrEqual(new Date(filter.createdAfter));
    else if (filter.createdBefore) where.createdAt = LessThanOrEqual(new Date(filter.createdBefore));
    if (filter.cursor) where.id = LessThan(filter.cursor);
    // Ids are ULIDs: newest first by id, and the last id of a page is the cursor.
    const rows = await this.messages.find(where, { order: { id: 'DESC' }, take: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    return { data: page.map(messageSummary), nextCursor: rows.length > filter.limit ? (page[page.length - 1]?.id ?? null) : null };
  }

  /** The first answer for this key within the TTL; 409 for another body under the same key. */
  private async replay(idempotencyKey: string, requestHash: string): Promise<AcceptedMessage | null> {
    const first = await this.messages.findOne({ idempotencyKey });
    if (!first || first.createdAt.getTime() < Date.now() - this.settings.idempotencyTtlMs) return null;
    if (first.requestHash !== requestHash) {
      throw new SwitchboardError({
        code: 'idempotency_conflict',
        message: 'This Idempotency-Key was used with another request body',
        details: [{ path: 'Idempotency-Key', issue: `first used for message ${first.id}` }],
      });
    }
    return acceptedView(first);
  }

  /**
   * Row and `queued` event in one statement (atomic, one commit), shared with concurrent accepts
   * when there is no idempotency key; null when the idempotency key was taken meanwhile.
   */
  private async store(fields: Omit<MessageEntity, 'createdAt' | 'updatedAt'>, now: Date): Promise<MessageEntity | null> {
    // Times in milliseconds, set here rather than by now(): what the API shows is exactly what range filters compare.
    const row: MessageEntity = { ...fields, createdAt: now, updatedAt: now };
    if (row.idempotencyKey === null) {
      await this.inserts.insert(row);
      return row;
    }
    const [insertMessage, parameters] = this.dataSource
      .createQueryBuilder()
      .insert()
      .into(MessageEntity)
      // jsonb columns are typed as records, which TypeORM's deep-partial type does not accept.
      .values(row as unknown as QueryDeepPartialEntity<MessageEntity>)
      .returning('"id", "tenant_id", "environment", "created_at", "channel"')
      .getQueryAndParameters();
    const storeBoth = `WITH message AS (${insertMessage})
      INSERT INTO message_events (message_id, tenant_id, environment, status, at, channel, route_step)
      SELECT id, tenant_id, environment, 'queued', created_at, channel, 0 FROM message`;
    try {
      return await this.dataSource.transaction(async (manager) => {
        // A key past its TTL may be used again: release it from the old message.
        await manager.update(
          MessageEntity,
          { tenantId: row.tenantId, environment: row.environment, idempotencyKey: row.idempotencyKey, createdAt: LessThan(new Date(Date.now() - this.settings.idempotencyTtlMs)) },
          { idempotencyKey: null, requestHash: null },
        );
        await manager.query(storeBoth, parameters);
        return row;
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string; constraint?: string } }).driverError?.constraint === 'messages_idempotency_key') return null;
      if ((error as { code?: string }).code === UNIQUE_VIOLATION && String((error as Error).message).includes('messages_idempotency_key')) return null;
      throw error;
    }
  }
}
