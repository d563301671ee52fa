import { countSegments } from '../api/segments';
import { TwilioError, deliveryError, isDeliveryCode } from '../api/twilio-error';
import type { FormParams } from '../callbacks/twilio-signature';
import type { Fault } from '../control/fault.injector';
import { E164 } from '../seed/sms-seed.schema';
import type { SmsContext } from '../sms-context';
import { playOut, plannedSteps, type CallbackBehaviour, type Outcome } from './lifecycle';
import type { SmsMessageRecord } from './message.record';
import { messageSid } from './sid';

const MAX_BODY = 1600;
const MAX_VALIDITY_S = 36_000;

function single(params: FormParams, name: string): string | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function list(params: FormParams, name: string): string[] {
  const value = params[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * `POST /Accounts/{sid}/Messages.json` after authentication: Twilio's checks
 * in order (first failure answers), then the message is stored and its
 * statuses are played out. `fault` is the armed fault this call took, if any
 * (only delivery-code errors and callback faults reach here).
 */
export function createMessage(ctx: SmsContext, accountSid: string, params: FormParams, fault?: Fault): SmsMessageRecord {
  const { state } = ctx;
  const settings = ctx.settings();
  const to = single(params, 'To');
  if (to === undefined) throw new TwilioError(21604);
  if (!E164.test(to)) throw new TwilioError(21211, to);

  const serviceSid = single(params, 'MessagingServiceSid');
  const from = single(params, 'From');
  const service = serviceSid === undefined ? undefined : state.services.get(serviceSid);
  if (serviceSid !== undefined && (!service || service.accountSid !== accountSid)) throw new TwilioError(21705, serviceSid);
  if (from === undefined && service === undefined) throw new TwilioError(21603);
  if (from !== undefined) {
    if (!E164.test(from)) throw new TwilioError(21212, from);
    if (state.numberOwners.get(from) !== accountSid) throw new TwilioError(21606, from);
  }
  const sender = from ?? service?.numbers[0] ?? '';

  const body = single(params, 'Body') ?? '';
  const mediaUrls = list(params, 'MediaUrl');
  if (body === '' && mediaUrls.length === 0) throw new TwilioError(21602);
  if (body.length > MAX_BODY) throw new TwilioError(21617);
  if (mediaUrls.some((url) => !isHttpUrl(url))) throw new TwilioError(21620);
  const statusCallback = single(params, 'StatusCallback') ?? null;
  if (statusCallback !== null && !isHttpUrl(statusCallback)) throw new TwilioError(21609);
  const validity = single(params, 'ValidityPeriod');
  const validityS = validity === undefined ? MAX_VALIDITY_S : Number(validity);
  if (!Number.isInteger(validityS) || validityS < 1 || validityS > MAX_VALIDITY_S) throw new TwilioError(21624);

  const scripted = state.recipients.get(to);
  if (scripted?.outcome === 'rejected') throw new TwilioError(scripted.errorCode, to);
  const pool = service?.numbers ?? [sender];
  if (pool.some((number) => state.isOptedOut(number, to))) throw new TwilioError(21610);

  const now = ctx.now();
  let queueWaitMs = 0;
  let outcome: Outcome = scripted ?? { outcome: 'delivered' };
  const rate = settings.senderRate;
  if (rate?.mode === 'reject' && !ctx.senderRate.admit(sender, rate.mps, now)) throw new TwilioError(20429);
  if (rate?.mode === 'queue') {
    const wait = ctx.senderRate.reserve(sender, rate.mps, now, false);
    if (wait > rate.queueLimitMs) outcome = { outcome: 'failed', errorCode: 30001 };
    else if (wait > validityS * 1000) outcome = { outcome: 'failed', errorCode: 30036 };
    else queueWaitMs = ctx.senderRate.reserve(sender, rate.mps, now, true);
  }
  if (fault?.kind === 'error' && fault.code !== undefined && isDeliveryCode(fault.code)) {
    outcome = { outcome: deliveryError(fault.code).status, errorCode: fault.code };
  }

  const { encoding, segments } = countSegments(body);
  const record: SmsMessageRecord = {
    sid: messageSid(settings.randomSeed, state.nextCounter(), mediaUrls.length > 0),
    accountSid,
    direction: 'outbound-api',
    from: from ?? null,
    sender,
    to,
    body,
    encoding,
    numSegments: segments,
    mediaUrls,
    messagingServiceSid: service ? (serviceSid ?? null) : null,
    statusCallback,
    status: service ? 'accepted' : 'queued',
    errorCode: null,
    errorMessage: null,
    dateCreated: now,
    dateUpdated: now,
    dateSent: null,
    history: [{ status: service ? 'accepted' : 'queued', at: now }],
  };
  state.messages.set(record.sid, record);
  const behaviour: CallbackBehaviour = {
    duplicateCallbacks: fault?.duplicateCallbacks ?? settings.duplicateCallbacks,
    dropCallbacks: fault?.dropCallbacks ?? settings.dropCallbacks,
    callbackLagMs: { ...settings.callbackLagMs, ...fault?.callbackLagMs },
  };
  playOut(ctx, record, plannedSteps(ctx, record, outcome, queueWaitMs), behaviour);
  return record;
}
