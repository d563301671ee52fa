import { randomBytes } from 'node:crypto';
import { newWamid } from '../messages/send-message.service';
import {
  simulationSettingsSchema,
  type MessagingLimitTier,
  type SimulationSettings,
  type SimulationSettingsInput,
} from '../seed/simulator-seed.schema';
import type { SimulatorContext } from '../simulator-context';
import type { OutboundMessageRecord, PhoneNumberRecord, TemplateRecord, TokenRecord } from '../state/simulator-state';
import type { WebhookDelivery } from '../webhooks/webhook.dispatcher';
import { inboundEnvelope, phoneQualityEnvelope, templateStatusEnvelope } from '../webhooks/webhook-payload.builders';
import {
  addTokenSchema,
  inboundMessageSchema,
  phoneNumberPatchSchema,
  templateStatusChangeSchema,
  type AddTokenInput,
  type InboundMessageInput,
  type PhoneNumberPatch,
  type TemplateStatusChange,
} from './control.schemas';
import type { Fault, FaultSpec } from './fault.injector';
import type { RecordedRequest } from './request.recorder';

/** A control call that names something the simulator does not have. */
export class SimulatorControlError extends Error {
  constructor(
    message: string,
    readonly statusCode: 400 | 404 = 404,
  ) {
    super(message);
    this.name = 'SimulatorControlError';
  }
}

export interface InboundResult {
  id: string;
  webhooks: WebhookDelivery[];
}

export interface RequestFilter {
  method?: string;
  /** Substring of the path. */
  path?: string;
  route?: string;
}

const LIMIT_ORDER: MessagingLimitTier[] = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'];

/**
 * The operations behind `/_sim/*`, callable in-process too. Tests inside the
 * monorepo call these directly; anything outside (the sandbox, e2e, k6) uses
 * the same operations over HTTP.
 */
export class SimulatorControl {
  constructor(
    private readonly ctx: SimulatorContext,
    private readonly lifecycle: { applySettings: (settings: SimulationSettings) => void; reset: () => void },
  ) {}

  /** Back to the seed: data, settings, windows, limiter buckets, faults, logs and pending statuses. */
  reset(): void {
    this.lifecycle.reset();
  }

  injectFault(spec: FaultSpec): Fault {
    return this.ctx.faults.add(spec);
  }

  faults(): Fault[] {
    return this.ctx.faults.list();
  }

  removeFault(id: string): void {
    if (!this.ctx.faults.remove(id)) throw new SimulatorControlError(`no fault ${id}`);
  }

  clearFaults(): void {
    this.ctx.faults.clear();
  }

  /**
   * A user writes to a business number: the message is stored (opening the
   * customer service window from its timestamp) and the signed `messages`
   * webhook is posted. Resolves after the first delivery attempt.
   */
  async simulateInbound(input: InboundMessageInput): Promise<InboundResult> {
    const parsed = inboundMessageSchema.parse(input);
    const phone = this.phone(parsed.phoneNumberId);
    if (parsed.from.length < 7 || parsed.from.length > 15) throw new SimulatorControlError('from must be a phone number (7-15 digits)', 400);
    const timestamp = parsed.timestamp ?? Math.floor(this.ctx.now() / 1000);
    const id = parsed.id ?? newWamid();
    const type = typeof parsed.message?.['type'] === 'string' ? parsed.message['type'] : 'text';
    const message: Record<string, unknown> = {
      from: parsed.from,
      id,
      timestamp: String(timestamp),
      type,
      ...(type === 'text' && { text: { body: parsed.text ?? 'Hello' } }),
      ...parsed.message,
    };
    this.ctx.state.rememberInbound({ id, phoneNumberId: phone.id, from: parsed.from, at: timestamp * 1000, type }, this.ctx.settings().recordLimit);
    this.ctx.windows.recordInbound(phone.id, parsed.from, timestamp * 1000);
    const webhooks = await this.ctx.dispatcher.deliver(phone.wabaId, inboundEnvelope(phone, { name: parsed.name, waId: parsed.from }, message));
    return { id, webhooks };
  }

