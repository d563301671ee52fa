import { z } from 'zod';
import type { MessageStatus } from '../persistence/message-status';
import type { StartedFallback } from '../fallback/message-fallbacks';
import type { MessageStatusChange } from '../status-feed/message-status-change';

/** The statuses a channel reports for an outbound message that the status machine knows. */
export const WEBHOOK_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

const messageErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  category: z.string(),
  retryable: z.boolean(),
  action: z.string(),
  meta: z.object({ code: z.number(), title: z.string(), details: z.string().optional() }).optional(),
  provider: z.object({ channel: z.string(), code: z.string(), title: z.string() }).optional(),
});

/**
 * One vendor report on an outbound message, normalised by its channel's ingest: the vendor's
 * message id, the status, the vendor's time, our message id when the vendor echoed it, and
 * for `failed` the error already classified by the taxonomy. `pricing` and `conversation`
 * are WhatsApp's, kept as Meta sent them for the timeline and the tenant event.
 * Rows stored before channels existed name the provider id `wamid`: read as the same field.
 */
export const statusUpdateSchema = z.preprocess(
  (value) =>
    value !== null && typeof value === 'object' && 'wamid' in value && !('providerMessageId' in value)
      ? { channel: 'whatsapp', ...value, providerMessageId: (value as { wamid: unknown }).wamid }
      : value,
  z.object({
    channel: z.string().min(1).max(32).default('whatsapp'),
    providerMessageId: z.string().min(1).max(255),
    status: z.enum(WEBHOOK_STATUSES),
    at: z.iso.datetime(),
    /** The gateway's message id when the vendor echoed it (WhatsApp: `biz_opaque_callback_data`). */
    callbackData: z.string().max(512).optional(),
    recipientId: z.string().max(128).optional(),
    error: messageErrorSchema.optional(),
    pricing: z.record(z.string(), z.unknown()).optional(),
    conversation: z.record(z.string(), z.unknown()).optional(),
  }),
);
export type StatusUpdate = z.output<typeof statusUpdateSchema>;

/** What became of one status update, and the message it found (none while pending). */
export interface StatusResult {
  readonly outcome: StatusOutcome;
  readonly message: { readonly id: string; readonly status: MessageStatus; readonly error: Record<string, unknown> | null } | null;
  /** Tenant event deliveries (message.status) recorded in the caller's transaction: dispatch them after the commit. */
  readonly deliveries: readonly string[];
  /** Timeline events recorded in the caller's transaction: publish them (MessageStatusFeed) after the commit. */
  readonly changes: readonly MessageStatusChange[];
  /** Fallbacks started in the caller's transaction: MessageStatusService.afterCommit enqueues them. */
  readonly fallbacks: readonly StartedFallback[];
}

export type StatusOutcome =
  /** The message moved forward (and the event was appended). */
  | 'applied'
  /** Late, repeated or superseded (a failure after delivery, a report of an earlier channel): kept as an event, status unchanged. */
  | 'recorded'
  /** No message with this id or provider message id yet: kept, applied when the message appears. */
  | 'pending';
