import { z } from 'zod';
import { fallbackStepSchema } from '../fallback/fallback-step';
import { MESSAGE_STATUSES } from '../persistence/message-status';

/** How far ahead a message may be scheduled. */
export const SCHEDULE_MAX_AHEAD_MS = 30 * 24 * 3600 * 1000;

const scheduledAtSchema = z.iso
  .datetime({ offset: true, error: 'RFC 3339 with an offset (Z or +hh:mm)' })
  .refine((value) => Date.parse(value) > Date.now(), 'is in the past')
  .refine((value) => Date.parse(value) <= Date.now() + SCHEDULE_MAX_AHEAD_MS, 'is more than 30 days ahead')
  .describe('send later: RFC 3339 with an offset, stored in UTC, at most 30 days ahead; the checks run again at send time');

/** The channel a request names, `whatsapp` when it names none. */
export const DEFAULT_CHANNEL = 'whatsapp';

/**
 * The gateway's own fields of POST /v1/messages: they steer delivery and never reach the
 * channel. The rest of the body is the channel's message, parsed by the plugin's schema.
 */
export const deliveryOptionsSchema = z.strictObject({
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a channel id such as whatsapp or sms')
    .optional()
    .describe('the channel plugin that sends it; default whatsapp (the rest of the body is that channel\'s message: Meta\'s message object for whatsapp; {from?, to, text, metadata?} for sms)'),
  fallback: z
    .array(fallbackStepSchema)
    .max(3)
    .optional()
    .describe("the channels to fall back to, in order, and when; overrides the environment's fallback policy (an empty list turns it off for this message)"),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code')
    .optional()
    .describe("country of `to` when it is written without + or 00 (national format); default: read as international digits or in the sending number's country, refused when both readings are valid and differ"),
  scheduledAt: scheduledAtSchema.optional(),
});
export type DeliveryOptions = z.infer<typeof deliveryOptionsSchema>;
export const DELIVERY_OPTION_KEYS = Object.keys(deliveryOptionsSchema.shape);


/** `Idempotency-Key` (REST header, GraphQL argument): same key + same body within 24 h answers the first result. */
export const idempotencyKeySchema = z.string().min(1).max(255).optional();

/** A request split into its channel, the channel's message (parsed by the plugin's schema) and the delivery options. */
export interface SendRequest {
  readonly channel: string;
  readonly message: { readonly to: string; readonly from?: string | undefined; readonly type?: string; readonly metadata?: Record<string, unknown> | undefined };
  readonly delivery: DeliveryOptions;
}

export const acceptedMessageSchema = z.object({
  id: z.string(),
  status: z.literal('queued'),
  to: z.string(),
  from: z.string(),
  channel: z.string().optional().describe('the channel the message was accepted on'),
  segments: z.number().int().optional().describe('SMS: the parts the text is sent and billed as (GSM-7 160/153, UCS-2 70/67 characters each)'),
  createdAt: z.iso.datetime(),
  scheduledAt: z.iso.datetime().optional(),
});
export type AcceptedMessage = z.infer<typeof acceptedMessageSchema>;

export const messageViewSchema = z.object({
  id: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  channel: z.string().optional().describe('the channel it is on now (a fallback moves it)'),
  wamid: z.string().nullable(),
  providerMessageId: z.string().nullable().optional().describe("the vendor's id of the current send (WhatsApp: the wamid)"),
  to: z.string(),
  from: z.string(),
  type: z.string(),
  segments: z.number().int().optional().describe('SMS: the parts the text is sent and billed as'),
  attempts: z.number().int(),
  metadata: z.record(z.string(), z.unknown()),
  error: z.record(z.string(), z.unknown()).nullable(),
  scheduledAt: z.iso.datetime().nullable(),
  events: z.array(
    z.object({
      status: z.enum(MESSAGE_STATUSES),
      at: z.iso.datetime(),
      channel: z.string().optional().describe('the channel the event happened on'),
      attempt: z.number().int().optional().describe('which channel of the route: 1 the first, 2 the first fallback ...'),
      detail: z.record(z.string(), z.unknown()).optional().describe('what the event carries: the error, the fallback that started'),
    }),
  ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

/** GET /v1/messages' filters; `type` takes the message types of the registered channels. */
export const listMessagesQuerySchemaFor = (types: readonly [string, ...string[]]) =>
  z.strictObject({
    status: z.enum(MESSAGE_STATUSES).optional(),
    channel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/).optional(),
    to: z.string().min(1).max(32).optional(),
    from: z.string().regex(/^[0-9]{1,32}$/, "the sending number's phone_number_id").optional(),
    type: z.enum(types).optional(),
    errorCode: z.string().regex(/^[a-z_]{1,64}$|^[0-9]{1,10}$/, "a taxonomy code or Meta's error number").optional(),
    createdAfter: z.iso.datetime({ offset: true }).optional(),
    createdBefore: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().regex(/^msg_[0-9A-Z]{26}$/, 'nextCursor of the previous page').optional(),
  });
export type ListMessagesQuery = z.infer<ReturnType<typeof listMessagesQuerySchemaFor>>;

export const messageListSchema = z.object({
  data: z.array(messageViewSchema.omit({ events: true })),
  nextCursor: z.string().nullable(),
});


export const createSuppressionSchema = z.strictObject({
  waId: z.string().min(1).max(32),
  reason: z.string().max(500).optional(),
  channel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/).optional().describe('the one channel it applies to; default every channel'),
});
export const suppressionViewSchema = z.object({
  waId: z.string(),
  channel: z.string().nullable().optional().describe('the one channel it applies to; null: every channel'),
  reason: z.string().nullable(),
  source: z.string(),
  createdAt: z.iso.datetime(),
});
