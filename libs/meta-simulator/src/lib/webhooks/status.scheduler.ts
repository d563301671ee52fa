import type { SimulationSettings } from '../seed/simulator-seed.schema';
import type { OutboundMessageRecord, SimulatorState } from '../state/simulator-state';
import { MinHeap } from '../util/min-heap';
import type { RandomSource } from '../util/seeded-random';
import { statusesEnvelope, webhookError, type StatusPayload } from './webhook-payload.builders';
import type { WebhookDispatcher } from './webhook.dispatcher';

type ScheduledStatus = 'sent' | 'delivered' | 'read' | 'failed';

interface PendingStatus {
  message: OutboundMessageRecord;
  status: ScheduledStatus;
  errorCode?: number;
}

/**
 * Plays out what happens to an accepted message: `sent`, `delivered`, `read`,
 * or a single `failed` with an asynchronous error code, each after its
 * configured delay. Due statuses wait in a buffer and are posted together at
 * every flush tick, one POST per phone number carrying up to
 * `maxStatusesPerWebhook` statuses, which is how Meta batches too.
 */
export class StatusScheduler {
  private readonly pending = new MinHeap<PendingStatus>();
  private timer: NodeJS.Timeout | undefined;
  private flushing = 0;

  constructor(
    private readonly state: SimulatorState,
    private readonly dispatcher: WebhookDispatcher,
    private readonly settings: () => SimulationSettings,
    private readonly random: RandomSource,
    private readonly nowMs: () => number,
  ) {}

  /** Plans the statuses of a newly accepted message; `failureCode` forces a `failed` status. */
  schedule(message: OutboundMessageRecord, failureCode = this.pickFailure(message.to)): void {
    const { statusDelaysMs, readRate } = this.settings();
    const start = Date.now();
    if (failureCode !== undefined) {
      this.pending.push(start + statusDelaysMs.sent, { message, status: 'failed', errorCode: failureCode });
    } else {
      this.pending.push(start + statusDelaysMs.sent, { message, status: 'sent' });
      // Meta only ever reports `sent` for reactions.
      if (message.type !== 'reaction') {
        this.pending.push(start + statusDelaysMs.delivered, { message, status: 'delivered' });
        if (this.random() < readRate) this.pending.push(start + statusDelaysMs.read, { message, status: 'read' });
      }
    }
    this.ensureTimer();
  }

  /** True while statuses wait to be posted or a flush is in progress. */
  get busy(): boolean {
    return this.pending.size > 0 || this.flushing > 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private pickFailure(recipient: string): number | undefined {
    const settings = this.settings();
    const forced = settings.failRecipients[recipient];
    if (forced !== undefined) return forced;
    const draw = this.random();
    let cumulative = 0;
    for (const [code, rate] of Object.entries(settings.failureRates)) {
      cumulative += rate;
      if (draw < cumulative) return Number(code);
    }
    return undefined;
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.settings().flushIntervalMs);
  }

  private tick(): void {
    const now = Date.now();
    const due: PendingStatus[] = [];
    while ((this.pending.peekKey() ?? Number.POSITIVE_INFINITY) <= now) {
      const next = this.pending.pop();
      if (next) due.push(next);
    }
    if (this.pending.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (due.length === 0) return;
    const byPhone = new Map<string, StatusPayload[]>();
    for (const item of due) {
      const list = byPhone.get(item.message.phoneNumberId) ?? [];
      list.push(this.toPayload(item));
      byPhone.set(item.message.phoneNumberId, list);
    }
    const max = this.settings().maxStatusesPerWebhook;
    for (const [phoneNumberId, statuses] of byPhone) {
      const phone = this.state.phoneNumbers.get(phoneNumberId);
      if (!phone) continue;
      for (let index = 0; index < statuses.length; index += max) {
        this.flushing += 1;
        void this.dispatcher
          .deliver(phone.wabaId, statusesEnvelope(phone, statuses.slice(index, index + max)))
          .finally(() => {
            this.flushing -= 1;
          });
      }
    }
  }

  private toPayload(item: PendingStatus): StatusPayload {
    const { message, status } = item;
    const nowMs = this.nowMs();
    message.statuses.push({ status, at: nowMs, ...(item.errorCode !== undefined && { errorCode: item.errorCode }) });
    const payload: StatusPayload = {
      id: message.id,
      status,
      timestamp: String(Math.floor(nowMs / 1000)),
      recipient_id: message.to,
    };
    if (message.bizOpaqueCallbackData !== undefined) payload.biz_opaque_callback_data = message.bizOpaqueCallbackData;
    if (status === 'failed') {
      payload.errors = [webhookError(item.errorCode ?? 131000)];
      return payload;
    }
    const free = message.insideWindow && (message.pricingCategory === 'service' || message.pricingCategory === 'utility');
    // Graph v24.0+ omits `conversation` outside free-entry-point windows; older versions send it on every status.
    if (message.legacyConversation && status !== 'read') {
      payload.conversation = {
        id: message.conversationId,
        ...(status === 'sent' && { expiration_timestamp: String(Math.floor(message.acceptedAt / 1000) + 24 * 3600) }),
        origin: { type: message.pricingCategory },
      };
    }
    if (status === 'sent' || status === 'delivered') {
      payload.pricing = {
        billable: !free,
        pricing_model: 'PMP',
        type: free ? 'free_customer_service' : 'regular',
        category: message.pricingCategory,
      };
    }
    return payload;
  }
}
