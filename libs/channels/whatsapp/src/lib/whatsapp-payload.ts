import type { OutboundMessage } from '@switchboard/graph-api-client';
import { expandChoice } from './choice.expansion';
import type { WhatsAppMessage } from './schemas/whatsapp-message.schema';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Meta's message object as stored at accept time: no `messaging_product` (the Graph
 * client adds it), no `to` and no `biz_opaque_callback_data` (send() adds both).
 */
export type WhatsAppPayload = DistributiveOmit<OutboundMessage, 'to' | 'biz_opaque_callback_data'>;

/** The accepted request as Meta's payload: our envelope fields dropped, `choice` expanded. */
export function toWhatsAppPayload(message: WhatsAppMessage): WhatsAppPayload {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the envelope is ours, not Meta's
  const { from, to, metadata, ...payload } = message;
  if (payload.type !== 'choice') return payload;
  const { choice, ...rest } = payload;
  return { ...rest, type: 'interactive', interactive: expandChoice(choice) };
}
