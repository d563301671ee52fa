import type { ChannelEvent, ReceiptStatus, StatusReceipt } from '@switchboard/channel-contract';
import { classifyTwilio } from '@switchboard/error-taxonomy';
import type { FormFields } from './twilio-signature';

/** The query parameter of the status callback URL that carries the gateway's message id. */
export const STATUS_CALLBACK_MESSAGE_ID_PARAM = 'messageId';

// Twilio's default keywords on long codes, matched on the whole trimmed body, case-insensitive.
export const OPT_OUT_KEYWORDS: ReadonlySet<string> = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
export const OPT_IN_KEYWORDS: ReadonlySet<string> = new Set(['START', 'YES', 'UNSTOP']);

/**
 * Twilio's outbound statuses in the gateway's words. `canceled` is terminal and the gateway never
 * schedules through Twilio, so a cancel happened out of band: it fails the message (unknown code,
 * alerting). `queued`, `accepted`, `scheduled` and `sending` are steps before `sent` that send()
 * already reported, and `partially_delivered` is for group MMS: they are ignored.
 */
const RECEIPT_STATUS: ReadonlyMap<string, ReceiptStatus> = new Map([
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['read', 'read'],
  ['undelivered', 'failed'],
  ['failed', 'failed'],
  ['canceled', 'failed'],
]);

/**
 * One Twilio callback as the gateway's events: a status callback of an outbound message, or an
 * inbound SMS (with STOP/START as consent). Twilio's callbacks carry no timestamp, so
 * `occurredAt` is when the gateway received them. Anything else is no event; never throws.
 */
export function parseTwilioCallback(url: string, body: unknown, now: Date): ChannelEvent[] {
  const fields = formFieldsOf(body);
  if (!fields) return [];
  const field = (name: string): string | undefined => {
    const value = fields[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const sid = field('MessageSid') ?? field('SmsSid') ?? field('SmsMessageSid');
  if (!sid) return [];
  const status = field('MessageStatus') ?? field('SmsStatus');
  const payload: Record<string, unknown> = { ...fields };
  const text = fields['Body'];
  if (typeof text === 'string' && (status === undefined || status === 'received')) return inboundMessage(sid, text, field, now, payload);
  const receipt = status === undefined ? undefined : RECEIPT_STATUS.get(status);
  if (!receipt) return [];
  const messageId = messageIdOf(url);
  const event: StatusReceipt = {
    kind: 'status',
    dedupeKey: `${sid}:${status}`,
    occurredAt: now,
    providerMessageId: sid,
    ...(messageId ? { messageId } : {}),
    status: receipt,
    ...(receipt === 'failed' ? { error: classifyTwilio({ code: field('ErrorCode') }) } : {}),
    payload,
  };
  return [event];
}

function inboundMessage(sid: string, text: string, field: (name: string) => string | undefined, now: Date, payload: Record<string, unknown>): ChannelEvent[] {
  const from = digitsOf(field('From'));
  const to = digitsOf(field('To'));
  if (!from || !to) return [];
  const keyword = text.trim().toUpperCase();
  const consent = OPT_OUT_KEYWORDS.has(keyword) ? 'opt_out' : OPT_IN_KEYWORDS.has(keyword) ? 'opt_in' : undefined;
  return [{ kind: 'message', dedupeKey: `${sid}:received`, occurredAt: now, providerMessageId: sid, from, to, text, ...(consent ? { consent } : {}), payload }];
}

// Twilio sends E.164 with its +; the gateway's addresses are the digits.
function digitsOf(address: string | undefined): string | undefined {
  return address !== undefined && /^\+?[1-9]\d{1,14}$/.test(address) ? address.replace(/^\+/, '') : undefined;
}

function messageIdOf(url: string): string | undefined {
  try {
    const value = new URL(url).searchParams.get(STATUS_CALLBACK_MESSAGE_ID_PARAM);
    return value && value.length <= 64 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The parsed form body, or undefined when it is not one (a JSON body, a malformed request). */
export function formFieldsOf(body: unknown): FormFields | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const isField = (value: unknown) => typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
  return Object.entries(body).every(([, value]) => isField(value)) ? (body as FormFields) : undefined;
}
