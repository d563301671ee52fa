import type { MessageError } from '@switchboard/error-taxonomy';
import type { Environment } from '@switchboard/tenancy';
import type { MessageStatus } from '../persistence/message-status';

/** One event of a message's timeline as the live feed carries it (and as GraphQL's messageStatusChanged shows it). */
export interface MessageStatusChange {
  messageId: string;
  tenantId: string;
  environment: Environment;
  /** The channel the event happened on (a fallback's events name the fallback channel). */
  channel?: string;
  /** The timeline event's status (queued, sent, delivered, read, failed, dead). */
  status: MessageStatus;
  /** The message's own status after this change: a late `failed` after `delivered` keeps `delivered`. */
  messageStatus: MessageStatus;
  /** ISO time of the event, as stored in message_events.at. */
  at: string;
  /** The classified error of a failed or dead event; null otherwise. */
  error: MessageError | null;
}

/** The `queued` event that accept and retry store with the row. */
export function queuedChange(message: { id: string; tenantId: string; environment: Environment; channel: string }, at: Date): MessageStatusChange {
  return { messageId: message.id, tenantId: message.tenantId, environment: message.environment, channel: message.channel, status: 'queued', messageStatus: 'queued', at: at.toISOString(), error: null };
}
