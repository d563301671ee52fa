import type { ChannelContext, ChannelEvent, ChannelPlugin, InboundRequest, Issue, PreparedMessage, SendResult } from '@switchboard/channel-contract';
import { classifyTwilio, httpStatusOf, SwitchboardError, type Classification } from '@switchboard/error-taxonomy';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Dispatcher } from 'undici';
import { countSegments, type SmsEncoding } from './segments';
import { smsConfigSchema, type SmsConfig } from './sms-config.schema';
import { formFieldsOf, parseTwilioCallback } from './sms-inbound';
import { SMS_LIMITS } from './sms-limits';
import { bodyOf, smsMessageSchema, type SmsMessage } from './sms-message.schema';
import { postTwilioMessage } from './twilio-send';
import { isValidTwilioSignature } from './twilio-signature';

export const SMS_CHANNEL_ID = 'sms';

/** What is stored at accept time and sent as stored. */
export interface SmsPayload {
  readonly type: 'text';
  readonly body: string;
  readonly encoding: SmsEncoding;
  readonly segments: number;
}

export interface SmsChannelOptions {
  /** Deadline of one send call (default 10 s). */
  readonly timeoutMs?: number;
  /** The connection pool to the provider; default: undici's global one. */
  readonly dispatcher?: Dispatcher;
  /** The clock of inbound events (Twilio's callbacks carry no time). */
  readonly now?: () => Date;
}

export type SmsChannelPlugin = ChannelPlugin<SmsConfig, SmsMessage, SmsPayload>;

const SIGNATURE_HEADER = 'x-twilio-signature';

/** SMS through Twilio's Programmable Messaging API or any provider that copies it. */
export class SmsChannel implements SmsChannelPlugin {
  readonly id = SMS_CHANNEL_ID;
  readonly configSchema = smsConfigSchema;
  readonly messageSchema = smsMessageSchema;
  readonly messageTypes = ['text'];

  constructor(private readonly options: SmsChannelOptions = {}) {}

  /**
   * Length and segments. Without the connection's config the limit here is Twilio's 10
   * segments; a connection's lower `maxSegments` is enforced by send() before the call.
   */
  async validate(message: SmsMessage): Promise<Issue[]> {
    const { body, encoding, segments } = this.toPayload(message);
    const characters = [...body].length;
    if (body.trim() === '') return [textIssue('The text is empty.')];
    if (characters > SMS_LIMITS.bodyCharacters) return [textIssue(`The text has ${characters} characters; SMS allows at most ${SMS_LIMITS.bodyCharacters}.`)];
    return segments > SMS_LIMITS.segments ? [segmentIssue(segments, encoding, SMS_LIMITS.segments)] : [];
  }

  toPayload(message: SmsMessage): SmsPayload {
    const body = bodyOf(message);
    const { encoding, segments } = countSegments(body);
    return { type: 'text', body, encoding, segments };
  }

  async send(message: PreparedMessage<SmsPayload>, ctx: ChannelContext<SmsConfig>): Promise<SendResult> {
    // The registry hands plugins untyped configs; a host bug must fail here, not as a call without credentials.
    const parsed = smsConfigSchema.safeParse(ctx.config);
    if (!parsed.success) {
      throw new SwitchboardError({ code: 'internal_error', message: 'The SMS channel was called without a valid config (accountSid, authToken, from)' });
    }
    const config = parsed.data;
    if (message.payload.segments > config.maxSegments) {
      const issue = segmentIssue(message.payload.segments, message.payload.encoding, config.maxSegments);
      throw SwitchboardError.fromClassification({ ...TOO_MANY_SEGMENTS, message: issue.issue }, { details: [issue] });
    }
    const form = {
      To: `+${message.to}`,
      From: `+${message.from}`,
      Body: message.payload.body,
      ...(ctx.statusCallbackUrl ? { StatusCallback: ctx.statusCallbackUrl } : {}),
    };
    const resource = await postTwilioMessage(config, form, { timeoutMs: this.options.timeoutMs ?? 10_000, signal: ctx.signal, dispatcher: this.options.dispatcher });
    return { providerMessageId: resource.sid, acceptedAt: ctx.now(), providerStatus: resource.status };
  }

  classifyError(error: unknown): Classification {
    if (SwitchboardError.isSwitchboardError(error)) return error.classification ?? classifyTwilio({});
    // classifyTwilio reads untrusted shapes defensively: anything unrecognised becomes `unknown`.
    return classifyTwilio(typeof error === 'object' && error !== null ? (error as { code?: number; message?: string; status?: number }) : {});
  }

  sendersOf(config: SmsConfig): string[] {
    return config.from.map((number) => number.slice(1));
  }

  /** E.164 digits without `+`; a national number without a country code is refused. */
  normaliseRecipient(to: string): string {
    const phone = parsePhoneNumberFromString(to.trim().startsWith('+') ? to.trim() : `+${to.trim()}`);
    if (!phone || !phone.isValid()) {
      throw new SwitchboardError({
        code: 'invalid_recipient',
        message: 'The recipient is not a valid phone number in international format.',
        details: [{ path: 'to', issue: 'must be a valid phone number with its country code (E.164, e.g. +14155550100)' }],
      });
    }
    return phone.number.slice(1);
  }

  readonly inbound = {
    verify: (request: InboundRequest, ctx: ChannelContext<SmsConfig>): boolean => {
      const config = smsConfigSchema.safeParse(ctx.config);
      const fields = formFieldsOf(request.body);
      const header = request.headers[SIGNATURE_HEADER];
      if (!config.success || !fields || typeof header !== 'string') return false;
      return isValidTwilioSignature(config.data.authToken, request.url, fields, header);
    },
    parse: (request: InboundRequest): ChannelEvent[] => parseTwilioCallback(request.url, request.body, this.options.now?.() ?? new Date()),
  };
}

function textIssue(issue: string): Issue {
  return { code: 'invalid_parameter', path: 'text', issue };
}

function segmentIssue(segments: number, encoding: SmsEncoding, limit: number): Issue {
  return textIssue(`The text is ${segments} SMS segments (${encoding}); at most ${limit} are allowed.`);
}

// A stored message longer than its connection allows (the connection lowered maxSegments after
// the accept): refused before the call, never retried.
const TOO_MANY_SEGMENTS: Classification = {
  code: 'invalid_parameter',
  httpStatus: httpStatusOf('invalid_parameter'),
  category: 'parameter',
  retry: { kind: 'none' },
  retryable: false,
  message: 'The text has more SMS segments than the connection allows.',
  action: "Shorten the text or raise the connection's maxSegments.",
  alert: false,
};
