import { z } from 'zod';
import type { MessageStatus } from '../persistence/message-status';
import type { MessageStatusChange } from '../status-feed/message-status-change';

/** The statuses Meta reports for an outbound message that the status machine knows. */
export const WEBHOOK_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/**
 * One `statuses[]` entry of a `messages` webhook, reduced to what the status machine
 * needs (reference §3.7). `at` is Meta's timestamp; `errors`, `pricing` and
 * `conversation` are kept as Meta sent them, for the message's timeline.
 */
export const statusUpdateSchema = z.object({
  wamid: z.string().min(1).max(255),
  status: z.enum(WEBHOOK_STATUSES),
  at: z.iso.datetime(),
  /** `biz_opaque_callback_data`: the gateway's message id when we sent it. */
  callbackData: z.string().max(512).optional(),
  recipientId: z.string().max(128).optional(),
  errors: z.array(z.record(z.string(), z.unknown())).optional(),
  pricing: z.record(z.string(), z.unknown()).optional(),
  conversation: z.record(z.string(), z.unknown()).optional(),
});
export type StatusUpdate = z.infer<typeof statusUpdateSchema>;

/** What became of one status update, and the message it found (none while pending). */
export interface StatusResult {
  readonly outcome: StatusOutcome;
  readonly message: { readonly id: string; readonly status: MessageStatus; readonly error: Record<string, unknown> | null } | null;
  /** Tenant event deliveries (message.status) recorded in the caller's transaction: dispatch them after the commit. */
  readonly deliveries: readonly string[];
  /** Timeline events recorded in the caller's transaction: publish them (MessageStatusFeed) after the commit. */
  readonly changes: readonly MessageStatusChange[];
}

export type StatusOutcome =
  /** The message moved forward (and the event was appended). */
  | 'applied'
  /** Late, repeated or superseded (a failure after delivery): kept as an event, status unchanged. */
  | 'recorded'
  /** No message with this id or wamid yet: kept, applied when the message appears. */
  | 'pending';
