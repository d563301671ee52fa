import type { CallbackDelivery } from '../callbacks/callback.dispatcher';
import { receiveInbound, type InboundSmsInput, type InboundSmsResult } from '../messages/inbound.service';
import type { SmsMessageRecord } from '../messages/message.record';
import { smsSettingsSchema, type SmsSettings, type SmsSettingsInput } from '../seed/sms-seed.schema';
import type { SmsContext } from '../sms-context';
import type { Fault, FaultSpec } from './fault.injector';
import type { RecordedSmsRequest, SmsRequestFilter } from './request.recorder';

/** A control call that names something the simulator does not have, or asks for something invalid. */
export class SmsControlError extends Error {
  constructor(
    message: string,
    readonly statusCode: 400 | 404 = 404,
  ) {
    super(message);
    this.name = 'SmsControlError';
  }
}

/**
 * The operations behind `/_sim/sms/*`, callable in-process too, so the HTTP
 * and in-process surfaces cannot drift apart.
 */
export class SmsControl {
  constructor(
    protected readonly ctx: SmsContext,
    private readonly lifecycle: { applySettings: (settings: SmsSettings) => void; reset: () => void },
  ) {}

  /** Back to the seed: messages, opt-outs, settings, sender queues, faults, logs; pending callbacks are cancelled. */
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
    if (!this.ctx.faults.remove(id)) throw new SmsControlError(`no fault ${id}`);
  }

  clearFaults(): void {
    this.ctx.faults.clear();
  }

  /**
   * A user texts one of the seeded numbers: the message is stored, opt-out and
   * opt-in keywords take effect, and Twilio's signed inbound form is posted to
   * `inboundUrl`. Resolves after that attempt.
   */
  async simulateInbound(input: InboundSmsInput): Promise<InboundSmsResult> {
    const result = await receiveInbound(this.ctx, input);
    if (!result) throw new SmsControlError(`no account owns ${input.to}`);
    return result;
  }

  /** Numbers and the recipients who opted out of them. */
  optOuts(): { number: string; recipient: string }[] {
    return this.ctx.state.listOptOuts();
  }

  settings(): SmsSettings {
    return structuredClone(this.ctx.settings());
  }

  /** Merges a partial change; `statusDelaysMs` merges key by key, the rest is replaced. Unknown keys are refused. */
  configure(patch: SmsSettingsInput): SmsSettings {
    const unknown = Object.keys(patch).filter((key) => !(key in smsSettingsSchema.shape));
    if (unknown.length > 0) throw new SmsControlError(`unknown settings: ${unknown.join(', ')}`, 400);
    const current = this.ctx.settings();
    const merged = smsSettingsSchema.parse({ ...current, ...patch, statusDelaysMs: { ...current.statusDelaysMs, ...patch.statusDelaysMs } });
    this.lifecycle.applySettings(merged);
    return this.settings();
  }

  requests(filter: SmsRequestFilter = {}): RecordedSmsRequest[] {
    return this.ctx.recorder.list(filter);
  }

  clearRequests(): void {
    this.ctx.recorder.log.clear();
  }

  /** Every callback attempt (status and inbound), oldest first. */
  callbacks(): CallbackDelivery[] {
    return this.ctx.dispatcher.log.list();
  }

  clearCallbacks(): void {
    this.ctx.dispatcher.log.clear();
  }

  /** Outbound and inbound messages with their status history, oldest first. */
  messages(): SmsMessageRecord[] {
    return [...this.ctx.state.messages.values()].map((record) => structuredClone(record));
  }

  message(sid: string): SmsMessageRecord | undefined {
    const record = this.ctx.state.messages.get(sid);
    return record && structuredClone(record);
  }

  /** Resolves once every scheduled status has played out and no callback is in flight. */
  async settle(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.ctx.timers.size > 0 || this.ctx.dispatcher.busy) {
      if (Date.now() > deadline) throw new SmsControlError(`still busy after ${timeoutMs} ms`, 400);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
