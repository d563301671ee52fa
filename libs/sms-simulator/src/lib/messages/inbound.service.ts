import { z } from 'zod';
import { countSegments } from '../api/segments';
import type { CallbackDelivery } from '../callbacks/callback.dispatcher';
import type { FormParams } from '../callbacks/twilio-signature';
import { E164 } from '../seed/sms-seed.schema';
import type { SmsContext } from '../sms-context';
import { API_VERSION, type SmsMessageRecord } from './message.record';
import { messageSid } from './sid';

/** Twilio's default keywords on long codes: exact single words, any case, surrounding spaces ignored. */
export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const;
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;

export const inboundSmsSchema = z.object({
  /** The user's number. */
  from: z.string().regex(E164, 'must be an E.164 number'),
  /** One of the seeded numbers. */
  to: z.string().regex(E164, 'must be an E.164 number'),
  body: z.string().max(1600).default(''),
  mediaUrls: z.array(z.url({ protocol: /^https?$/ })).max(10).default([]),
});
export type InboundSmsInput = z.input<typeof inboundSmsSchema>;

export interface InboundSmsResult {
  sid: string;
  /** `STOP`-like keywords opt the sender out, `START`-like ones back in. */
  keyword: 'opt-out' | 'opt-in' | null;
  /** The webhook attempt, or null when no inbound URL is configured. */
  delivery: CallbackDelivery | null;
}

/** A user texts one of the account's numbers. Null when `to` is not a seeded number. */
export async function receiveInbound(ctx: SmsContext, input: InboundSmsInput): Promise<InboundSmsResult | null> {
  const parsed = inboundSmsSchema.parse(input);
  const accountSid = ctx.state.numberOwners.get(parsed.to);
  const account = accountSid === undefined ? undefined : ctx.state.accounts.get(accountSid);
  if (!account) return null;
  const settings = ctx.settings();
  const now = ctx.now();
  const { encoding, segments } = countSegments(parsed.body);
  const service = [...ctx.state.services.entries()].find(([, candidate]) => candidate.numbers.includes(parsed.to));
  const record: SmsMessageRecord = {
    sid: messageSid(settings.randomSeed, ctx.state.nextCounter(), parsed.mediaUrls.length > 0),
    accountSid: account.accountSid,
    direction: 'inbound',
    from: parsed.from,
    sender: parsed.from,
    to: parsed.to,
    body: parsed.body,
    encoding,
    numSegments: segments,
    mediaUrls: parsed.mediaUrls,
    messagingServiceSid: service?.[0] ?? null,
    statusCallback: null,
    status: 'received',
    errorCode: null,
    errorMessage: null,
    dateCreated: now,
    dateUpdated: now,
    dateSent: now,
    history: [{ status: 'received', at: now }],
  };
  ctx.state.messages.set(record.sid, record);

  // An opt-out through a number of a Messaging Service covers the whole sender pool.
  const numbers = service ? service[1].numbers : [parsed.to];
  const word = parsed.body.trim().toUpperCase();
  let keyword: InboundSmsResult['keyword'] = null;
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(word)) {
    keyword = 'opt-out';
    for (const number of numbers) ctx.state.optOut(number, parsed.from);
  } else if ((OPT_IN_KEYWORDS as readonly string[]).includes(word)) {
    keyword = 'opt-in';
    for (const number of numbers) ctx.state.optIn(number, parsed.from);
  }

  const url = settings.inboundUrl;
  if (url === null) return { sid: record.sid, keyword, delivery: null };
  const params: FormParams = {
    AccountSid: account.accountSid,
    ApiVersion: API_VERSION,
    Body: parsed.body,
    From: parsed.from,
    MessageSid: record.sid,
    NumMedia: String(parsed.mediaUrls.length),
    NumSegments: String(segments),
    SmsMessageSid: record.sid,
    SmsSid: record.sid,
    SmsStatus: 'received',
    To: parsed.to,
    ...(record.messagingServiceSid !== null && { MessagingServiceSid: record.messagingServiceSid }),
    ...Object.fromEntries(parsed.mediaUrls.map((mediaUrl, index) => [`MediaUrl${index}`, mediaUrl])),
  };
  const [delivery] = await ctx.dispatcher.post('inbound', url, account.authToken, params);
  return { sid: record.sid, keyword, delivery };
}