  /** Changes a template's status and posts `message_template_status_update`. */
  async setTemplateStatus(templateId: string, change: TemplateStatusChange): Promise<{ template: TemplateRecord; webhooks: WebhookDelivery[] }> {
    const parsed = templateStatusChangeSchema.parse(change);
    const template = this.ctx.state.templates.get(templateId);
    if (!template) throw new SimulatorControlError(`no template ${templateId}`);
    return { template, webhooks: await this.changeTemplateStatus(template, parsed.status, parsed.event, parsed.reason) };
  }

  async changeTemplateStatus(
    template: TemplateRecord,
    status: TemplateRecord['status'],
    event?: string,
    reason?: string | null,
  ): Promise<WebhookDelivery[]> {
    template.status = status;
    const webhookReason = reason === undefined ? (status === 'PENDING_DELETION' ? null : 'NONE') : reason;
    if (status === 'REJECTED') template.rejectedReason = webhookReason ?? 'NONE';
    const extra: Record<string, unknown> =
      status === 'PAUSED'
        ? { other_info: { title: 'FIRST_PAUSE', description: 'Your message template has been paused because of low quality.' } }
        : status === 'DISABLED'
          ? { disable_info: { disable_date: Math.floor(this.ctx.now() / 1000) } }
          : {};
    return this.ctx.dispatcher.deliver(
      template.wabaId,
      templateStatusEnvelope(template, event ?? status, webhookReason, Math.floor(this.ctx.now() / 1000), extra),
    );
  }

  /**
   * Changes a number's quality, tier or throughput; a change Meta would
   * announce posts `phone_number_quality_update` (FLAGGED/UNFLAGGED on quality,
   * UPGRADE/DOWNGRADE on the messaging limit, THROUGHPUT_UPGRADE on HIGH).
   */
  async updatePhoneNumber(phoneNumberId: string, patch: PhoneNumberPatch): Promise<{ phoneNumber: PhoneNumberRecord; webhooks: WebhookDelivery[] }> {
    const parsed = phoneNumberPatchSchema.parse(patch);
    const phone = this.phone(phoneNumberId);
    const before = { ...phone };
    if (parsed.qualityRating !== undefined) phone.qualityRating = parsed.qualityRating;
    if (parsed.messagingLimit !== undefined) phone.messagingLimit = parsed.messagingLimit;
    if (parsed.status !== undefined) phone.status = parsed.status;
    if (parsed.registered !== undefined) phone.registered = parsed.registered;
    if (parsed.throughputLevel !== undefined) {
      phone.throughputLevel = parsed.throughputLevel;
      // Meta's automatic upgrade takes a number from 80 to 1,000 mps.
      if (parsed.mps === undefined) phone.mps = parsed.throughputLevel === 'HIGH' ? 1000 : this.ctx.settings().defaultMps;
    }
    if (parsed.mps !== undefined) phone.mps = parsed.mps;

    let event = parsed.event;
    if (event === undefined) {
      if (phone.throughputLevel === 'HIGH' && before.throughputLevel !== 'HIGH') event = 'THROUGHPUT_UPGRADE';
      else if (phone.messagingLimit !== before.messagingLimit) {
        event = LIMIT_ORDER.indexOf(phone.messagingLimit) > LIMIT_ORDER.indexOf(before.messagingLimit) ? 'UPGRADE' : 'DOWNGRADE';
      } else if (phone.qualityRating !== before.qualityRating) {
        event = phone.qualityRating === 'RED' ? 'FLAGGED' : before.qualityRating === 'RED' ? 'UNFLAGGED' : 'QUALITY_UPDATE';
      }
    }
    const webhooks =
      event === undefined
        ? []
        : await this.ctx.dispatcher.deliver(
            phone.wabaId,
            phoneQualityEnvelope(phone, event, before.messagingLimit, Math.floor(this.ctx.now() / 1000)),
          );
    return { phoneNumber: { ...phone }, webhooks };
  }

