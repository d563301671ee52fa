import { WHATSAPP_MESSAGE_TYPES, whatsappMessageSchema, type WhatsAppMessage } from '@switchboard/channel-whatsapp';
import { z } from 'zod';
import { MESSAGE_STATUSES } from '../persistence/message-status';

/** How far ahead a message may be scheduled. */
export const SCHEDULE_MAX_AHEAD_MS = 30 * 24 * 3600 * 1000;

const scheduledAtSchema = z.iso
  .datetime({ offset: true, error: 'RFC 3339 with an offset (Z or +hh:mm)' })
  .refine((value) => Date.parse(value) > Date.now(), 'is in the past')
  .refine((value) => Date.parse(value) <= Date.now() + SCHEDULE_MAX_AHEAD_MS, 'is more than 30 days ahead')
  .describe('send later: RFC 3339 with an offset, stored in UTC, at most 30 days ahead; the checks run again at send time');

/**
 * The gateway's own fields of POST /v1/messages: they steer delivery and never reach the
 * channel. The rest of the body is the channel's message, parsed by the plugin's schema.
 */
export const deliveryOptionsSchema = z.strictObject({
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code')
    .optional()
    .describe("country of `to` when it is written without + or 00 (national format); default: read as international digits or in the sending number's country, refused when both readings are valid and differ"),
  scheduledAt: scheduledAtSchema.optional(),
});
export type DeliveryOptions = z.infer<typeof deliveryOptionsSchema>;
export const DELIVERY_OPTION_KEYS = Object.keys(deliveryOptionsSchema.shape);

/** POST /v1/messages as documented: the WhatsApp channel's message (Meta's object plus `from`, `metadata`, `choice`) and the delivery options. */
export const sendMessageSchema = z.intersection(whatsappMessageSchema, deliveryOptionsSchema);

/** `Idempotency-Key` (REST header, GraphQL argument): same key + same body within 24 h answers the first result. */
export const idempotencyKeySchema = z.string().min(1).max(255).optional();

export interface SendRequest {
  readonly message: WhatsAppMessage;
  readonly delivery: DeliveryOptions;
}

export const acceptedMessageSchema = z.object({
  id: z.string(),
  status: z.literal('queued'),
  to: z.string(),
  from: z.string(),
  createdAt: z.iso.datetime(),
  scheduledAt: z.iso.datetime().optional(),
});
export type AcceptedMessage = z.infer<typeof acceptedMessageSchema>;

export const messageViewSchema = z.object({
  id: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  wamid: z.string().nullable(),
  to: z.string(),
  from: z.string(),
  type: z.string(),
  attempts: z.number().int(),
  metadata: z.record(z.string(), z.unknown()),
  error: z.record(z.string(), z.unknown()).nullable(),
  scheduledAt: z.iso.datetime().nullable(),
  events: z.array(z.object({ status: z.enum(MESSAGE_STATUSES), at: z.iso.datetime() })),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const listMessagesQuerySchema = z.strictObject({
  status: z.enum(MESSAGE_STATUSES).optional(),
  to: z.string().min(1).max(32).optional(),
  from: z.string().regex(/^[0-9]{1,32}$/, "the sending number's phone_number_id").optional(),
  type: z.enum(WHATSAPP_MESSAGE_TYPES).optional(),
  errorCode: z.string().regex(/^[a-z_]{1,64}$|^[0-9]{1,10}$/, "a taxonomy code or Meta's error number").optional(),
  createdAfter: z.iso.datetime({ offset: true }).optional(),
  createdBefore: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^msg_[0-9A-Z]{26}$/, 'nextCursor of the previous page').optional(),
});

export const messageListSchema = z.object({
  data: z.array(messageViewSchema.omit({ events: true })),
  nextCursor: z.string().nullable(),
});

export const windowQuerySchema = z.strictObject({ from: z.string().min(1).max(32) });
export const windowViewSchema = z.object({ open: z.boolean(), expiresAt: z.iso.datetime().nullable(), lastInboundAt: z.iso.datetime().nullable() });

export const createSuppressionSchema = z.strictObject({ waId: z.string().min(1).max(32), reason: z.string().max(500).optional() });
export const suppressionViewSchema = z.object({ waId: z.string(), reason: z.string().nullable(), source: z.string(), createdAt: z.iso.datetime() });
