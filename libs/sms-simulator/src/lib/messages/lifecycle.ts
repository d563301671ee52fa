import { deliveryError } from '../api/twilio-error';
import type { FormParams } from '../callbacks/twilio-signature';
import type { CallbackStatus, RecipientOutcome } from '../seed/sms-seed.schema';
import type { SmsContext } from '../sms-context';
import { API_VERSION, type SmsMessageRecord } from './message.record';

/** How one message's callbacks misbehave; per-send faults override the settings. */
export interface CallbackBehaviour {
  duplicateCallbacks: number;
  dropCallbacks: CallbackStatus[];
  callbackLagMs: Partial<Record<CallbackStatus, number>>;
}

export type Outcome = Exclude<RecipientOutcome, { outcome: 'rejected' }> | { outcome: 'delivered' };

interface Step {
  status: CallbackStatus;
  afterMs: number;
  errorCode?: number;
}

/**
 * The statuses a created message moves through, each after its delay from the
 * previous one. No callback for the initial status (Twilio sends none);
 * through a Messaging Service the message starts `accepted` and `queued` is
 * called back. `queueWaitMs` is the time spent waiting for the sender's slot.
 */
export function plannedSteps(ctx: SmsContext, record: SmsMessageRecord, outcome: Outcome, queueWaitMs: number): Step[] {
  const delays = ctx.settings().statusDelaysMs;
  const steps: Step[] = record.status === 'accepted' ? [{ status: 'queued', afterMs: delays.queued }] : [];
  const leave = delays.sent + queueWaitMs;
  switch (outcome.outcome) {
    case 'failed':
      steps.push({ status: 'failed', afterMs: leave, errorCode: outcome.errorCode });
      break;
    case 'undelivered':
      steps.push({ status: 'sent', afterMs: leave }, { status: 'undelivered', afterMs: delays.delivered, errorCode: outcome.errorCode });
      break;
    case 'sent':
      steps.push({ status: 'sent', afterMs: leave });
      break;
    case 'delivered':
      steps.push({ status: 'sent', afterMs: leave }, { status: 'delivered', afterMs: delays.delivered });
      break;
  }
  return steps;
}

/** Twilio's status callback form for the message as it is now. */
export function statusCallbackParams(record: SmsMessageRecord): FormParams {
  return {
    AccountSid: record.accountSid,
    ApiVersion: API_VERSION,
    From: record.from ?? '',
    MessageSid: record.sid,
    MessageStatus: record.status,
    SmsSid: record.sid,
    SmsStatus: record.status,
    To: record.to,
    ...(record.messagingServiceSid !== null && { MessagingServiceSid: record.messagingServiceSid }),
    ...(record.errorCode !== null && { ErrorCode: String(record.errorCode) }),
  };
}

/**
 * Plays the steps out on the simulator's timers: the record changes at each
 * step's time (so a GET reconciles correctly even when a callback is lost),
 * and the callback is posted after its lag, with its duplicates, unless dropped.
 */
export function playOut(ctx: SmsContext, record: SmsMessageRecord, steps: Step[], behaviour: CallbackBehaviour): void {
  let at = 0;
  for (const step of steps) {
    at += step.afterMs;
    ctx.timers.after(at, () => {
      const now = ctx.now();
      record.status = step.status;
      record.from = record.sender;
      record.dateUpdated = now;
      record.history.push({ status: step.status, at: now });
      if (step.status === 'sent') record.dateSent = now;
      if (step.errorCode !== undefined) {
        record.errorCode = step.errorCode;
        record.errorMessage = deliveryError(step.errorCode).message;
      }
      const url = record.statusCallback;
      if (url === null || behaviour.dropCallbacks.includes(step.status)) return;
      const params = statusCallbackParams(record);
      const authToken = ctx.state.accounts.get(record.accountSid)?.authToken;
      if (authToken === undefined) return;
      ctx.timers.after(behaviour.callbackLagMs[step.status] ?? 0, () => {
        void ctx.dispatcher.post('status', url, authToken, params, 1 + behaviour.duplicateCallbacks);
      });
    });
  }
}
