import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { ChannelRegistry } from '@switchboard/channel-contract';
import { WHATSAPP_CHANNEL_ID, type WhatsAppChannelPlugin, type WhatsAppMessage } from '@switchboard/channel-whatsapp';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { parseInput } from '@switchboard/platform';
import { TEMPLATE_LOOKUP_TTL_MS, TemplatePreSendService } from '@switchboard/template-registry';
import { RequestContext, TenantScopedRepository } from '@switchboard/tenancy';
import { Between, DataSource, LessThan, LessThanOrEqual, MoreThanOrEqual, Raw, type FindOptionsWhere, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { recipientSuppressed, testRecipientRefusal, windowClosed } from './checks/pre-send-refusals';
import { stableHash } from './checks/stable-hash';
import { channelRefusal } from './checks/channel-refusal';
import { DELIVERY_OPTION_KEYS, deliveryOptionsSchema, type AcceptedMessage, type MessageView, type SendRequest } from './http/messages.schemas';
import { acceptedView, messageSummary } from './http/message-views';
import { CHANNEL_REGISTRY, MESSAGING_SETTINGS, type MessagingSettings } from './messaging.constants';
import { ConversationWindowsService } from './conversation-windows.service';
import { MessageJobs } from './message-jobs.service';
import { MessageTimelines } from './message-timelines.service';
import { newMessageId } from './persistence/message-id';
import type { MessageStatus } from './persistence/message-status';
import { MessageEntity, type MessageTemplateRef } from './persistence/message.entity';
import { SuppressionEntity } from './persistence/suppression.entity';
import { normaliseRecipient } from './recipients/recipient.normaliser';
import { SenderDirectory } from './sender-directory.service';
import { queuedChange } from './status-feed/message-status-change';
import { MessageStatusFeed } from './status-feed/message-status-feed';

const UNIQUE_VIOLATION = '23505';

export interface MessageListFilter {
  status?: MessageStatus | undefined;
  to?: string | undefined;
  from?: string | undefined;
  type?: string | undefined;
  /** Taxonomy code (`window_closed`) or Meta's error number (`131047`). */
  errorCode?: string | undefined;
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Accepts outbound messages: every check that can be made before Meta sees the
 * message runs here, and only then is the message stored (row + `queued` event in
 * one transaction) and its `messages.send` job enqueued. A refused request stores nothing.
 */
@Injectable()
export class MessagesService implements OnModuleInit {
  private readonly logger = new Logger(MessagesService.name);
  private readonly messages: TenantScopedRepository<MessageEntity>;
  private readonly suppressions: TenantScopedRepository<SuppressionEntity>;
  private templates!: TemplatePreSendService;
  private readonly channel: WhatsAppChannelPlugin;

  constructor(
    @InjectRepository(MessageEntity) messages: Repository<MessageEntity>,
    @InjectRepository(SuppressionEntity) suppressions: Repository<SuppressionEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: MessageJobs,
    private readonly timelines: MessageTimelines,
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    private readonly senders: SenderDirectory,
    private readonly windows: ConversationWindowsService,
    private readonly moduleRef: ModuleRef,
    @Inject(CHANNEL_REGISTRY) channels: ChannelRegistry,
    private readonly feed: MessageStatusFeed,
  ) {
    // POST /v1/messages takes Meta's message object, so its channel is WhatsApp; the registry erases plugin types.
    this.channel = channels.get(WHATSAPP_CHANNEL_ID) as WhatsAppChannelPlugin;
    this.messages = new TenantScopedRepository(messages);
    this.suppressions = new TenantScopedRepository(suppressions);
  }

  onModuleInit(): void {
    // The registry is a sibling module of the host; resolve its pre-send check app-wide.
    this.templates = this.moduleRef.get(TemplatePreSendService, { strict: false });
  }

  /** The body's delivery options (ours) and the channel's message, each parsed by its own schema. */
  parseRequest(body: unknown): SendRequest {
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const delivery = Object.fromEntries(Object.entries(fields).filter(([key]) => DELIVERY_OPTION_KEYS.includes(key)));
    const message = Object.fromEntries(Object.entries(fields).filter(([key]) => !DELIVERY_OPTION_KEYS.includes(key)));
    return { message: parseInput(this.channel.messageSchema, message), delivery: parseInput(deliveryOptionsSchema, delivery) };
  }

  async accept({ message: input, delivery }: SendRequest, rawBody: unknown, idempotencyKey: string | undefined): Promise<AcceptedMessage> {
    const principal = RequestContext.principal();
    const scope = { tenantId: principal.tenantId, environment: principal.environment };
    const requestHash = idempotencyKey === undefined ? null : stableHash(rawBody);
    if (idempotencyKey !== undefined && requestHash !== null) {
      const replay = await this.replay(idempotencyKey, requestHash);
      if (replay) return replay;
    }

    const sender = await this.senders.resolve(scope, input.from);
    if (!sender) {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: 'from is not a phone number of this environment',
        details: [{ path: 'from', issue: `no number ${input.from.slice(0, 32)} in this tenant environment` }],
      });
    }
    const recipient = normaliseRecipient(input.to, this.settings.refusedRegions, 'to', { country: delivery.country, sender: sender.displayPhoneNumber });
    const notAllowed = testRecipientRefusal(sender.testRecipients, recipient.waId);
    if (notAllowed) throw notAllowed;
    if (await this.suppressions.findOne({ waId: recipient.waId })) throw recipientSuppressed(recipient.waId);

    const issues = await this.channel.validate(input, { ...scope, now: () => new Date() });
    if (issues.length > 0) throw channelRefusal(issues);
    let template: MessageTemplateRef | null = null;
    let sendable: WhatsAppMessage = input;
    if (input.type === 'template') {
      // A template read within the last second is good enough here: the send worker checks it again.
      const checked = await this.templates.check(
        scope,
        { wabaId: sender.wabaId, name: input.template.name, language: input.template.language.code, components: input.template.components },
        { maxAgeMs: TEMPLATE_LOOKUP_TTL_MS },
      );
      template = {
        id: checked.template.id,
        name: checked.template.name,
        language: checked.template.language,
        category: checked.template.category,
        requested: checked.requested,
        fallbackReason: checked.fallback?.reason ?? null,
      };
      // A paused template is sent as its backup: the backup's name and language go out.
      sendable = { ...input, template: { ...input.template, name: checked.send.name, language: { ...input.template.language, code: checked.send.language.code } } };
    } else {
      // Everything but a template needs the contact's open 24 h window (first contact is always a template).
      const window = await this.windows.state(sender.phoneNumberId, recipient.waId);
      if (!window.open) throw windowClosed(window.lastInboundAt);
    }
    const payload = { ...this.channel.toPayload(sendable) };

    const message = await this.store({
      id: newMessageId(),
      tenantId: scope.tenantId,
      environment: scope.environment,
      phoneNumberId: sender.phoneNumberId,
      wabaId: sender.wabaId,
      to: recipient.waId,
      type: input.type,
      payload,
      metadata: input.metadata ?? {},
      status: 'queued',
      attempts: 0,
      wamid: null,
      error: null,
      template,
      attemptStartedAt: null,
      sendTraceparent: null,
      scheduledAt: delivery.scheduledAt ? new Date(delivery.scheduledAt) : null,
      retries: 0,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
    });
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
    });
    // Before the job: a `sent` the worker publishes then cannot overtake this `queued`.
    await this.feed.publish([queuedChange(message, message.createdAt)]);
    await this.jobs.enqueueCommitted(message);
    return acceptedView(message);
  }

  async get(id: string): Promise<MessageView> {
    const message = await this.messages.findOne({ id });
    if (!message) throw new SwitchboardError({ code: 'not_found', message: `No message ${id.slice(0, 40)}` });
    const [events = []] = await this.timelines.of([id]);
    return { ...messageSummary(message), events };
  }

  async list(filter: MessageListFilter): Promise<{ data: Omit<MessageView, 'events'>[]; nextCursor: string | null }> {
    const where: FindOptionsWhere<MessageEntity> = {};
    if (filter.status) where.status = filter.status;
    if (filter.to) where.to = normaliseRecipient(filter.to, [], 'to').waId;
    if (filter.from) where.phoneNumberId = filter.from;
    if (filter.type) where.type = filter.type;
    if (filter.errorCode) {
      const code = filter.errorCode;
      where.error = Raw((column) => `(${column} ->> 'code' = :code OR ${column} -> 'meta' ->> 'code' = :code)`, { code });
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

  /** Row and `queued` event in one statement (atomic, one round trip and one commit); null when the idempotency key was taken meanwhile. */
  private async store(fields: Omit<MessageEntity, 'createdAt' | 'updatedAt'>): Promise<MessageEntity | null> {
    // Times in milliseconds, set here rather than by now(): what the API shows is exactly what range filters compare.
    const now = new Date();
    const row: MessageEntity = { ...fields, createdAt: now, updatedAt: now };
    const [insertMessage, parameters] = this.dataSource
      .createQueryBuilder()
      .insert()
      .into(MessageEntity)
      // jsonb columns are typed as records, which TypeORM's deep-partial type does not accept.
      .values(row as unknown as QueryDeepPartialEntity<MessageEntity>)
      .returning('"id", "tenant_id", "environment", "created_at"')
      .getQueryAndParameters();
    const storeBoth = `WITH message AS (${insertMessage})
      INSERT INTO message_events (message_id, tenant_id, environment, status, at) SELECT id, tenant_id, environment, 'queued', created_at FROM message`;
    try {
      if (row.idempotencyKey === null) {
        await this.dataSource.query(storeBoth, parameters);
        return row;
      }
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
