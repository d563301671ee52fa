import type { MessageEntity } from '../persistence/message.entity';
import type { AcceptedMessage, MessageView } from './messages.schemas';

/** The 202 answer of accept, an idempotent replay and a retry. */
export function acceptedView(message: MessageEntity): AcceptedMessage {
  return {
    id: message.id,
    status: 'queued',
    to: message.to,
    from: message.phoneNumberId,
    createdAt: message.createdAt.toISOString(),
    ...(message.scheduledAt ? { scheduledAt: message.scheduledAt.toISOString() } : {}),
  };
}

/** A message as GET shows it, without its timeline. */
export function messageSummary(message: MessageEntity): Omit<MessageView, 'events'> {
  return {
    id: message.id,
    status: message.status,
    wamid: message.wamid,
    to: message.to,
    from: message.phoneNumberId,
    type: message.type,
    attempts: message.attempts,
    metadata: message.metadata,
    error: message.error,
    scheduledAt: message.scheduledAt?.toISOString() ?? null,
    createdAt: message.createdAt.toISOString(),
    updatedAt: message.updatedAt.toISOString(),
  };
}