  /** Registers another token, e.g. one without a scope or already expired. */
  addToken(input: AddTokenInput): TokenRecord {
    const parsed = addTokenSchema.parse(input);
    if (!this.ctx.state.apps.has(parsed.appId)) throw new SimulatorControlError(`no app ${parsed.appId}`, 400);
    const unknownWaba = parsed.wabaIds.find((wabaId) => !this.ctx.state.wabas.has(wabaId));
    if (unknownWaba) throw new SimulatorControlError(`no WABA ${unknownWaba}`, 400);
    const record: TokenRecord = {
      token: parsed.token ?? `sim-token-${randomBytes(16).toString('hex')}`,
      appId: parsed.appId,
      type: parsed.type,
      userId: parsed.userId,
      scopes: parsed.scopes,
      wabaIds: parsed.wabaIds,
      issuedAt: parsed.issuedAt ?? Math.floor(this.ctx.now() / 1000),
      expiresAt: parsed.expiresAt,
      dataAccessExpiresAt: parsed.dataAccessExpiresAt,
    };
    this.ctx.state.tokens.set(record.token, record);
    return record;
  }

  settings(): SimulationSettings {
    return structuredClone(this.ctx.settings());
  }

  /**
   * Merges a partial change into the simulation settings. Nested objects
   * (delays, pair rate, retries) merge key by key; `failureRates` and
   * `failRecipients` are replaced whole so they can be cleared with `{}`.
   */
  configure(patch: SimulationSettingsInput): SimulationSettings {
    const unknown = Object.keys(patch).filter((key) => !(key in simulationSettingsSchema.shape));
    if (unknown.length > 0) throw new SimulatorControlError(`unknown settings: ${unknown.join(', ')}`, 400);
    const current = this.ctx.settings();
    const merged = simulationSettingsSchema.parse({
      ...current,
      ...patch,
      statusDelaysMs: { ...current.statusDelaysMs, ...patch.statusDelaysMs },
      pairRate: { ...current.pairRate, ...patch.pairRate },
      webhookRetry: { ...current.webhookRetry, ...patch.webhookRetry },
    });
    this.lifecycle.applySettings(merged);
    return this.settings();
  }

  requests(filter: RequestFilter = {}): RecordedRequest[] {
    const method = filter.method?.toUpperCase();
    return this.ctx.recorder.log
      .list()
      .filter(
        (entry) =>
          (method === undefined || entry.method === method) &&
          (filter.path === undefined || entry.path.includes(filter.path)) &&
          (filter.route === undefined || entry.route === filter.route),
      );
  }

  clearRequests(): void {
    this.ctx.recorder.log.clear();
  }

  webhooks(): WebhookDelivery[] {
    return this.ctx.dispatcher.log.list();
  }

  clearWebhooks(): void {
    this.ctx.dispatcher.log.clear();
  }

  /** Accepted outbound messages with the statuses played out so far, oldest first. */
  messages(): OutboundMessageRecord[] {
    return [...this.ctx.state.outbound.values()];
  }

  message(id: string): OutboundMessageRecord | undefined {
    return this.ctx.state.outbound.get(id);
  }

  /** Resolves once every scheduled status has been posted and no delivery or retry is pending. */
  async settle(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.ctx.scheduler.busy || this.ctx.dispatcher.busy) {
      if (Date.now() > deadline) throw new SimulatorControlError(`still busy after ${timeoutMs} ms`, 400);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private phone(phoneNumberId: string): PhoneNumberRecord {
    const phone = this.ctx.state.phoneNumbers.get(phoneNumberId);
    if (!phone) throw new SimulatorControlError(`no phone number ${phoneNumberId}`);
    return phone;
  }
}
