/** The message status machine (contract §5); `dead` = gave up after retries, replayable. */
export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'dead'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * How far a message has got, for statuses that arrive out of order (Meta does not keep
 * order across webhook deliveries). A status is applied only when it ranks higher than
 * the current one: `sent` < `delivered` < `read`, and `read` may skip `delivered`.
 * `failed` and `dead` rank above `sent` and below `delivered`: a failure after a
 * delivery is history (an event), and a delivery reported after a failure is Meta's
 * proof that the message did arrive.
 */
const STATUS_RANK: Record<MessageStatus, number> = {
  queued: 0,
  sending: 1,
  sent: 2,
  failed: 3,
  dead: 3,
  delivered: 4,
  read: 5,
};

/** True when moving from `current` to `next` is progress rather than a late or repeated report. */
export function isForwardStatus(current: MessageStatus, next: MessageStatus): boolean {
  return STATUS_RANK[next] > STATUS_RANK[current];
}
