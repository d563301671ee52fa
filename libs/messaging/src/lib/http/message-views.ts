import type { MessageEntity } from '../persistence/message.entity';
import type { MessageTimeline } from '../message-timelines.service';
import { DEFAULT_CHANNEL, type AcceptedMessage, type MessageView } from './messages.schemas';

/**
 * Whether a message shows the channel fields (`channel`, `providerMessageId`, each event's
 * channel and attempt): one on another channel, or with a fallback route. A WhatsApp-only
 * message answers exactly as before channels existed.
 */
export function showsChannels(message: Pick<MessageEntity, 'channel' | 'route' | 'routeStep'>): boolean {
  return message.channel !== DEFAULT_CHANNEL || message.route !== null || message.routeStep > 0;
}

/** How many parts the vendor bills the stored payload as (SMS segments), when the channel counts them. */
function segmentsOf(message: Pick<MessageEntity, 'payload'>): { segments?: number } {
  const segments = message.payload['segments'];
  return typeof segments === 'number' ? { segments } : {};
}

/** The 202 answer of accept, an idempotent replay and a retry. */
export function acceptedView(message: MessageEntity): AcceptedMessage {
  return {
    id: message.id,
    status: 'queued',
    to: message.to,
    from: message.sender,
    ...(showsChannels(message) ? { channel: message.channel } : {}),
    ...segmentsOf(message),
    createdAt: message.createdAt.toISOString(),
    ...(message.scheduledAt ? { scheduledAt: message.scheduledAt.toISOString() } : {}),
  };
}

/** A message as GET shows it, without its timeline. */
export function messageSummary(message: MessageEntity): Omit<MessageView, 'events'> {
  return {
    id: message.id,
    status: message.status,
    ...(showsChannels(message) ? { channel: message.channel } : {}),
    wamid: message.channel === DEFAULT_CHANNEL ? message.providerMessageId : null,
    ...(showsChannels(message) ? { providerMessageId: message.providerMessageId } : {}),
    to: message.to,
    from: message.sender,
    type: message.type,
    ...segmentsOf(message),
    attempts: message.attempts,
    metadata: message.metadata,
    error: message.error,
    scheduledAt: message.scheduledAt?.toISOString() ?? null,
    createdAt: message.createdAt.toISOString(),
    updatedAt: message.updatedAt.toISOString(),
  };
}

/** A message's timeline as GET shows it: each event's channel, attempt and detail when the message shows channels. */
export function timelineView(message: Pick<MessageEntity, 'channel' | 'route' | 'routeStep'>, events: MessageTimeline): MessageView['events'] {
  return showsChannels(message) ? events : events.map(({ status, at }) => ({ status, at }));
}
